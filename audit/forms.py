from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type the person's email address to confirm"),
        max_length=254,
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args, expected, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.expected.lower():
            raise forms.ValidationError(_("This is not the person's email address."))
        return value
