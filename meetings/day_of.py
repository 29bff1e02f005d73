"""The escort's day, on a phone: what runs now and what comes next, and "running late by N minutes".

"Today" is the local date of the stop the program is in (``visitors.schedule.find_today``, as on the visitors'
own Today page); every item is read in its own stop's zone.

Running late moves the items still to come today — each starts after now, on the same local date as now in its
stop's zone, and is not cancelled — later by N minutes, one ``meetings.services.change_item`` call per item:
the version and, since the times changed, the calendar SEQUENCE rise, the history records the move with the
reason, and the change notices tell everyone a confirmed item concerns once the merge window has passed.
Conflicts are not judged (the day is happening: the reason is recorded instead). A pick-up still to come moves
with its item.

A double tap changes nothing twice: the form carries the start of each item as the page showed it (signed), and
an item is moved only while it still starts then. An item someone else moved meanwhile is left as they left it.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings import services
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from meetings.queries import items_for_program
from visitors.schedule import find_today, local_day, utc_window

MIN_MINUTES_LATE = 5
MAX_MINUTES_LATE = 180
# Items that are not going to happen: never "now" or "next".
OFF = (ItemStatus.CANCELLED, ItemStatus.DECLINED)
_SHOWN_SALT = "meetings.day-of.shown"


@dataclass
class EscortDay:
    today: object  # visitors.schedule.Today: the day and the zone it is read in
    items: list = field(default_factory=list)  # the day's items, in time order
    current: list = field(default_factory=list)  # running now
    next_item: object = None  # the next to start (tomorrow's first when today is done)
    to_come: list = field(default_factory=list)  # what running late would move


def _local_date(moment, time_zone):
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def still_to_come(items, *, now):
    """The items running late moves: not started, on today's date in their own stop's zone, still on (a cancelled or
    declined item is not happening, and moving it would tell its host of a time that means nothing)."""
    return [
        item
        for item in items
        if item.starts_at > now and item.status not in OFF and local_day(item) == _local_date(now, item.stop.time_zone)
    ]


def escort_day(program, *, now):
    """The program's day as the escort lives it: today's items, what runs now, what comes next."""
    stops = list(program.stops.order_by("start_date", "pk"))
    today = find_today(program, stops, now=now)
    start, end = utc_window(today)
    items = list(items_for_program(program).filter(starts_at__gte=start, starts_at__lt=end))
    day = EscortDay(today=today)
    day.items = [item for item in items if local_day(item) == today.day]
    live = [item for item in items if item.status not in OFF]
    day.current = [item for item in live if item in day.items and item.starts_at <= now < item.ends_at]
    upcoming = [item for item in live if item.starts_at > now]
    day.next_item = upcoming[0] if upcoming else None
    day.to_come = still_to_come(day.items, now=now)
    return day


def sign_shown(items):
    """What the running-late form carries: each item it would move, with its start as the page showed it."""
    return signing.dumps(
        {str(item.pk): services.raw_value("starts_at", item.starts_at) for item in items}, salt=_SHOWN_SALT
    )


def read_shown(token):
    """``{item id: start}`` the page showed, or None for a missing or forged token (then all still to come move)."""
    try:
        return signing.loads(token, salt=_SHOWN_SALT) if token else None
    except signing.BadSignature:
        return None


def reason(minutes):
    """The note the history keeps with each move, in the site's language like the rest of the history."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Running late by %(minutes)s minutes") % {"minutes": minutes}


def run_late(*, program, minutes, actor, now=None, shown=None):
    """Move the items of ``program`` still to come today ``minutes`` later; returns the items as moved.

    ``shown`` (``read_shown``): only the items the page showed, and only while they still start when it showed.
    """
    if not MIN_MINUTES_LATE <= minutes <= MAX_MINUTES_LATE:
        raise ValueError(f"minutes must be {MIN_MINUTES_LATE}..{MAX_MINUTES_LATE}")
    now = now or timezone.now()
    delay = dt.timedelta(minutes=minutes)
    note = reason(minutes)
    # Any item starting later today (in any stop's zone, on a day of 25 hours too) starts within two days of now.
    candidates = (
        ItineraryItem.objects.filter(program=program, starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=2))
        .select_related("stop")
        .order_by("-starts_at", "-pk")  # the last first: an item never moves onto the next one's old start
    )
    moved = []
    with transaction.atomic():
        for item in still_to_come(list(candidates), now=now):
            if shown is not None and shown.get(str(item.pk)) != services.raw_value("starts_at", item.starts_at):
                continue
            data = {"starts_at": item.starts_at + delay, "ends_at": item.ends_at + delay}
            if item.pickup_at and item.pickup_at > now:
                data["pickup_at"] = item.pickup_at + delay
            outcome = services.change_item(
                item=item,
                data=data,
                actor=actor,
                judge=False,
                not_judged_because=note,
                only_if={"starts_at": item.starts_at, "ends_at": item.ends_at},
            )
            if outcome.changes:
                moved.append(outcome.item)
    return sorted(moved, key=lambda item: (item.starts_at, item.pk))
