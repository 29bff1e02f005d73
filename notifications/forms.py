from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import queries
from notifications.enums import NotificationKind, NotificationState


class OutboxFilterForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=None, required=False, empty_label=_("Any"))
    state = forms.ChoiceField(label=_("State"), choices=[("", _("Any"))] + NotificationState.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any"))] + NotificationKind.choices, required=False)
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
        if data.get("q"):
            queryset = queryset.filter(recipient_email__icontains=data["q"]) | queryset.filter(
                recipient_name__icontains=data["q"]
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
