"""The query parameters that narrow the API's lists, read through forms (a bad value is a 400 naming it)."""

from django import forms

from hospitality.enums import InvitationStatus
from meetings.enums import ItemStatus
from notifications.enums import NotificationState


class ProgramFilter(forms.Form):
    program = forms.IntegerField(required=False, min_value=1)

    lookups = {"program": "program_id"}

    def apply(self, queryset):
        for name, lookup in self.lookups.items():
            if self.cleaned_data.get(name) not in (None, ""):
                queryset = queryset.filter(**{lookup: self.cleaned_data[name]})
        return queryset


class ItemFilter(ProgramFilter):
    stop = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=[("", ""), *ItemStatus.choices])

    lookups = {"program": "program_id", "stop": "stop_id", "status": "status"}


class ContactFilter(ProgramFilter):
    program = None
    organization = forms.IntegerField(required=False, min_value=1)

    lookups = {"organization": "organization_id"}


class InvitationFilter(ProgramFilter):
    slot = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=[("", ""), *InvitationStatus.choices])

    lookups = {"program": "slot__program_id", "slot": "slot_id", "status": "status"}


class NotificationFilter(ProgramFilter):
    state = forms.ChoiceField(required=False, choices=[("", ""), *NotificationState.choices])

    lookups = {"program": "program_id", "state": "state"}
