from django import forms
from django.utils.translation import gettext_lazy as _

from agency_exchange.enums import ReceivedKind, VersionReason
from agency_exchange.files import MAX_BYTES

_ACCEPT = ".csv,.xlsx,.json,text/csv,application/json"


class ReceivedUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=ReceivedKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, Excel workbook (.xlsx) or JSON, at most %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)},
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a program request in CSV or XLSX; a JSON request carries its own."),
    )


class EditUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Edited itinerary"),
        help_text=_("The exported itinerary as the agency edited it: CSV, XLSX or JSON."),
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )


class SendVersionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Send as"),
        choices=[(VersionReason.MANUAL, VersionReason.MANUAL.label), (VersionReason.FINAL, VersionReason.FINAL.label)],
    )
    note = forms.CharField(label=_("Note to the agency"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])
    # Accept even where staff changed the same field since (their value is replaced, and history says so).
    overwrite = forms.BooleanField(required=False)
