"""Change notices: when a confirmed item moves, changes in place or is cancelled, the people it concerns hear once.

The itinerary services call ``note_item_change`` inside the transaction that saves the item, with a snapshot of
the item's visitor-facing fields taken before the change (``snapshot_item``).

1. The first edit of a confirmed item opens a merge window: a ``PendingChange`` keeps the item's state before
   that edit. Later edits inside the window leave it as it is.
2. Once the window has passed (``NOTIFICATION_CHANGE_WINDOW_MINUTES``), ``flush_due`` compares that original
   state with the item as it is now. Equal (the edit was undone): nothing is sent. Otherwise each attendee and
   each program staff member gets one notice naming every changed field, old → new, times in the stop's zone.
3. The pending change is deleted in the transaction that queues the notices, so a retried flush sends nothing twice.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _

from directory.models import Venue
from meetings.enums import ItemStatus
from notifications.enums import NotificationKind, RecipientType
from notifications.models import PendingChange
from notifications.services import queue_email
from programs.links import personal_link_url
from programs.models import Stop

TEMPLATE = "notifications/email/change_notice"

VISITOR_FIELDS = (
    "title",
    "status",
    "starts_at",
    "ends_at",
    "stop_id",
    "venue_id",
    "pickup_at",
    "pickup_location",
    "dress_code",
    "what_to_bring",
    "visitor_notes",
)

FIELD_LABELS = {
    "title": _("Title"),
    "status": _("Status"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "stop_id": _("City"),
    "venue_id": _("Place"),
    "pickup_at": _("Pick-up time"),
    "pickup_location": _("Pick-up place"),
    "dress_code": _("Dress code"),
    "what_to_bring": _("What to bring"),
    "visitor_notes": _("Notes"),
}
_TIME_FIELDS = {"starts_at", "ends_at", "pickup_at"}


def snapshot_item(item):
    """The visitor-facing state of an item, to compare before and after a change."""
    return {field: getattr(item, field) for field in VISITOR_FIELDS}


def _stored(snapshot):
    """A snapshot as JSON values; instants in UTC, so that the same moment always compares equal."""
    return {
        field: value.astimezone(dt.UTC).isoformat() if isinstance(value, dt.datetime) else value
        for field, value in snapshot.items()
    }


def note_item_change(*, item, before, actor=None):
    """Record that ``item`` changed from ``before``; notices are queued (merged per window) by this module.

    Only an item that was confirmed when its window opened concerns visitors; the first snapshot of a window is
    kept, later ones are ignored.
    """
    before = _stored(before)
    if before.get("status") != ItemStatus.CONFIRMED:
        return PendingChange.objects.filter(item_id=item.pk).first()
    pending, _created = PendingChange.objects.get_or_create(
        item_id=item.pk,
        defaults={"before": before, "actor": actor if getattr(actor, "is_authenticated", False) else None},
    )
    return pending


def changed_fields(before, after):
    return [field for field in VISITOR_FIELDS if before.get(field) != after.get(field)]


def _display(field, value, *, stops, venues):
    """One field's value as a visitor reads it, in the active language; times in the stop's zone, labelled."""
    if value in (None, ""):
        return "—"
    if field in _TIME_FIELDS:
        moment, zone = value
        return dateformat.format(dt.datetime.fromisoformat(moment).astimezone(zone), "D j M, H:i T")
    if field == "status":
        return str(ItemStatus(value).label)
    if field == "stop_id":
        return stops[value].city if value in stops else "—"
    if field == "venue_id":
        venue = venues.get(value)
        if venue is None:
            return "—"
        return venue.name + (f", {venue.address}" if venue.address else "")
    return str(value)


def describe(before, after, *, language):
    """[(label, old, new)] for every changed field, rendered in ``language``."""
    fields = changed_fields(before, after)
    stop_ids = {snapshot.get("stop_id") for snapshot in (before, after)}
    stops = Stop.objects.in_bulk([pk for pk in stop_ids if pk])
    venue_ids = {snapshot.get("venue_id") for snapshot in (before, after)} if "venue_id" in fields else set()
    venues = Venue.objects.in_bulk([pk for pk in venue_ids if pk])

    def zone_of(snapshot):
        stop = stops.get(snapshot.get("stop_id"))
        return zoneinfo.ZoneInfo(stop.time_zone if stop else settings.DEFAULT_LOCAL_TIME_ZONE)

    def value(snapshot, field):
        raw = snapshot.get(field)
        if field in _TIME_FIELDS and raw:
            return raw, zone_of(snapshot)
        return raw

    with translation.override(language):
        return [
            (
                str(FIELD_LABELS[field]),
                _display(field, value(before, field), stops=stops, venues=venues),
                _display(field, value(after, field), stops=stops, venues=venues),
            )
            for field in fields
        ]


def recipients(item):
    """The people an item concerns: its attendees (the whole group or its subset) and the program staff."""
    program = item.program
    participants = program.participants.all() if item.whole_group else item.participants.all()
    people = [(RecipientType.PARTICIPANT, person) for person in participants.exclude(email="")]
    people += [(RecipientType.PROGRAM_STAFF, person) for person in program.program_staff.exclude(email="")]
    return people


def flush_due(*, now=None, limit=200):
    """Turn pending changes whose window has passed into notices; returns how many notices were queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.NOTIFICATION_CHANGE_WINDOW_MINUTES)
    ids = list(PendingChange.objects.filter(first_at__lte=cutoff).values_list("pk", flat=True)[:limit])
    return sum(_flush(pk) for pk in ids)


def _flush(pending_id):
    with transaction.atomic():
        pending = (
            PendingChange.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("item__program__council", "item__stop")
            .filter(pk=pending_id)
            .first()
        )
        if pending is None:  # another worker has it, or it is done
            return 0
        item = pending.item
        before, after = pending.before, _stored(snapshot_item(item))
        queued = 0
        if changed_fields(before, after):
            queued = _queue_notices(item, before, after, key=f"change:{item.pk}:{pending.pk}")
        pending.delete()
        return queued


def _queue_notices(item, before, after, *, key):
    descriptions = {}
    cancelled = after.get("status") == ItemStatus.CANCELLED and before.get("status") != ItemStatus.CANCELLED
    queued = 0
    for recipient_type, person in recipients(item):
        language = person.preferred_language
        if language not in descriptions:
            descriptions[language] = describe(before, after, language=language)
        is_participant = recipient_type == RecipientType.PARTICIPANT
        queue_email(
            council=item.program.council,
            program=item.program,
            kind=NotificationKind.CHANGE_NOTICE,
            recipient_type=recipient_type,
            recipient_id=person.pk,
            recipient_name=person.full_name if is_participant else person.name,
            recipient_email=person.email,
            template=TEMPLATE,
            context={
                "greeting_name": person.first_name if is_participant else person.name,
                "original_title": before.get("title") or item.title,
                "cancelled": cancelled,
                "changes": descriptions[language],
                "personal_link": personal_link_url(person),
            },
            dedupe_key=f"{key}:{recipient_type}:{person.pk}",
            language=language,
        )
        queued += 1
    return queued
