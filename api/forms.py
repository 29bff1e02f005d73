from django import forms
from django.utils.translation import gettext_lazy as _

from api.enums import TokenScope
from api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “Sponsor CRM sync”."))
    scope = forms.ChoiceField(
        label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ApiToken.objects.filter(council=self.council, name=name, revoked_at__isnull=True).exists():
            raise forms.ValidationError(_("A token of this name is in use: choose another name."))
        return name
