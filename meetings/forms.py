"""Forms of the itinerary builder. Times are typed in the stop's local wall-clock time and made aware here."""

import datetime as dt
import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Contact, HostOrganization, Venue
from logistics.models import TransportVendor
from meetings.models import ItineraryItem
from meetings.services import raw_value, sign_base

WALL_CLOCK_FORMAT = "%Y-%m-%dT%H:%M"
# The search box of the contacts (static/meetings/contact_search.js fills the results).
CONTACT_SEARCH_HTML = '{% include "meetings/_contact_search.html" %}'


class WallClockField(forms.DateTimeField):
    """A date and time as read on the clock of some place: naive; the form makes it aware in the stop's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WALL_CLOCK_FORMAT)

    def __init__(self, **kwargs):
        super().__init__(input_formats=[WALL_CLOCK_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        # The parent made the value aware in the current zone; take back the wall-clock reading.
        return timezone.make_naive(result) if result else result


def wall_clock(moment, time_zone):
    """An aware datetime as a naive wall-clock time of ``time_zone``, for a form's initial value."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(time_zone)).replace(tzinfo=None) if moment else None


def make_local_aware(naive, time_zone):
    """The aware moment of a wall-clock time in ``time_zone``, or None when the clocks skip it (spring forward)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def check_item_times(*, program, stop, starts_at, ends_at):
    """The errors of an item's times: ``{field: message}``. Times are aware, judged in the stop's local time."""
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    zone = zoneinfo.ZoneInfo(stop.time_zone)
    first, last = starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
    if first < program.arrival_date or last > program.departure_date:
        errors["starts_at"] = _("The item must fall within the program (%(arrival)s to %(departure)s).") % {
            "arrival": formats.date_format(program.arrival_date, "SHORT_DATE_FORMAT"),
            "departure": formats.date_format(program.departure_date, "SHORT_DATE_FORMAT"),
        }
    return errors


class OverrideMixin(forms.Form):
    """Hard conflicts block saving unless staff tick override and say why."""

    override_conflicts = forms.BooleanField(label=_("Save despite the conflicts"), required=False)
    override_reason = forms.CharField(label=_("Reason for overriding"), max_length=300, required=False)

    def clean_override_reason(self):
        reason = self.cleaned_data["override_reason"].strip()
        if self.cleaned_data.get("override_conflicts") and not reason:
            raise forms.ValidationError(_("Say why the conflicts are acceptable."))
        return reason if self.cleaned_data.get("override_conflicts") else ""


class ItemForm(OverrideMixin, forms.ModelForm):
    starts_at = WallClockField(label=_("Starts (local time)"))
    ends_at = WallClockField(label=_("Ends (local time)"))
    pickup_at = WallClockField(label=_("Pick-up time (local)"), required=False)
    new_venue_name = forms.CharField(label=_("Or a new venue: name"), max_length=200, required=False)
    new_venue_address = forms.CharField(label=_("New venue: address"), max_length=300, required=False)
    new_venue_city = forms.CharField(label=_("New venue: city"), max_length=120, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The item as this editor started from it (signed, ``meetings.services.sign_base``): a save on an older copy is
    # merged with what others saved since instead of overwriting it.
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ItineraryItem
        fields = [
            "title",
            "kind",
            "status",
            "stop",
            "starts_at",
            "ends_at",
            "venue",
            "host_organization",
            "contacts",
            "topic",
            "objectives",
            "whole_group",
            "participants",
            "interpreter",
            "transport_vendor",
            "pickup_at",
            "pickup_location",
            "dress_code",
            "what_to_bring",
            "visitor_notes",
            "internal_notes",
        ]
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "objectives": forms.Textarea(attrs={"rows": 2}),
            "visitor_notes": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, program, contacts_search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        council = program.council
        # Every choice is limited to this council and program: an id from elsewhere is "not one of the choices".
        self.fields["stop"].queryset = program.stops.all()
        self.fields["stop"].empty_label = None
        self.fields["venue"].queryset = Venue.objects.filter(council=council)
        self.fields["host_organization"].queryset = HostOrganization.objects.filter(council=council)
        self.fields["contacts"].queryset = Contact.objects.filter(organization__council=council).select_related(
            "organization"
        )
        self.fields["participants"].queryset = program.participants.all()
        self.fields["participants"].required = False
        self.fields["interpreter"].queryset = program.program_staff.all()
        self.fields["transport_vendor"].queryset = TransportVendor.objects.filter(council=council)
        self.fields["contacts"].help_text = _("Type to search the council's contacts.")
        self.fields["contacts"].widget.attrs.update(
            {"data-contact-search": contacts_search_url, "class": "contact-select", "size": 4}
        )
        self._limit_contact_options()
        if self.instance.pk:
            time_zone = self.instance.stop.time_zone
            for name in ("starts_at", "ends_at", "pickup_at"):
                self.initial[name] = wall_clock(getattr(self.instance, name), time_zone)
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("base", sign_base(self.instance))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("What and when"), "title", Row(Column("kind"), Column("status")), "stop"),
            Row(Column("starts_at"), Column("ends_at")),
            Fieldset(_("Where and with whom"), "venue", "new_venue_name", "new_venue_address", "new_venue_city"),
            Fieldset("", "host_organization", HTML(CONTACT_SEARCH_HTML), "contacts"),
            Fieldset(_("Topic"), "topic", "objectives"),
            Fieldset(_("Who attends"), "whole_group", "participants", "interpreter"),
            Fieldset(_("Transport"), "transport_vendor", "pickup_at", "pickup_location"),
            Fieldset(_("Notes"), "dress_code", "what_to_bring", "visitor_notes", "internal_notes"),
            "version",
            "base",
        )

    def _limit_contact_options(self):
        """Render only the chosen contacts as options (the search adds others); validation still sees them all."""
        field = self.fields["contacts"]
        if self.is_bound:
            chosen_ids = [value for value in self.data.getlist(self.add_prefix("contacts")) if str(value).isdigit()]
            chosen = field.queryset.filter(pk__in=chosen_ids)
        elif self.instance.pk:
            chosen = self.instance.contacts.select_related("organization")
        else:
            chosen = Contact.objects.none()
        field.widget.choices = [(contact.pk, str(contact)) for contact in chosen]

    def clean(self):
        cleaned = super().clean()
        stop = cleaned.get("stop")
        if stop is None:
            # Without a stop there is no zone to read the times in: keep them out of the instance.
            for name in ("starts_at", "ends_at", "pickup_at"):
                cleaned.pop(name, None)
        else:
            for name in ("starts_at", "ends_at", "pickup_at"):
                if cleaned.get(name):
                    aware = make_local_aware(cleaned[name], stop.time_zone)
                    if aware is None:
                        self.add_error(name, _("This time does not exist there: the clocks change that night."))
                    cleaned[name] = aware
            if cleaned.get("starts_at") and cleaned.get("ends_at"):
                for name, message in check_item_times(
                    program=self.program, stop=stop, starts_at=cleaned["starts_at"], ends_at=cleaned["ends_at"]
                ).items():
                    self.add_error(name, message)
            if cleaned.get("pickup_at") and cleaned.get("starts_at") and cleaned["pickup_at"] > cleaned["starts_at"]:
                self.add_error("pickup_at", _("The pick-up must not be after the start."))
        if not cleaned.get("whole_group") and not cleaned.get("participants"):
            self.add_error("participants", _("Choose who attends, or tick the whole group."))
        if cleaned.get("whole_group"):
            cleaned["participants"] = []
        if cleaned.get("new_venue_name"):
            if cleaned.get("venue"):
                self.add_error("new_venue_name", _("Pick a venue or create a new one, not both."))
            elif Venue.objects.filter(council=self.program.council, name=cleaned["new_venue_name"]).exists():
                self.add_error("new_venue_name", _("A venue of this name exists already: pick it above."))
        contacts, organization = cleaned.get("contacts"), cleaned.get("host_organization")
        if organization and contacts and any(c.organization_id != organization.pk for c in contacts):
            self.add_error("contacts", _("Each contact must work for the host organization chosen."))
        return cleaned

    def item_data(self):
        """The cleaned values the services take (a new inline venue as ``new_venue``)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("new_venue_name"):
            data["new_venue"] = {
                "name": self.cleaned_data["new_venue_name"],
                "address": self.cleaned_data["new_venue_address"],
                "city": self.cleaned_data["new_venue_city"] or data["stop"].city,
            }
        return data


class MoveItemForm(OverrideMixin):
    """A drag or a resize on the calendar: new local start and end, and the version the calendar showed."""

    starts_at = WallClockField()
    ends_at = WallClockField()
    version = forms.IntegerField(min_value=1)
    # Where the calendar showed the item before the drag: a drag on a stale copy still succeeds when someone else
    # changed only other fields meanwhile.
    base_starts_at = WallClockField(required=False)
    base_ends_at = WallClockField(required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean(self):
        cleaned = super().clean()
        time_zone = self.item.stop.time_zone
        for name in ("base_starts_at", "base_ends_at"):
            if cleaned.get(name):
                cleaned[name] = make_local_aware(cleaned[name], time_zone)
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name):
                aware = make_local_aware(cleaned[name], time_zone)
                if aware is None:
                    self.add_error(name, _("This time does not exist there: the clocks change that night."))
                cleaned[name] = aware
        if cleaned.get("starts_at") and cleaned.get("ends_at"):
            for name, message in check_item_times(
                program=self.item.program,
                stop=self.item.stop,
                starts_at=cleaned["starts_at"],
                ends_at=cleaned["ends_at"],
            ).items():
                self.add_error(name, message)
        return cleaned

    def base(self):
        """The times the calendar showed, as a merge base for ``meetings.services.move_item`` (None if not sent)."""
        starts_at, ends_at = self.cleaned_data.get("base_starts_at"), self.cleaned_data.get("base_ends_at")
        if starts_at is None or ends_at is None:
            return None
        return {"values": {"starts_at": raw_value("starts_at", starts_at), "ends_at": raw_value("ends_at", ends_at)}}


class CalendarRangeField(forms.CharField):
    """A bound of the range the calendar shows, as it sends it (ISO 8601; it runs in its UTC mode, so the reading is
    the stop's wall clock whatever offset comes with it): naive."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value.replace(" ", "+").replace("Z", "+00:00"))
        except ValueError:
            raise forms.ValidationError(_("Enter a date and time.")) from None
        return moment.replace(tzinfo=None)


class CalendarQueryForm(forms.Form):
    """Which stop the calendar shows (the first one when none is asked for), and which of its days: the calendar
    asks for the days on screen (all of them when no range comes)."""

    stop = forms.ModelChoiceField(queryset=None, required=False)
    start = CalendarRangeField(required=False)
    end = CalendarRangeField(required=False)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop"].queryset = program.stops.all()


class NewItemQueryForm(forms.Form):
    """The range selected on the calendar, to pre-fill a new item."""

    stop = forms.ModelChoiceField(queryset=None, required=False)
    start = WallClockField(required=False)
    end = WallClockField(required=False)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop"].queryset = program.stops.all()


class ContactSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)
    organization = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = HostOrganization.objects.filter(council=council)


class RunningLateForm(forms.Form):
    """The escort's "running late by N minutes" (the items still to come today move N minutes later)."""

    minutes = forms.IntegerField(
        label=_("Minutes late"),
        min_value=5,
        max_value=180,
        initial=15,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    # The items the page showed, with their starts (``meetings.day_of.sign_shown``): a double tap moves nothing twice.
    shown = forms.CharField(required=False, widget=forms.HiddenInput)
