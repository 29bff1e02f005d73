from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.models import Flight, Hotel
from meetings.forms import WallClockField, make_local_aware, wall_clock
from programs.forms import time_zone_names


class ConfirmationNumbersForm(forms.Form):
    """Each participant's confirmation number at the hotel of one stop."""

    def __init__(self, *args, participants, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            booking = bookings.get(participant.pk)
            self.fields[f"participant_{participant.pk}"] = forms.CharField(
                label=participant.full_name,
                max_length=60,
                required=False,
                initial=booking.confirmation_number if booking else "",
            )

    def numbers(self):
        """{participant: confirmation number} from the cleaned form."""
        return {
            participant: self.cleaned_data[f"participant_{participant.pk}"].strip() for participant in self.participants
        }


class StopHotelForm(forms.Form):
    hotel = forms.ModelChoiceField(label=_("Hotel"), queryset=Hotel.objects.none(), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.filter(council=council)


class FlightForm(forms.ModelForm):
    """A participant's flight. Each end's time is typed as read on that airport's clock, in the zone chosen beside it
    (by default the zone of the stop the group arrives in or leaves from), and stored as the aware moment."""

    departs_at = WallClockField(label=_("Departs (local time at the departure airport)"))
    departs_zone = forms.ChoiceField(label=_("Time zone of the departure airport"), choices=())
    arrives_at = WallClockField(label=_("Arrives (local time at the arrival airport)"))
    arrives_zone = forms.ChoiceField(label=_("Time zone of the arrival airport"), choices=())

    class Meta:
        model = Flight
        fields = [
            "participant",
            "direction",
            "carrier",
            "number",
            "from_airport",
            "to_airport",
            "departs_at",
            "arrives_at",
        ]

    def __init__(self, *args, program, default_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = program.participants.all()
        zones = [(name, name) for name in time_zone_names()]
        for end in ("departs", "arrives"):
            self.fields[f"{end}_zone"].choices = zones
            self.fields[f"{end}_zone"].initial = default_zone
            if self.instance.pk:
                self.initial[f"{end}_at"] = wall_clock(getattr(self.instance, f"{end}_at"), default_zone)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        self.helper.layout = Layout(
            Row(Column("participant"), Column("direction")),
            Row(Column("carrier"), Column("number")),
            Row(Column("from_airport"), Column("departs_at"), Column("departs_zone")),
            Row(Column("to_airport"), Column("arrives_at"), Column("arrives_zone")),
        )

    def clean(self):
        cleaned = super().clean()
        # Replace each wall-clock reading by the moment it names, so the model stores an aware time.
        moments = {}
        for end in ("departs", "arrives"):
            naive, zone = cleaned.get(f"{end}_at"), cleaned.get(f"{end}_zone")
            if naive is None:
                continue
            if zone is None:
                # Without its zone the reading names no moment; the model must never see it naive.
                self.add_error(f"{end}_at", _("Choose the time zone of this time."))
                continue
            moments[end] = make_local_aware(naive, zone)
            if moments[end] is None:
                message = _("This time does not exist in %(zone)s (the clocks skip it).") % {"zone": zone}
                self.add_error(f"{end}_at", message)
            else:
                cleaned[f"{end}_at"] = moments[end]
        if moments.get("departs") and moments.get("arrives") and moments["arrives"] <= moments["departs"]:
            self.add_error("arrives_at", _("The flight must arrive after it departs."))
        return cleaned
