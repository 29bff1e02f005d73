from django import forms
from django.utils.translation import gettext_lazy as _

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


class CopyDayForm(forms.Form):
    to_day = forms.DateField(label=_("Copy onto"), widget=DATE_INPUT)

    def __init__(self, *args, program, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.day = day

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
