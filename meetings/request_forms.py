import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Contact
from meetings.requests import Answer

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StopTimeZoneForm(forms.Form):
    """Reads and shows its date-times in the stop's zone (the zone of the city the meeting is in)."""

    def __init__(self, *args, time_zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = zoneinfo.ZoneInfo(time_zone)

    def full_clean(self):
        with timezone.override(self.time_zone):
            super().full_clean()


class MeetingRequestForm(StopTimeZoneForm):
    contact = forms.ModelChoiceField(
        label=_("Host contact"), queryset=Contact.objects.none(), help_text=_("Contacts with an email address.")
    )
    deadline = forms.DateTimeField(label=_("Answer by"), widget=LOCAL_INPUT)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the contact with the meeting's details."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, time_zone=item.stop.time_zone, **kwargs)
        self.item = item
        # Only the council's own address book: another council's contact is "not one of the available choices".
        self.fields["contact"].queryset = (
            Contact.objects.filter(organization__council_id=item.program.council_id, active=True)
            .exclude(email="")
            .select_related("organization")
            .order_by("organization__name", "name")
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The answer-by date must be in the future."))
        if deadline >= self.item.starts_at:
            raise forms.ValidationError(_("The answer-by date must be before the meeting starts."))
        return deadline


def default_deadline(item, *, now=None):
    """An answer-by date the form accepts as it is: in the future and before the meeting, to the minute (the form
    shows minutes).

    A week before the meeting; when that is less than two days away, two days from now or the day before the
    meeting, whichever comes first; when even that has passed (the meeting is within a day), halfway to the
    meeting. None when no minute is left between now and the meeting.
    """
    now = now or timezone.now()
    starts = item.starts_at
    deadline = starts - dt.timedelta(days=7)
    if deadline < now + dt.timedelta(days=2):
        deadline = min(now + dt.timedelta(days=2), starts - dt.timedelta(days=1))
    if deadline <= now:
        deadline = now + (starts - now) / 2
    deadline = deadline.replace(second=0, microsecond=0)
    if deadline <= now:
        deadline += dt.timedelta(minutes=1)
    return deadline if now < deadline < starts else None


class AnswerForm(StopTimeZoneForm):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            (Answer.ACCEPT, _("Yes, we can host the meeting at this time")),
            (Answer.DECLINE, _("No, we cannot host this meeting")),
            (Answer.PROPOSE, _("We propose another time")),
        ],
    )
    proposed_starts_at = forms.DateTimeField(label=_("Proposed start"), required=False, widget=LOCAL_INPUT)
    proposed_ends_at = forms.DateTimeField(label=_("Proposed end"), required=False, widget=LOCAL_INPUT)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting_request, **kwargs):
        super().__init__(*args, time_zone=meeting_request.item.stop.time_zone, **kwargs)
        self.stop = meeting_request.item.stop

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") != Answer.PROPOSE:
            cleaned["proposed_starts_at"] = cleaned["proposed_ends_at"] = None
            return cleaned
        starts, ends = cleaned.get("proposed_starts_at"), cleaned.get("proposed_ends_at")
        if starts is None or ends is None:
            raise forms.ValidationError(_("Please give the start and end of the time you propose."))
        if ends <= starts:
            self.add_error("proposed_ends_at", _("The end must be after the start."))
        elif starts <= timezone.now():
            self.add_error("proposed_starts_at", _("The proposed time must be in the future."))
        elif not self.stop.covers(starts.astimezone(self.time_zone).date()):
            self.add_error(
                "proposed_starts_at",
                _("The group is in %(city)s from %(start)s to %(end)s; please propose a time in those days.")
                % {
                    "city": self.stop.city,
                    "start": self.stop.start_date.isoformat(),
                    "end": self.stop.end_date.isoformat(),
                },
            )
        return cleaned


class AcceptProposalForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for accepting despite the conflicts"),
        required=False,
        max_length=300,
        help_text=_("Only needed when the proposed time conflicts with the itinerary."),
    )
