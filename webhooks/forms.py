from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from webhooks.enums import WebhookEvent
from webhooks.models import WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("Events are posted here as JSON, signed with the endpoint's secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]
        help_texts = {"is_active": _("An inactive endpoint is sent nothing; what waits for it is cancelled.")}

    def clean_events(self):
        # Stored in the order of the choices, however they were ticked.
        chosen = set(self.cleaned_data["events"])
        return [value for value in WebhookEvent.values if value in chosen]
