from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.enums import NotificationKind, NotificationState


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("Any"))] + NotificationState.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any"))] + NotificationKind.choices, required=False)
    q = forms.CharField(label=_("Recipient"), required=False, max_length=200)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("q"):
            queryset = queryset.filter(recipient_email__icontains=data["q"]) | queryset.filter(
                recipient_name__icontains=data["q"]
            )
        return queryset
