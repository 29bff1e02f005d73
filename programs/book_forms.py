from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class BookOptionsForm(forms.Form):
    """The language the book is printed in (the delegation's, not necessarily the staff member's)."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)
