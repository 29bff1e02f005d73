import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exchange import spreadsheets
from exchange.phones import localise_phone_fields
from hospitality.enums import Weekday
from hospitality.models import HospitalitySlot, Volunteer

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def parse_languages(value):
    """Comma-separated language codes, lower-cased and de-duplicated; raises ValidationError on a bad code."""
    codes = []
    for code in value.replace(";", ",").split(","):
        code = code.strip().lower()
        if not code:
            continue
        if not code.isalpha() or not 2 <= len(code) <= 3:
            raise forms.ValidationError(_("“%(code)s” is not a language code such as en or es."), params={"code": code})
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


class DateListField(forms.CharField):
    """Dates as YYYY-MM-DD separated by commas, spaces or new lines."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        value = super().to_python(value)
        dates = set()
        for word in value.replace(",", " ").split():
            try:
                dates.add(dt.date.fromisoformat(word))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(word)s” is not a date like 2027-06-23."), params={"word": word}
                ) from None
        return sorted(dates)


class HouseholdForm(forms.ModelForm):
    """What a volunteer keeps current themselves: household, languages, guests, needs and availability."""

    available_weekdays = forms.TypedMultipleChoiceField(
        label=_("Usually available on"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available_dates = DateListField(
        label=_("Also available on these dates"), required=False, help_text=_("For example: 2027-06-23, 2027-06-30")
    )

    class Meta:
        model = Volunteer
        fields = [
            "household_name",
            "contact_name",
            "phone",
            "address",
            "city",
            "languages",
            "preferred_language",
            "max_guests",
            "dietary_accommodations",
            "accessibility",
            "pets",
            "available_weekdays",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.council_id:
            localise_phone_fields(self, self.instance.council)
        if self.instance.pk:
            self.initial.setdefault(
                "available_dates", " ".join(str(a.date) for a in self.instance.available_dates.all())
            )

    def clean_languages(self):
        return parse_languages(self.cleaned_data["languages"])

    def clean_available_weekdays(self):
        return sorted(set(self.cleaned_data["available_weekdays"]))


class VolunteerForm(HouseholdForm):
    """Staff's full record of a volunteer."""

    class Meta(HouseholdForm.Meta):
        fields = [*HouseholdForm.Meta.fields, "email", "vetting_status", "vetted_on", "active", "notes"]
        widgets = {"vetted_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.instance.council = council
        localise_phone_fields(self, council)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = Volunteer.objects.filter(council=self.council, email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another volunteer of the council has this email."))
        return email


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Speaks"), required=False, choices=[("", _("Any"))] + settings.LANGUAGES)
    available_on = forms.DateField(
        label=_("Available on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    min_guests = forms.IntegerField(label=_("Guests at least"), required=False, min_value=1, max_value=50)
    active = forms.TypedChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Active")), ("no", _("Inactive"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )

    def filters(self):
        """The cleaned filters as keyword arguments of ``queries.volunteers_for_registry``."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class CsvImportForm(forms.Form):
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("CSV (UTF-8) or Excel workbook (.xlsx), one volunteer per row, at most 1 MB."),
    )
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )

    def clean_file(self):
        """The file's ``exchange.spreadsheets.Sheet``."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return spreadsheets.read(upload.read(), filename=upload.name)
        except spreadsheets.SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from None


class SlotForm(forms.ModelForm):
    """A slot in a stop's local time: the date and times are read in the stop's zone."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    deadline_date = forms.DateField(
        label=_("Answer invitations by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = HospitalitySlot
        fields = ["stop", "meal", "guests_per_host", "hosts_needed", "meeting_point", "notes"]

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.instance.program = program
        self.fields["stop"].queryset = program.stops.order_by("start_date")
        slot = self.instance
        if slot.pk:
            zone = zoneinfo.ZoneInfo(slot.stop.time_zone)
            starts, ends = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
            self.initial.update({"date": starts.date(), "start_time": starts.time(), "end_time": ends.time()})
            if slot.invitation_deadline:
                self.initial["deadline_date"] = slot.invitation_deadline.astimezone(zone).date()

    def clean(self):
        data = super().clean()
        stop = data.get("stop")
        if not stop or not all(data.get(key) for key in ("date", "start_time", "end_time")):
            return data
        zone = zoneinfo.ZoneInfo(stop.time_zone)
        starts = dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone)
        ends = dt.datetime.combine(data["date"], data["end_time"], tzinfo=zone)
        if not stop.covers(data["date"]):
            self.add_error("date", _("The date must fall within the stop's dates."))
        if ends <= starts:
            self.add_error("end_time", _("The end must be after the start."))
        self.instance.starts_at, self.instance.ends_at = starts, ends
        deadline = data.get("deadline_date")
        self.instance.invitation_deadline = (
            dt.datetime.combine(deadline, dt.time(23, 59), tzinfo=zone) if deadline else None
        )
        if deadline and self.instance.invitation_deadline > starts:
            self.add_error("deadline_date", _("The deadline must be before the slot."))
        hosts_needed = data.get("hosts_needed")
        if hosts_needed is not None and hosts_needed < self.instance.accepted_hosts:
            self.add_error(
                "hosts_needed",
                _("%(count)s hosts have already accepted.") % {"count": self.instance.accepted_hosts},
            )
        return data


class InviteForm(forms.Form):
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Volunteers to invite"), queryset=Volunteer.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, slot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = Volunteer.objects.filter(
            council_id=slot.program.council_id, active=True
        ).exclude(invitations__slot=slot)


class AssignGuestsForm(forms.Form):
    """The guests at one host's table, chosen among the program's participants (given, so that a page with
    many hosts reads the participants once)."""

    guests = forms.TypedMultipleChoiceField(
        label=_("Guests"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {participant.pk: participant for participant in participants}
        self.fields["guests"].choices = [(p.pk, p.full_name) for p in participants]

    def clean_guests(self):
        return [self.participants[pk] for pk in self.cleaned_data["guests"]]


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the council (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
