"""What the calendar builder and the agenda show: items of a program by stop and day, with their conflicts."""

import zoneinfo
from itertools import groupby

from django.urls import reverse
from django.utils import timezone

from meetings import conflicts as conflict_rules
from meetings.enums import ItemStatus
from meetings.queries import items_for_agenda, items_for_stop

CALENDAR_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _conflict_json(conflict):
    return {"kind": conflict.kind, "severity": conflict.severity, "message": conflict.message}


def _item_url(name):
    """``reverse(name, kwargs={"item_id": pk})`` as a function of ``pk``, resolved once: a stop's calendar links a
    few hundred items, and resolving each address took longer than the rest of its event."""
    marker = "987654321"
    prefix, suffix = reverse(name, kwargs={"item_id": int(marker)}).split(marker)
    return lambda pk: f"{prefix}{pk}{suffix}"


def events_for_stop(*, program, stop, start=None, end=None):
    """The stop's items as calendar events, those that overlap the wall-clock range ``start``–``end`` when given.
    Times are wall-clock strings of the stop's zone without an offset: the calendar runs in its UTC mode, which
    never shifts them, so they read exactly as they do in the city."""
    zone = zoneinfo.ZoneInfo(stop.time_zone)
    items = items_for_stop(stop)
    if start is not None:
        items = items.filter(ends_at__gt=start.replace(tzinfo=zone))
    if end is not None:
        items = items.filter(starts_at__lt=end.replace(tzinfo=zone))
    item_url, move_url = _item_url("meetings:item"), _item_url("meetings:item_move")
    # Translated once per request rather than once per item.
    status_labels = {value: str(label) for value, label in ItemStatus.choices}
    conflicts = conflict_rules.cached_conflicts_by_item(council=program.council, programs=[program])
    events = []
    for item in items:
        found = conflicts.get(item.pk, [])
        has_hard = bool(conflict_rules.hard(found))
        events.append(
            {
                "id": str(item.pk),
                "title": item.title,
                "start": timezone.localtime(item.starts_at, zone).strftime(CALENDAR_FORMAT),
                "end": timezone.localtime(item.ends_at, zone).strftime(CALENDAR_FORMAT),
                "url": item_url(item.pk),
                "classNames": [f"item-status-{item.status}"]
                + (["has-conflict"] if has_hard else ["has-warning"] if found else []),
                "editable": not item.is_cancelled,
                "extendedProps": {
                    "version": item.version,
                    "status": item.status,
                    "statusLabel": status_labels.get(item.status, item.status),
                    "venue": item.venue.name if item.venue else "",
                    "moveUrl": move_url(item.pk),
                    "conflicts": [_conflict_json(conflict) for conflict in found],
                    "overridden": bool(item.conflict_override_reason),
                },
            }
        )
    return events


def agenda_days(program):
    """``[(stop, day, [(item, conflicts), ...]), ...]`` in time order; days read in the stop's local time."""
    conflicts = conflict_rules.cached_conflicts_by_item(council=program.council, programs=[program])
    rows = []
    for item in items_for_agenda(program).order_by("starts_at", "pk"):
        local_day = timezone.localtime(item.starts_at, zoneinfo.ZoneInfo(item.stop.time_zone)).date()
        rows.append((item.stop, local_day, item, conflicts.get(item.pk, [])))
    return [
        (stop, day, [(item, found) for _, _, item, found in group])
        for (stop, day), group in groupby(rows, key=lambda row: (row[0], row[1]))
    ]


def conflicts_for_item(item):
    """The current conflicts of one saved item (none when it is cancelled or declined)."""
    context = conflict_rules.load_context(council=item.program.council, programs=[item.program])
    booking = next((b for b in context.bookings if b.item_id == item.pk), None)
    return conflict_rules.find_conflicts(booking, context) if booking else []
