"""The agency's forms (national program, route, travellers) and the councils' (answer, hand-over note)."""

import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import Council
from journeys.enums import SegmentState
from journeys.models import HandOver, NationalProgram, Segment, Traveller
from programs.forms import DateInput


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class NationalProgramForm(forms.ModelForm):
    class Meta:
        model = NationalProgram
        fields = ["title", "agency_reference", "theme", "objectives", "arrival_date", "departure_date"]
        widgets = {
            "arrival_date": DateInput(),
            "departure_date": DateInput(),
            "objectives": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("National program"),
                Row(Column("title"), Column("agency_reference")),
                "theme",
                "objectives",
                Row(Column("arrival_date"), Column("departure_date")),
            )
        )

    def clean(self):
        cleaned = super().clean()
        arrival, departure = cleaned.get("arrival_date"), cleaned.get("departure_date")
        if arrival and departure and departure < arrival:
            self.add_error("departure_date", _("Departure must not be before arrival."))
        return cleaned


class SegmentForm(forms.ModelForm):
    """One city of the route. Arrival and departure times are typed on the city's clock."""

    class Meta:
        model = Segment
        fields = [
            "order",
            "city",
            "region",
            "starts_on",
            "ends_on",
            "time_zone",
            "council",
            "arrival_mode",
            "arrival_detail",
            "arrival_at",
            "departure_mode",
            "departure_detail",
            "departure_at",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "time_zone": forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
            "arrival_at": DateTimeInput(),
            "departure_at": DateTimeInput(),
        }
        labels = {"council": _("Council to invite")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.order_by("name")
        self.fields["order"].min_value = 1

    def _on_local_clock(self, name, cleaned):
        """A time typed on the city's clock (the field read it on the server's)."""
        moment, zone_name = cleaned.get(name), cleaned.get("time_zone")
        if moment is None or not zone_name:
            return
        wall_clock = timezone.localtime(moment).replace(tzinfo=None)
        cleaned[name] = wall_clock.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("A city must not end before it starts."))
        self._on_local_clock("arrival_at", cleaned)
        self._on_local_clock("departure_at", cleaned)
        return cleaned


class BaseSegmentFormSet(forms.BaseInlineFormSet):
    """At least one city; every city within the national program's dates; in order of their dates, and not sharing
    a night (consecutive cities may share the travel day); each order number once."""

    def __init__(self, *args, program_form, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_form = program_form

    def clean(self):
        # The route's own rules first: they say more than the model's "duplicate order" check would.
        self._check_route()
        super().clean()

    def _check_route(self):
        if any(self.errors):
            return
        arrival = self.program_form.cleaned_data.get("arrival_date") if self.program_form.is_valid() else None
        departure = self.program_form.cleaned_data.get("departure_date") if arrival else None
        kept = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            order, start, end = (form.cleaned_data.get(name) for name in ("order", "starts_on", "ends_on"))
            if not (order and start and end):
                continue
            if arrival and departure and (start < arrival or end > departure):
                form.add_error("starts_on", _("A city must fall within the national program's dates."))
            kept.append((order, start, end, form))
        if not kept:
            raise forms.ValidationError(_("Add at least one city to the route."))
        orders = [order for order, *_rest in kept]
        if len(set(orders)) != len(orders):
            raise forms.ValidationError(_("Each city needs its own order number."))
        kept.sort(key=lambda row: row[0])
        for (_o, first_start, first_end, _f), (_o2, second_start, _e, form) in zip(kept, kept[1:], strict=False):
            if second_start < first_start:
                form.add_error("order", _("The cities must be in the order of their dates."))
            elif second_start < first_end:
                form.add_error("starts_on", _("This city overlaps the nights of the previous one."))


SegmentFormSet = forms.inlineformset_factory(
    NationalProgram, Segment, form=SegmentForm, formset=BaseSegmentFormSet, extra=3, can_delete=False
)


class TravellerForm(forms.ModelForm):
    class Meta:
        model = Traveller
        fields = [
            "full_name",
            "country",
            "organization",
            "role",
            "email",
            "phone",
            "language",
            "dietary_needs",
            "accessibility_needs",
            "bio",
            "share_bio",
            "share_contact",
            "media_consent",
        ]
        labels = {"role": _("Title or role")}
        help_texts = {"bio": _("The hosts see it only if the traveller consents.")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, national_program, **kwargs):
        super().__init__(*args, **kwargs)
        self.national_program = national_program
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Traveller"),
                Row(Column("full_name"), Column("country")),
                Row(Column("organization"), Column("role")),
                Row(Column("email"), Column("phone"), Column("language")),
                Row(Column("dietary_needs"), Column("accessibility_needs")),
                "bio",
                Row(Column("share_bio"), Column("share_contact"), Column("media_consent")),
            )
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = Traveller.objects.filter(national_program=self.national_program, email__iexact=email)
            if others.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Another traveller of this program has this email."))
        return email


class HandOverForm(forms.ModelForm):
    """The note to the next council. ``version`` is the note's version when the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HandOver
        fields = ["health", "diet", "interpreter", "group_changes", "other"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the agency reads it)"), max_length=300, required=False)


class SegmentStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Where our segment stands"),
        choices=[
            (SegmentState.BUILDING, SegmentState.BUILDING.label),
            (SegmentState.CONFIRMED, SegmentState.CONFIRMED.label),
        ],
    )
