"""The one writer of itinerary items.

Every change to an item — the form, a drag or resize on the calendar, a host's answer, the hospitality slot sync,
thanking, withdrawing a request — goes through ``change_item``; every new item through ``create_item`` (or
``create_copies`` for copies). Under the item's row lock they:

1. merge a change made on an older copy of the item (``base``: the values the editor started from) with what
   others saved since: fields only the editor changed are applied, fields only others changed are kept, and fields
   both changed to different values are asked about (``EditConflict``) — never silently overwritten;
2. judge conflicts (hard ones need a reason), or record why they were not judged;
3. raise the item's version, and its calendar SEQUENCE when anything a calendar shows changed;
4. record the change in the item's history with one formatter (``display_values``, in the site's language);
5. tell the change notices (``notifications.change_notices``), which tell everyone the change concerns, once.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from agency_exchange import itinerary as agency_itinerary
from councils.changes import note_change
from directory.models import Venue
from meetings import conflicts as conflict_rules
from meetings.models import ItemChange, ItineraryItem
from notifications import ics
from notifications.change_notices import note_item_change, snapshot_item
from webhooks import events as webhook_events

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
EDITABLE_FIELDS = SCALAR_FIELDS + MANY_FIELDS
# What a calendar event of the item shows: a change to any of them raises the ICS SEQUENCE, so that calendars
# replace their copy (the calendar builder names them).
CALENDAR_FIELDS = ics.CALENDAR_FIELDS
_BASE_SALT = "meetings.item-base"


class StaleItemError(Exception):
    """The item changed since ``expected_version`` and no base to merge with was given."""

    def __init__(self, item, changes):
        super().__init__("stale item")
        self.item = item
        self.changes = changes


@dataclass
class Clash:
    """A field both the editor and someone else changed, to different values."""

    name: str
    label: str
    mine: str
    theirs: str
    mine_raw: object = field(repr=False, default=None)


class EditConflict(Exception):
    """Fields both changed since the editor's copy: nothing was saved; ``clashes`` says what to ask about."""

    def __init__(self, item, clashes):
        super().__init__("edit conflict")
        self.item = item
        self.clashes = clashes


class ConflictsNeedOverride(Exception):
    """Saving would create hard conflicts and no reason to override them was given."""

    def __init__(self, conflicts):
        super().__init__("conflicts")
        self.conflicts = conflicts


# Comparing and showing values ------------------------------------------------------------------------------------


def _raw(name, value):
    """A field's value in comparable, JSON-safe form: ids for relations, UTC ISO text for instants."""
    if name in MANY_FIELDS:
        return sorted(getattr(obj, "pk", obj) for obj in (value or []))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def raw_value(name, value):
    """``value`` of the field ``name`` as the merge compares it."""
    return _raw(name, value)


def raw_values(item, *, contacts=None, participants=None):
    """Every editable field of ``item`` in comparable form."""
    values = {name: _raw(name, getattr(item, name)) for name in SCALAR_FIELDS}
    values["contacts"] = _raw("contacts", item.contacts.all() if contacts is None else contacts)
    values["participants"] = _raw("participants", item.participants.all() if participants is None else participants)
    return values


def sign_base(item):
    """What an editor starts from, for a form to carry back: the item's version and values, signed."""
    return signing.dumps({"version": item.version, "values": raw_values(item)}, salt=_BASE_SALT, compress=True)


def read_base(token):
    """The ``{"version", "values"}`` an editor started from, or None for a missing or forged token."""
    try:
        return signing.loads(token, salt=_BASE_SALT) if token else None
    except signing.BadSignature:
        return None


def _display(value, time_zone):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value, zoneinfo.ZoneInfo(time_zone))
        return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M} {local.tzname()}"
    return str(value)


def display_time(value, time_zone):
    """An instant as history shows it: the stop's local date and time with the zone's abbreviation."""
    return _display(value, time_zone)


def display_values(item, *, contacts, participants):
    """The item's editable fields in display form (times in the stop's zone): the one way history is written."""
    time_zone = item.stop.time_zone
    values = {}
    for name in SCALAR_FIELDS:
        model_field = item._meta.get_field(name)
        if model_field.choices:
            values[name] = str(getattr(item, f"get_{name}_display")())
        else:
            values[name] = _display(getattr(item, name), time_zone)
    values["contacts"] = ", ".join(sorted(contact.name for contact in contacts))
    values["participants"] = ", ".join(sorted(participant.full_name for participant in participants))
    return values


def _diff(before, after):
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def _label(name):
    return str(ItineraryItem._meta.get_field(name).verbose_name)


# Writing ---------------------------------------------------------------------------------------------------------


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


def _merge(data, base, current, resolutions):
    """Which of the editor's values to apply, and the clashes to ask about.

    ``data`` holds the editor's values, ``base`` the values they started from, ``current`` the item's now (both
    raw). A field the editor left as it was is not theirs to write; a field only they changed is applied; a field
    someone else changed meanwhile to another value is a clash, unless ``resolutions`` says whose value stays.
    """
    wanted, clashes, kept = {}, [], {}
    for name, value in data.items():
        mine = _raw(name, value)
        if name in base and mine == base[name]:
            continue  # the editor did not touch it
        if name in base and current[name] != base[name] and current[name] != mine:
            choice = (resolutions or {}).get(name)
            if choice == "theirs":
                kept[name] = "theirs"
                continue
            if choice != "mine":
                clashes.append(name)
                continue
            kept[name] = "mine"
        wanted[name] = value
    return wanted, clashes, kept


@dataclass
class Outcome:
    item: ItineraryItem
    conflicts: list
    changes: dict


def change_item(
    *,
    item,
    data,
    actor=None,
    actor_label="",
    expected_version=None,
    base=None,
    resolutions=None,
    override_reason="",
    judge=True,
    not_judged_because="",
    only_if=None,
    events=None,
):
    """Apply ``data`` (any subset of the editable fields) to ``item``; the one way an item changes.

    - ``base``: ``{"values": ...}`` the editor started from (``read_base``): a stale change is merged (see
      ``_merge``); fields both changed raise ``EditConflict`` unless ``resolutions`` (``{field: "mine"|"theirs"}``)
      decides them. Without a base, ``expected_version`` refuses any stale change (``StaleItemError``); with
      neither, the change applies to the item as it is (a host's answer, the slot sync).
    - ``judge``: conflicts are judged (hard ones raise ``ConflictsNeedOverride`` without ``override_reason``);
      otherwise ``not_judged_because`` is recorded in the history.
    - ``only_if``: ``{field: value}`` the item must still hold, else nothing happens (a concurrent change won).
    - ``events``: ``{name: [old, new]}`` recorded in the history with the change (e.g. a meeting request's state).

    Returns an ``Outcome`` (the item, the conflicts found, the changes recorded; empty when nothing changed).
    """
    with transaction.atomic():
        locked = (
            ItineraryItem.objects.select_for_update(of=("self",))
            .select_related("program__council", "stop")
            .get(pk=item.pk)
        )
        if only_if and any(getattr(locked, name) != value for name, value in only_if.items()):
            return Outcome(locked, [], {})
        data = _resolve_new_venue(council=locked.program.council, data=dict(data))
        old_contacts, old_participants = list(locked.contacts.all()), list(locked.participants.all())
        current = raw_values(locked, contacts=old_contacts, participants=old_participants)
        kept = {}
        if base is not None:
            submitted = data
            data, clashes, kept = _merge(submitted, base["values"], current, resolutions)
            if clashes:
                raise EditConflict(
                    locked, _clashes(locked, clashes, submitted, contacts=old_contacts, participants=old_participants)
                )
        elif expected_version is not None and locked.version != expected_version:
            missed = max(locked.version - expected_version, 1)
            raise StaleItemError(locked, list(locked.changes.select_related("user")[:missed]))

        with translation.override(settings.LANGUAGE_CODE):
            before = display_values(locked, contacts=old_contacts, participants=old_participants)
        before_snapshot = snapshot_item(locked)
        for name in SCALAR_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        contacts = list(data["contacts"]) if "contacts" in data else old_contacts
        participants = list(data["participants"]) if "participants" in data else old_participants
        previous_reason = locked.conflict_override_reason
        if judge:
            found = _judge(locked, participants=participants, contacts=contacts, override_reason=override_reason)
        else:
            found = []
        with translation.override(settings.LANGUAGE_CODE):
            changes = _diff(before, display_values(locked, contacts=contacts, participants=participants))
            note = _note(kept, judged=judge, not_judged_because=not_judged_because) if changes or events else ""
        changed_raw = {
            name
            for name in EDITABLE_FIELDS
            if raw_values(locked, contacts=contacts, participants=participants)[name] != current[name]
        }
        if not changed_raw and not events and previous_reason == locked.conflict_override_reason:
            return Outcome(locked, found, {})

        if changed_raw or previous_reason != locked.conflict_override_reason:
            locked.version += 1
            if changed_raw & CALENDAR_FIELDS:
                locked.sequence += 1
            locked.save()
            if "contacts" in changed_raw:
                locked.contacts.set(contacts)
            if "participants" in changed_raw:
                locked.participants.set(participants)
        recorded = {**changes, **(events or {})}
        if recorded:
            ItemChange.objects.create(item=locked, user=actor, actor_label=actor_label, changes=recorded, note=note)
        if changed_raw:
            note_item_change(item=locked, before=before_snapshot, actor=actor)
            webhook_events.item_changed(locked, changed_fields=changed_raw)
            # A confirmed meeting that fell through reaches the agency of the item's segment at once.
            agency_itinerary.note_fell_through(item=locked, before_status=before_snapshot["status"])
    return Outcome(locked, found, recorded)


def _clashes(item, names, submitted, *, contacts, participants):
    """What to ask about: each field's value as the editor wanted it and as it is now, in display form."""
    with translation.override(settings.LANGUAGE_CODE):
        theirs = display_values(item, contacts=contacts, participants=participants)
        probe = ItineraryItem(**{f.attname: getattr(item, f.attname) for f in item._meta.concrete_fields})
        for name in SCALAR_FIELDS:
            if name in submitted:
                setattr(probe, name, submitted[name])
        mine = display_values(
            probe,
            contacts=submitted.get("contacts", contacts),
            participants=submitted.get("participants", participants),
        )
    return [
        Clash(name=name, label=_label(name), mine=mine[name], theirs=theirs[name], mine_raw=_raw(name, submitted[name]))
        for name in names
    ]


def _note(kept, *, judged, not_judged_because):
    parts = []
    if kept:
        with translation.override(settings.LANGUAGE_CODE):
            for name, choice in sorted(kept.items()):
                message = (
                    _("%(field)s was also changed by someone else: this change was chosen over theirs.")
                    if choice == "mine"
                    else _("%(field)s was also changed by someone else: their value was kept.")
                )
                parts.append(message % {"field": capfirst(_label(name))})
    if not judged and not_judged_because:
        parts.append(not_judged_because)
    return " ".join(parts)


def create_item(*, program, data, user=None, override_reason="", judge=True, not_judged_because=""):
    """A new item of ``program`` from form data. Returns ``(item, conflicts)``; raises ``ConflictsNeedOverride``
    (unless ``judge`` is off, when ``not_judged_because`` is recorded)."""
    with transaction.atomic():
        data = _resolve_new_venue(council=program.council, data=dict(data))
        item = ItineraryItem(program=program)
        for name in SCALAR_FIELDS:
            if name in data:
                setattr(item, name, data[name])
        participants = list(data.get("participants") or [])
        contacts = list(data.get("contacts") or [])
        found = (
            _judge(item, participants=participants, contacts=contacts, override_reason=override_reason) if judge else []
        )
        item.save()
        item.participants.set(participants)
        item.contacts.set(contacts)
        with translation.override(settings.LANGUAGE_CODE):
            changes = _diff({}, display_values(item, contacts=contacts, participants=participants))
        note = "" if judge else not_judged_because
        ItemChange.objects.create(item=item, user=user, changes=changes, note=note)
        # An item created confirmed (a seated dinner) sends its hosts the calendar invitation.
        note_item_change(item=item, before=None, actor=user)
        webhook_events.item_created(item)
    return item, found


def create_copies(pairs, *, keep_people, actor=None):
    """Save copies (``[(source, unsaved copy), ...]``), give each its source's contacts (and, within a program, its
    subset of participants), and record each in its history as copied. Copies are ideas: conflicts are judged on
    the calendar and when they are confirmed."""
    created = ItineraryItem.objects.bulk_create([copy for _source, copy in pairs])
    for council_id in {copy.program.council_id for _source, copy in pairs}:
        note_change(council_id)
    contact_links, people_links, history = [], [], []
    for (source, _copy), copy in zip(pairs, created, strict=True):
        contacts = list(source.contacts.all())
        participants = list(source.participants.all()) if keep_people and not source.whole_group else []
        contact_links += [ItineraryItem.contacts.through(itineraryitem_id=copy.pk, contact_id=c.pk) for c in contacts]
        people_links += [
            ItineraryItem.participants.through(itineraryitem_id=copy.pk, participant_id=p.pk) for p in participants
        ]
        with translation.override(settings.LANGUAGE_CODE):
            changes = _diff({}, display_values(copy, contacts=contacts, participants=participants))
            note = _("Copied from “%(title)s” of %(day)s; a copy is an idea, judged for conflicts when confirmed.") % {
                "title": source.title,
                "day": formats.date_format(
                    timezone.localtime(source.starts_at, zoneinfo.ZoneInfo(source.stop.time_zone)), "SHORT_DATE_FORMAT"
                ),
            }
        history.append(ItemChange(item=copy, user=actor, changes=changes, note=note))
    ItineraryItem.contacts.through.objects.bulk_create(contact_links)
    ItineraryItem.participants.through.objects.bulk_create(people_links)
    ItemChange.objects.bulk_create(history)
    webhook_events.items_created(created)
    return created


def update_item(
    *, item, data, expected_version, user=None, actor_label="", override_reason="", base=None, resolutions=None
):
    """An edit by staff: ``change_item`` judged, returning ``(item, conflicts)``."""
    outcome = change_item(
        item=item,
        data=data,
        actor=user,
        actor_label=actor_label,
        expected_version=expected_version,
        base=base,
        resolutions=resolutions,
        override_reason=override_reason,
    )
    return outcome.item, outcome.conflicts


def move_item(*, item, starts_at, ends_at, expected_version, user, override_reason="", base=None):
    """Drag or resize on the calendar: a new start and end, with the same checks as any edit. With ``base`` (the
    times the calendar showed), a stale drag is merged: it succeeds unless someone else moved the item meanwhile."""
    return update_item(
        item=item,
        data={"starts_at": starts_at, "ends_at": ends_at},
        expected_version=expected_version,
        user=user,
        override_reason=override_reason,
        base=base,
    )


def keep_local_times(*, stop, old_time_zone, actor=None):
    """The stop's time zone changed from ``old_time_zone`` to ``stop.time_zone`` and staff chose to keep what the
    clocks say: every item of the stop moves (in UTC) so that it reads the same local time on the new clock as it
    did on the old one, through ``change_item`` (a new version and SEQUENCE, history with the reason, change
    notices), not judged — the schedule is the one staff already had. Returns the items that moved."""
    old_zone, new_zone = zoneinfo.ZoneInfo(old_time_zone), zoneinfo.ZoneInfo(stop.time_zone)

    def restated(value):
        return value.astimezone(old_zone).replace(tzinfo=new_zone) if value is not None else None

    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The time zone of %(city)s changed from %(old)s to %(new)s; the local times were kept.") % {
            "city": stop.city,
            "old": old_time_zone,
            "new": stop.time_zone,
        }
    moved = []
    with transaction.atomic():
        for item in ItineraryItem.objects.filter(stop=stop).order_by("starts_at", "pk"):
            data = {name: restated(getattr(item, name)) for name in ("starts_at", "ends_at", "pickup_at")}
            outcome = change_item(item=item, data=data, actor=actor, judge=False, not_judged_because=reason)
            if outcome.changes:
                moved.append(outcome.item)
    return moved
