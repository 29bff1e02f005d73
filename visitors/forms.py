from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

PAGES = [("today", _("Today")), ("program", _("Program")), ("people", _("People"))]


def _languages_in_their_own_names():
    return [(code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    """The language switcher of the visitor pages: each language is offered in its own name."""

    language = forms.ChoiceField(label=_("Language"), choices=_languages_in_their_own_names)
    page = forms.ChoiceField(choices=PAGES, widget=forms.HiddenInput)
