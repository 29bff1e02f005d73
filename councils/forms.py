"""The council's own settings, edited by its admins."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import Council
from exchange.phones import localise_phone_fields
from programs.forms import time_zone_names


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CouncilSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=())
    survey_url = forms.URLField(label=_("feedback survey address"), required=False, assume_scheme="https")

    class Meta:
        model = Council
        fields = [
            "name",
            "city",
            "country",
            "time_zone",
            "email",
            "phone",
            "survey_url",
            "business_hours_start",
            "business_hours_end",
            "travel_buffer_minutes",
            "host_reminder_hours",
            "volunteer_reminder_hours",
            "daily_schedule_time",
            "quiet_hours_start",
            "quiet_hours_end",
        ]
        widgets = {
            "business_hours_start": TimeInput(),
            "business_hours_end": TimeInput(),
            "daily_schedule_time": TimeInput(),
            "quiet_hours_start": TimeInput(),
            "quiet_hours_end": TimeInput(),
        }
        help_texts = {
            "quiet_hours_start": _("Quiet hours may run past midnight, e.g. 21:00 to 07:00."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list of IANA names: anything else is refused by the choice itself.
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
        self.fields["country"].help_text = _("Phone numbers typed without + are read in this country.")
        localise_phone_fields(self, self.instance)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> carries the token
        self.helper.layout = Layout(
            Fieldset(_("Council"), Row(Column("name"), Column("city"), Column("country")), "time_zone"),
            Fieldset(_("Contact"), Row(Column("email"), Column("phone")), "survey_url"),
            Fieldset(
                _("Scheduling"),
                Row(Column("business_hours_start"), Column("business_hours_end")),
                "travel_buffer_minutes",
            ),
            Fieldset(
                _("Messages"),
                Row(Column("host_reminder_hours"), Column("volunteer_reminder_hours")),
                "daily_schedule_time",
                Row(Column("quiet_hours_start"), Column("quiet_hours_end")),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("business_hours_start"), cleaned.get("business_hours_end")
        if start and end and end <= start:
            self.add_error("business_hours_end", _("Business hours must end after they start."))
        return cleaned
