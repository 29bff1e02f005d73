"""Staff forms for programs and their stops."""

import zoneinfo
from functools import cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from exchange.phones import localise_phone_fields
from programs.models import Participant, Program, Sponsor, Stop


@cache
def time_zone_names():
    return sorted(zoneinfo.available_timezones())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "title",
            "program_type",
            "status",
            "sponsor",
            "sponsor_reference",
            "program_officer_name",
            "program_officer_email",
            "theme",
            "objectives",
            "arrival_date",
            "departure_date",
            "accepted_on",
            "has_home_hospitality",
            "coordinator",
        ]
        widgets = {
            "arrival_date": DateInput(),
            "departure_date": DateInput(),
            "accepted_on": DateInput(),
            "objectives": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = Sponsor.objects.filter(council=council)
        self.fields["coordinator"].queryset = get_user_model().objects.filter(membership__council=council)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Program"), "title", Row(Column("program_type"), Column("status")), "theme", "objectives"),
            Fieldset(
                _("Sponsor"),
                Row(Column("sponsor"), Column("sponsor_reference")),
                Row(Column("program_officer_name"), Column("program_officer_email")),
            ),
            Fieldset(
                _("Dates"),
                Row(Column("arrival_date"), Column("departure_date"), Column("accepted_on")),
                Row(Column("coordinator"), Column("has_home_hospitality")),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        arrival, departure = cleaned.get("arrival_date"), cleaned.get("departure_date")
        if arrival and departure and departure < arrival:
            self.add_error("departure_date", _("Departure must not be before arrival."))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, reference or visitor")}),
    )


KEEP_LOCAL_TIMES = "keep_local_times"
KEEP_MOMENTS = "keep_moments"


class StopForm(forms.ModelForm):
    """A stop of the program. Changing the time zone of a stop that has items asks what they keep: their local
    times (they move in UTC, so that they read the same on the new clock) or their moments (nothing moves, their
    local times change); the choice is only shown, and required, then."""

    zone_change = forms.ChoiceField(
        label=_("The time zone changes: what do this stop's items keep?"),
        choices=[
            (KEEP_LOCAL_TIMES, _("Their local times: a 09:00 meeting stays at 09:00 on the new clock (it moves)")),
            (KEEP_MOMENTS, _("Their moments: nothing moves, so the local times shown change")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Stop
        fields = ["city", "region", "start_date", "end_date", "time_zone"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "time_zone": forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The zone as saved: construct_instance writes the new one into the instance while validating.
        self.saved_time_zone = self.instance.time_zone if self.instance.pk else None

    @property
    def asks_zone_change(self):
        """True when the form changes the zone of a saved stop that has items (the choice is shown)."""
        if not (self.is_bound and self.saved_time_zone and "time_zone" in self.changed_data):
            return False
        if not hasattr(self, "_has_items"):
            self._has_items = self.instance.items.exists()
        return self._has_items

    @property
    def keeps_local_times(self):
        return self.asks_zone_change and self.cleaned_data.get("zone_change") == KEEP_LOCAL_TIMES

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A stop must not end before it starts."))
        if self.asks_zone_change and not cleaned.get("zone_change") and not self.errors.get("time_zone"):
            self.add_error(
                "zone_change",
                _(
                    "The time zone of %(city)s changes from %(old)s and it has items: choose whether they keep "
                    "their local times or their moments."
                )
                % {"city": self.instance.city, "old": self.saved_time_zone},
            )
        return cleaned


class BaseStopFormSet(forms.BaseInlineFormSet):
    """Stops fall within the program's dates, do not share nights, and a stop with items is not deleted."""

    def __init__(self, *args, program_form, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_form = program_form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        arrival = self.program_form.cleaned_data.get("arrival_date") if self.program_form.is_valid() else None
        departure = self.program_form.cleaned_data.get("departure_date") if arrival else None
        kept = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk and form.instance.items.exists():
                    # A form marked for deletion is not validated: the refusal belongs to the formset.
                    raise forms.ValidationError(
                        _("%(city)s has itinerary items: move or delete them first.") % {"city": form.instance.city}
                    )
                continue
            start, end = form.cleaned_data.get("start_date"), form.cleaned_data.get("end_date")
            if not (start and end):
                continue
            if arrival and departure and (start < arrival or end > departure):
                form.add_error("start_date", _("A stop must fall within the program's dates."))
            kept.append((start, end, form))
        kept.sort(key=lambda row: row[0])
        for (_start, first_end, _form), (second_start, _end, form) in zip(kept, kept[1:], strict=False):
            # Consecutive stops may share the travel day, not a night.
            if second_start < first_end:
                form.add_error("start_date", _("This stop overlaps the nights of the previous one."))


StopFormSet = forms.inlineformset_factory(
    Program, Stop, form=StopForm, formset=BaseStopFormSet, extra=1, can_delete=True
)


class ParticipantForm(forms.ModelForm):
    """What staff keep about a visitor of the delegation; the link version and last visit are the system's."""

    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "country",
            "role",
            "organization",
            "email",
            "phone",
            "preferred_language",
            "dietary_needs",
            "accessibility_needs",
            "bio",
            "share_bio",
            "share_contact",
            "media_consent",
            "notifications_opt_out",
        ]
        labels = {"role": _("Title or role")}
        help_texts = {
            "email": _("Their personal link and daily schedule are sent here."),
            "preferred_language": _("Their pages and messages are in this language."),
            "bio": _("Hosts see it only if the participant consents."),
            "media_consent": _("Only participants who consent appear in the list meant for publication."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        # The languages the pages and messages are written in, as configured now.
        self.fields["preferred_language"].choices = list(settings.LANGUAGES)
        localise_phone_fields(self, program.council)
        if self.instance.country_as_typed and not self.instance.country:
            # Typed before countries were a list, and matching none of them: staff choose it now.
            self.fields["country"].help_text = _("Was typed as “%(text)s”; choose the country.") % {
                "text": self.instance.country_as_typed
            }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Participant"),
                Row(Column("first_name"), Column("last_name")),
                Row(Column("country"), Column("role"), Column("organization")),
            ),
            Fieldset(_("Contact"), Row(Column("email"), Column("phone"), Column("preferred_language"))),
            Fieldset(_("Needs"), Row(Column("dietary_needs"), Column("accessibility_needs"))),
            Fieldset(
                _("Bio and consent"),
                "bio",
                Row(Column("share_bio"), Column("share_contact")),
                Row(Column("media_consent"), Column("notifications_opt_out")),
            ),
        )

    def clean_country(self):
        country = self.cleaned_data["country"]
        if country:
            self.instance.country_as_typed = ""  # the country is chosen now
        return country

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = Participant.objects.filter(program=self.program, email__iexact=email).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(_("Another participant of this program has this email."))
        return email
