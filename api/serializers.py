"""What the API shows and accepts. Times are ISO 8601 instants (UTC in answers); each item, slot and stop says the
IANA zone it is read in (``time_zone``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory.models import Contact, HostOrganization, Venue
from hospitality.models import HospitalitySlot, Invitation, Volunteer
from logistics.models import TransportVendor
from meetings.forms import ItemForm, check_item_times
from meetings.models import ItineraryItem
from notifications.models import Notification
from programs.enums import Consent
from programs.models import Participant, Program, ProgramStaffMember, Stop


@extend_schema_field(OpenApiTypes.STR)
class PhoneField(serializers.Field):
    """A phone number in E.164 ("+12105550100"), or as it was typed when it is no valid number; "" for none."""

    def to_representation(self, value):
        if not value:
            return ""
        return value.as_e164 if value.is_valid() and not value.extension else str(value.raw_input or value)


class CouncilScoped(serializers.PrimaryKeyRelatedField):
    """An id among the objects of the token's council: another council's id is "does not exist", like a missing one.

    ``council_lookup`` is the path from the model to its council."""

    def __init__(self, council_lookup="council", **kwargs):
        self.council_lookup = council_lookup
        super().__init__(**kwargs)

    def get_queryset(self):
        council = self.context["request"].auth.council
        return super().get_queryset().filter(**{self.council_lookup: council})


class Serializer(serializers.ModelSerializer):
    """Email addresses and web addresses are shown as the strings they are: an address with an accent
    ("jorge.treviño@example.com") is a valid email here, but not a JSON Schema "email"."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: serializers.CharField,
        models.URLField: serializers.CharField,
    }


# Reading -----------------------------------------------------------------------------------------------------------


class StopSerializer(Serializer):
    class Meta:
        model = Stop
        fields = ["id", "city", "region", "start_date", "end_date", "time_zone"]


class ProgramSerializer(Serializer):
    sponsor = serializers.CharField(source="sponsor.name", allow_null=True, read_only=True)
    stops = StopSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "program_type",
            "status",
            "sponsor",
            "sponsor_reference",
            "program_officer_name",
            "program_officer_email",
            "theme",
            "objectives",
            "arrival_date",
            "departure_date",
            "has_home_hospitality",
            "accepted_on",
            "stops",
            "updated_at",
        ]


class ParticipantSerializer(Serializer):
    country = serializers.CharField(source="country.code", read_only=True)
    phone = PhoneField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "program",
            "first_name",
            "last_name",
            "country",
            "role",
            "organization",
            "preferred_language",
            "email",
            "phone",
            "dietary_needs",
            "accessibility_needs",
            "bio",
            "share_bio",
            "share_contact",
            "media_consent",
        ]


class ParticipantInputSerializer(serializers.Serializer):
    """The shape of a participant sent to the API; the rules are the Delegation page's form
    (``programs.forms.ParticipantForm``), which the view runs on these values."""

    program = CouncilScoped(queryset=Program.objects.all())
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. PE")
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    dietary_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    accessibility_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    bio = serializers.CharField(required=False, allow_blank=True)
    share_bio = serializers.BooleanField(required=False)
    share_contact = serializers.BooleanField(required=False)
    media_consent = serializers.ChoiceField(choices=Consent.choices, required=False)
    notifications_opt_out = serializers.BooleanField(required=False)


class ParticipantUpdateSerializer(ParticipantInputSerializer):
    """A change to some of a participant's values (PATCH): a participant stays in their program."""

    program = None


class ContactSerializer(Serializer):
    phone = PhoneField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "organization", "name", "title", "email", "phone", "preferred_language", "notes", "active"]


class HostOrganizationSerializer(Serializer):
    phone = PhoneField(read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = HostOrganization
        fields = ["id", "name", "sector", "website", "address", "city", "phone", "notes", "active", "contacts"]


class VenueSerializer(Serializer):
    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "organization",
            "address",
            "city",
            "latitude",
            "longitude",
            "accessibility_notes",
            "is_online",
            "meeting_url",
        ]


class VolunteerSerializer(Serializer):
    phone = PhoneField(read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), source="language_codes", read_only=True)
    available_weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    available_dates = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "household_name",
            "contact_name",
            "email",
            "phone",
            "address",
            "city",
            "languages",
            "preferred_language",
            "max_guests",
            "dietary_accommodations",
            "accessibility",
            "pets",
            "vetting_status",
            "vetted_on",
            "available_weekdays",
            "available_dates",
            "active",
            "notes",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_available_dates(self, volunteer):
        return [availability.date.isoformat() for availability in volunteer.available_dates.all()]


class HospitalitySlotSerializer(Serializer):
    time_zone = serializers.CharField(source="stop.time_zone", read_only=True)

    class Meta:
        model = HospitalitySlot
        fields = [
            "id",
            "program",
            "stop",
            "time_zone",
            "starts_at",
            "ends_at",
            "meal",
            "guests_per_host",
            "hosts_needed",
            "accepted_hosts",
            "meeting_point",
            "invitation_deadline",
            "notes",
            "cancelled_at",
        ]


class InvitationSerializer(Serializer):
    guests = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "slot",
            "volunteer",
            "status",
            "created_at",
            "expires_at",
            "responded_at",
            "note",
            "item",
            "guests",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_guests(self, invitation):
        """The participants seated at this host's table."""
        return [assignment.participant_id for assignment in invitation.assignments.all()]


class NotificationSerializer(Serializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "program",
            "kind",
            "essential",
            "recipient_type",
            "recipient_id",
            "recipient_name",
            "recipient_email",
            "language",
            "subject",
            "state",
            "attempts",
            "last_error",
            "send_after",
            "sent_at",
            "created_at",
        ]


# Itinerary items ---------------------------------------------------------------------------------------------------

# What staff edit on the calendar's item form is what the API reads and writes: one list, the form's.
EDITABLE_ITEM_FIELDS = ItemForm.Meta.fields
ITEM_FIELDS = ["id", "program", "time_zone", *EDITABLE_ITEM_FIELDS, "version", "sequence", "updated_at"]


class ConflictSerializer(serializers.Serializer):
    kind = serializers.CharField()
    severity = serializers.ChoiceField(choices=["hard", "warning"])
    message = serializers.CharField()
    other_item = serializers.IntegerField(source="other_item_id", allow_null=True)


class ItemSerializer(Serializer):
    """An item as the calendar holds it. ``version`` rises with every change (the ``ETag`` of the item)."""

    time_zone = serializers.CharField(source="stop.time_zone", read_only=True)

    class Meta:
        model = ItineraryItem
        fields = ITEM_FIELDS
        read_only_fields = ITEM_FIELDS


class ItemWrittenSerializer(ItemSerializer):
    """The item after a write, with the conflicts judged on it (warnings, and hard ones saved with a reason)."""

    conflicts = ConflictSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ITEM_FIELDS, "conflicts"]


class ConflictsRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = ConflictSerializer(many=True)


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField()


class ItemInputSerializer(Serializer):
    """An item's new values, checked as the item form checks them: every choice of the token's council and the
    item's program, times within the program and the stop's dates, end after start, pick-up before the start."""

    program = CouncilScoped(queryset=Program.objects.all())
    stop = CouncilScoped(queryset=Stop.objects.all(), council_lookup="program__council")
    venue = CouncilScoped(queryset=Venue.objects.all(), required=False, allow_null=True)
    host_organization = CouncilScoped(queryset=HostOrganization.objects.all(), required=False, allow_null=True)
    contacts = CouncilScoped(
        queryset=Contact.objects.all(), council_lookup="organization__council", many=True, required=False
    )
    participants = CouncilScoped(
        queryset=Participant.objects.all(), council_lookup="program__council", many=True, required=False
    )
    interpreter = CouncilScoped(
        queryset=ProgramStaffMember.objects.all(), council_lookup="program__council", required=False, allow_null=True
    )
    transport_vendor = CouncilScoped(queryset=TransportVendor.objects.all(), required=False, allow_null=True)
    override_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why hard conflicts are acceptable; without it, a write that creates them is refused (409).",
    )

    class Meta:
        model = ItineraryItem
        fields = ["program", *EDITABLE_ITEM_FIELDS, "override_reason"]

    def _current(self, attrs, name):
        if name in attrs:
            return attrs[name]
        if self.instance is None:
            return None
        if name in ("contacts", "participants"):
            return list(getattr(self.instance, name).all())
        return getattr(self.instance, name)

    def validate(self, attrs):
        errors = {}
        program = self._current(attrs, "program")
        stop = self._current(attrs, "stop")
        if stop is not None and stop.program_id != program.pk:
            errors["stop"] = _("This stop is not one of the program's.")
        for name in ("participants", "interpreter"):
            chosen = attrs.get(name)
            people = chosen if isinstance(chosen, list) else [chosen] if chosen else []
            if any(person.program_id != program.pk for person in people):
                errors[name] = _("Choose people of this item's program.")
        starts_at, ends_at = self._current(attrs, "starts_at"), self._current(attrs, "ends_at")
        if stop is not None and "stop" not in errors and starts_at and ends_at:
            errors.update(check_item_times(program=program, stop=stop, starts_at=starts_at, ends_at=ends_at))
        pickup_at = self._current(attrs, "pickup_at")
        if pickup_at and starts_at and pickup_at > starts_at:
            errors["pickup_at"] = _("The pick-up must not be after the start.")
        whole_group = self._current(attrs, "whole_group")
        if whole_group is None:
            whole_group = True
        if whole_group:
            if "whole_group" in attrs or "participants" in attrs:
                attrs["participants"] = []
        elif not self._current(attrs, "participants"):
            errors["participants"] = _("Choose who attends, or tick the whole group.")
        organization, contacts = self._current(attrs, "host_organization"), self._current(attrs, "contacts")
        if organization and contacts and any(contact.organization_id != organization.pk for contact in contacts):
            errors["contacts"] = _("Each contact must work for the host organization chosen.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ItemUpdateSerializer(ItemInputSerializer):
    """A change to some of an item's values (PATCH): an item stays in its program."""

    program = serializers.PrimaryKeyRelatedField(read_only=True)


class ItemMoveSerializer(serializers.Serializer):
    """A new start and end (as a drag on the calendar)."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, attrs):
        item = self.context["item"]
        errors = check_item_times(
            program=item.program, stop=item.stop, starts_at=attrs["starts_at"], ends_at=attrs["ends_at"]
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ItemCancelSerializer(serializers.Serializer):
    """Cancelling keeps the item, as cancelled, on the schedules of those it concerned."""
