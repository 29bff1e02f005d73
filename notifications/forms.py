from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.request_forms import LOCAL_INPUT, StopTimeZoneForm
from notifications import queries
from notifications.enums import NotificationChannel, NotificationKind, NotificationState


class OutboxFilterForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=None, required=False, empty_label=_("Any"))
    state = forms.ChoiceField(label=_("State"), choices=[("", _("Any"))] + NotificationState.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any"))] + NotificationKind.choices, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any"))] + NotificationChannel.choices, required=False
    )
    q = forms.CharField(label=_("Recipient"), required=False, max_length=200)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the council's own programs can be chosen; another council's id is an invalid choice.
        self.fields["program"].queryset = queries.council_programs(council)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("program"):
            queryset = queryset.filter(program=data["program"])
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        if data.get("q"):
            queryset = queryset.filter(
                Q(recipient_email__icontains=data["q"])
                | Q(recipient_name__icontains=data["q"])
                | Q(target_url__icontains=data["q"])
            )
        return queryset


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, participant):
        return f"{participant.full_name} ({participant.program.title})"


class SchedulePreviewForm(forms.Form):
    participant = ParticipantChoiceField(label=_("Participant"), queryset=None)
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("The day the schedule is for.")
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = queries.council_participants(council)


class UnsubscribeForm(forms.Form):
    """No fields: the signed token in the address names the person. One-click clients post ``List-Unsubscribe``."""


class ProposalForm(StopTimeZoneForm):
    """Another time a host proposes for an item, on the clock of the item's city."""

    proposed_starts_at = forms.DateTimeField(label=_("Proposed start"), widget=LOCAL_INPUT)
    proposed_ends_at = forms.DateTimeField(label=_("Proposed end"), widget=LOCAL_INPUT)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, time_zone=item.stop.time_zone, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("proposed_starts_at"), cleaned.get("proposed_ends_at")
        if starts is None or ends is None:
            return cleaned
        if ends <= starts:
            self.add_error("proposed_ends_at", _("The end must be after the start."))
        elif starts <= timezone.now():
            self.add_error("proposed_starts_at", _("The proposed time must be in the future."))
        return cleaned
