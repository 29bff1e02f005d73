from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meetings import copying
from meetings.request_forms import LOCAL_INPUT, StopTimeZoneForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CopyItemForm(StopTimeZoneForm):
    starts_at = forms.DateTimeField(
        label=_("New start"), widget=LOCAL_INPUT, help_text=_("The copy lasts as long as the original.")
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, time_zone=item.stop.time_zone, **kwargs)
        self.program = item.program

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        day = starts_at.astimezone(self.time_zone).date()
        if not self.program.arrival_date <= day <= self.program.departure_date:
            raise forms.ValidationError(_("Choose a time within the program's dates."))
        return starts_at


def _stop_label(stop):
    return f"{stop.city} ({stop.start_date:%Y-%m-%d} – {stop.end_date:%Y-%m-%d}, {stop.time_zone})"


class CopyDayForm(forms.Form):
    to_day = forms.DateField(label=_("Copy onto"), widget=DATE_INPUT)
    to_stop = forms.ModelChoiceField(
        label=_("At the stop"),
        queryset=None,
        required=False,
        empty_label=_("The stop covering that day"),
        help_text=_("The copies take place there, at the same local times on its clock."),
    )

    def __init__(self, *args, program, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.day = day
        self.fields["to_stop"].queryset = program.stops.order_by("start_date")
        self.fields["to_stop"].label_from_instance = _stop_label

    def clean(self):
        cleaned = super().clean()
        to_day, to_stop = cleaned.get("to_day"), cleaned.get("to_stop")
        if to_day is None or "to_day" in self.errors:
            return cleaned
        if to_stop is None:
            try:
                cleaned["to_stop"] = copying.stop_covering(self.program, to_day)
            except ValidationError as error:
                self.add_error("to_stop", error)
        elif not to_stop.covers(to_day):
            self.add_error(
                "to_stop",
                _("%(city)s does not cover %(day)s.") % {"city": to_stop.city, "day": to_day.isoformat()},
            )
        return cleaned

    def clean_to_day(self):
        to_day = self.cleaned_data["to_day"]
        if to_day == self.day:
            raise forms.ValidationError(_("Choose another day to copy to."))
        if not self.program.arrival_date <= to_day <= self.program.departure_date:
            raise forms.ValidationError(_("Choose a day within the program's dates."))
        return to_day


class CopyProgramForm(forms.Form):
    title = forms.CharField(label=_("Title of the new program"), max_length=200)
    arrival_date = forms.DateField(
        label=_("Arrival of the new delegation"),
        widget=DATE_INPUT,
        help_text=_("Stops and items move by the same number of days, at the same local times."),
    )
