"""The visitor's day: which date is "today" where the group is, what is on now and next, and what changed.

Every item is shown in the time zone of its own stop; "today" is the local date of the stop the program is in.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Today:
    day: dt.date
    time_zone: str
    # True when the program has not started yet (the first day is shown) or has ended (the last day is shown).
    before_program: bool = False
    after_program: bool = False


@dataclass
class DayPlan:
    day: dt.date
    items: list = field(default_factory=list)
    current: list = field(default_factory=list)
    next_item: object = None


def local_day(item):
    """The date an item starts on, in its own stop's zone."""
    return item.starts_at.astimezone(zoneinfo.ZoneInfo(item.stop.time_zone)).date()


def find_today(program, stops, *, now):
    """1. The stop whose days cover the local date of ``now`` in that stop's zone gives today and its zone.
    2. Before the program, its first day (in the first stop's zone); after it, its last day (last stop's zone).
    """
    for stop in stops:
        day = now.astimezone(zoneinfo.ZoneInfo(stop.time_zone)).date()
        if stop.covers(day):
            return Today(day=day, time_zone=stop.time_zone)
    first_zone = stops[0].time_zone if stops else settings.DEFAULT_LOCAL_TIME_ZONE
    last_zone = stops[-1].time_zone if stops else settings.DEFAULT_LOCAL_TIME_ZONE
    if now.astimezone(zoneinfo.ZoneInfo(first_zone)).date() < program.arrival_date:
        return Today(day=program.arrival_date, time_zone=first_zone, before_program=True)
    if now.astimezone(zoneinfo.ZoneInfo(last_zone)).date() > program.departure_date:
        return Today(day=program.departure_date, time_zone=last_zone, after_program=True)
    # Inside the program's dates but between stops (incomplete itinerary): the first stop's zone.
    return Today(day=now.astimezone(zoneinfo.ZoneInfo(first_zone)).date(), time_zone=first_zone)


def utc_window(today):
    """A UTC range wide enough to hold every item starting on ``today`` (in any stop's zone) and on the day after,
    so that "next" can look past the end of the day."""
    midnight = dt.datetime.combine(today.day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(today.time_zone))
    return midnight - dt.timedelta(days=1), midnight + dt.timedelta(days=3)


def plan_day(items, today, *, now):
    """Today's items in order; the ones running now; the next one to come (possibly tomorrow's first)."""
    plan = DayPlan(day=today.day)
    for item in items:
        if local_day(item) == today.day:
            plan.items.append(item)
    upcoming = [item for item in items if not item.is_cancelled and item.starts_at > now]
    plan.current = [item for item in plan.items if not item.is_cancelled and item.starts_at <= now < item.ends_at]
    plan.next_item = upcoming[0] if upcoming else None
    return plan


def by_day(items):
    """[(date, [items])] in time order, each item under its local date."""
    days = {}
    for item in items:
        days.setdefault(local_day(item), []).append(item)
    return sorted(days.items())


def mark_changes(items, *, last_seen_at):
    """Flag what appeared or changed since the holder last looked (nothing on a first visit)."""
    for item in items:
        item.is_new = last_seen_at is not None and item.created_at > last_seen_at
        item.is_changed = last_seen_at is not None and not item.is_new and item.updated_at > last_seen_at
    return items
