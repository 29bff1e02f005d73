"""Creating and changing itinerary items: conflicts, history, stale-edit detection and change notices."""

import zoneinfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directory.models import Venue
from meetings import conflicts as conflict_rules
from meetings.models import ItemChange, ItineraryItem
from notifications.change_notices import note_item_change, snapshot_item

# What staff edit on an item; the many-to-many ones are set after the row is saved.
SCALAR_FIELDS = (
    "kind",
    "title",
    "status",
    "stop",
    "starts_at",
    "ends_at",
    "venue",
    "host_organization",
    "topic",
    "objectives",
    "whole_group",
    "interpreter",
    "transport_vendor",
    "pickup_at",
    "pickup_location",
    "dress_code",
    "what_to_bring",
    "visitor_notes",
    "internal_notes",
)
MANY_FIELDS = ("contacts", "participants")
# A change to these moves the item in someone's calendar: the ICS SEQUENCE goes up.
SEQUENCE_FIELDS = ("starts_at", "ends_at", "stop", "venue", "status")


class StaleItemError(Exception):
    """The item changed since the form was loaded. ``item`` is the current row, ``changes`` what changed since."""

    def __init__(self, item, changes):
        super().__init__("stale item")
        self.item = item
        self.changes = changes


class ConflictsNeedOverride(Exception):
    """Saving would create hard conflicts and no reason to override them was given."""

    def __init__(self, conflicts):
        super().__init__("conflicts")
        self.conflicts = conflicts


def _display(value, time_zone):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "tzinfo"):
        local = timezone.localtime(value, zoneinfo.ZoneInfo(time_zone))
        return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M} {local.tzname()}"
    return str(value)


def display_values(item, *, contacts, participants):
    """The item's editable fields in display form (times in the stop's zone), to record what changed."""
    time_zone = item.stop.time_zone
    values = {}
    for name in SCALAR_FIELDS:
        field = item._meta.get_field(name)
        if field.choices:
            values[name] = str(getattr(item, f"get_{name}_display")())
        else:
            values[name] = _display(getattr(item, name), time_zone)
    values["contacts"] = ", ".join(sorted(contact.name for contact in contacts))
    values["participants"] = ", ".join(sorted(participant.full_name for participant in participants))
    return values


def _diff(before, after):
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def _resolve_new_venue(*, council, data):
    """Create the venue typed inline in the form (``data["new_venue"]``) and use it."""
    new_venue = data.pop("new_venue", None)
    if new_venue:
        data["venue"] = Venue.objects.create(council=council, **new_venue)
    return data


def _judge(item, *, participants, contacts, override_reason):
    """Conflicts of the item's new values; hard ones need a reason, which is stored (and cleared when none)."""
    context = conflict_rules.load_context(council=item.program.council, programs=[item.program])
    booking = conflict_rules.booking_for(
        item,
        stop=item.stop,
        venue=item.venue,
        participant_ids=[p.pk for p in participants],
        contact_ids=[c.pk for c in contacts],
        group_members=context.group_members,
    )
    found = conflict_rules.find_conflicts(booking, context.without(item.pk))
    if conflict_rules.hard(found):
        if not override_reason:
            raise ConflictsNeedOverride(found)
        item.conflict_override_reason = override_reason
    else:
        item.conflict_override_reason = ""
    return found


def _apply(item, data):
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(item, name, data[name])


def create_item(*, program, data, user, override_reason=""):
    """A new item of ``program`` from form data. Returns ``(item, conflicts)``; raises ``ConflictsNeedOverride``."""
    with transaction.atomic():
        data = _resolve_new_venue(council=program.council, data=dict(data))
        item = ItineraryItem(program=program)
        _apply(item, data)
        participants = list(data.get("participants") or [])
        contacts = list(data.get("contacts") or [])
        found = _judge(item, participants=participants, contacts=contacts, override_reason=override_reason)
        item.save()
        item.participants.set(participants)
        item.contacts.set(contacts)
        ItemChange.objects.create(
            item=item, user=user, changes=_diff({}, display_values(item, contacts=contacts, participants=participants))
        )
    return item, found


def update_item(*, item, data, expected_version, user=None, actor_label="", override_reason=""):
    """Apply ``data`` (any subset of the editable fields) to ``item`` if nobody saved it since ``expected_version``.

    1. Lock the row and refuse a stale version (``StaleItemError`` with the changes made since).
    2. Snapshot the item, apply the data, judge conflicts (``ConflictsNeedOverride`` if hard ones lack a reason).
    3. If anything changed: save with the version raised (and the sequence, when time, place or status moved),
       record an ``ItemChange`` and tell the change notices.

    Returns ``(item, conflicts)``.
    """
    with transaction.atomic():
        locked = ItineraryItem.objects.select_for_update().get(pk=item.pk)
        if locked.version != expected_version:
            missed = max(locked.version - expected_version, 1)
            raise StaleItemError(locked, list(locked.changes.select_related("user")[:missed]))
        data = _resolve_new_venue(council=locked.program.council, data=dict(data))
        old_contacts, old_participants = list(locked.contacts.all()), list(locked.participants.all())
        before = display_values(locked, contacts=old_contacts, participants=old_participants)
        before_snapshot = snapshot_item(locked)

        _apply(locked, data)
        contacts = list(data["contacts"]) if "contacts" in data else old_contacts
        participants = list(data["participants"]) if "participants" in data else old_participants
        previous_reason = locked.conflict_override_reason
        found = _judge(locked, participants=participants, contacts=contacts, override_reason=override_reason)
        changes = _diff(before, display_values(locked, contacts=contacts, participants=participants))
        if not changes and previous_reason == locked.conflict_override_reason:
            return locked, found

        locked.version += 1
        if any(name in changes for name in SEQUENCE_FIELDS):
            locked.sequence += 1
        locked.save()
        if "contacts" in data:
            locked.contacts.set(contacts)
        if "participants" in data:
            locked.participants.set(participants)
        if changes:
            ItemChange.objects.create(item=locked, user=user, actor_label=actor_label, changes=changes)
            note_item_change(item=locked, before=before_snapshot, actor=user)
    return locked, found


def move_item(*, item, starts_at, ends_at, expected_version, user, override_reason=""):
    """Drag or resize on the calendar: a new start and end, with the same checks as any edit."""
    return update_item(
        item=item,
        data={"starts_at": starts_at, "ends_at": ends_at},
        expected_version=expected_version,
        user=user,
        override_reason=override_reason,
    )
