from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.models import Hotel


class ConfirmationNumbersForm(forms.Form):
    """Each participant's confirmation number at the hotel of one stop."""

    def __init__(self, *args, participants, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            booking = bookings.get(participant.pk)
            self.fields[f"participant_{participant.pk}"] = forms.CharField(
                label=participant.full_name,
                max_length=60,
                required=False,
                initial=booking.confirmation_number if booking else "",
            )

    def numbers(self):
        """{participant: confirmation number} from the cleaned form."""
        return {
            participant: self.cleaned_data[f"participant_{participant.pk}"].strip() for participant in self.participants
        }


class StopHotelForm(forms.Form):
    hotel = forms.ModelChoiceField(label=_("Hotel"), queryset=Hotel.objects.none(), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.filter(council=council)
