"""Which clock a time on a staff page is read on, and how it is written: one way for every page.

The rule: a program's things are shown on the clock of the program's stop — an item, a slot, a request, an
invitation on their own stop's; something of the whole program (a sponsor version, a checklist task, a message, a
personal link opened) on the clock of the stop the group is in at that moment (before the first stop, the first;
after the last, the last). Everything else, and a program without stops, is shown on the council's clock.

``zone_for(subject, moment)`` picks the zone; ``format_local(moment, zone, format)`` writes the moment in it,
always followed by the zone's abbreviation ("CST", "CDT"; "UTC-05" for a zone that has none), so that no time on a
staff page is ever unlabelled. The template library ``local_time`` (``councils/templatetags/local_time.py``) puts
both in templates.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import dateformat, timezone

DATE_TIME = "D j M Y, H:i"
SHORT_DATE_TIME = "D j M, H:i"
TIME = "H:i"


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def _program_zone(program, moment):
    """The zone of the stop the program is in at ``moment`` (its stops read once per program object)."""
    stops = program.__dict__.get("_zone_stops")
    if stops is None:
        stops = sorted(program.stops.all(), key=lambda stop: stop.start_date)
        program.__dict__["_zone_stops"] = stops
    if not stops:
        return None
    if moment is None:
        return _zone(stops[0].time_zone)
    for stop in stops:
        zone = _zone(stop.time_zone)
        if zone and moment.astimezone(zone).date() <= stop.end_date:
            return zone
    return _zone(stops[-1].time_zone)


def zone_for(subject, moment=None, *, council=None):
    """The zone a time of ``subject`` is shown in (see the module). ``subject`` may be a zone name, a ``ZoneInfo``,
    a stop, a council, a program, or anything with a ``stop``, ``item``, ``slot``, ``program`` or ``council``."""
    found = _zone_of(subject, moment)
    if found is None and council is not None:
        found = _zone_of(council, moment)
    return found or zoneinfo.ZoneInfo(settings.DEFAULT_LOCAL_TIME_ZONE)


def _zone_of(subject, moment):
    if subject is None or subject == "":
        return None
    if isinstance(subject, dt.tzinfo):
        return subject
    if isinstance(subject, str):
        return _zone(subject)
    if hasattr(subject, "stops") and hasattr(subject, "arrival_date"):  # a program
        return _program_zone(subject, moment) or _zone_of(subject.council, moment)
    time_zone = getattr(subject, "time_zone", None)
    if isinstance(time_zone, str) and time_zone:  # a stop, a council
        return _zone(time_zone)
    for relation in ("stop", "item", "slot", "program", "council"):
        related = getattr(subject, f"{relation}_id", None) is not None and getattr(subject, relation, None)
        if related:
            found = _zone_of(related, moment)
            if found is not None:
                return found
    return None


def zone_label(local):
    """The abbreviation of an aware local time's zone: "CST", "CDT", "UTC"; "UTC-05" where the zone has none."""
    name = local.tzname() or ""
    if not name or name[0] in "+-":
        offset = local.utcoffset() or dt.timedelta()
        sign = "-" if offset < dt.timedelta() else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        hours, minutes = divmod(minutes, 60)
        return f"UTC{sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "") if offset else "UTC"
    return name


def localise(moment, zone):
    """``moment`` (aware) on the clock of ``zone``."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(zone)


def format_local(moment, zone, format_string=DATE_TIME):
    """``moment`` in ``zone`` with Django's date ``format_string`` (day and month names in the active language),
    followed by the zone's abbreviation: "Wed 2 Dec 2026, 18:17 CST"."""
    if moment is None or moment == "":
        return ""
    local = localise(moment, zone)
    return f"{dateformat.format(local, format_string)} {zone_label(local)}"


def format_span(starts_at, ends_at, zone, format_string=SHORT_DATE_TIME):
    """A start and end in ``zone``, labelled once: "Wed 2 Dec, 18:00–21:00 CST"; the end's date is written too
    when it falls on another day, and each end has its own label when daylight saving changes in between."""
    start, end = localise(starts_at, zone), localise(ends_at, zone)
    if end.date() != start.date():
        return f"{format_local(start, zone, format_string)} – {format_local(end, zone, format_string)}"
    if zone_label(start) != zone_label(end):
        return f"{format_local(start, zone, format_string)}–{format_local(end, zone, TIME)}"
    return f"{dateformat.format(start, format_string)}–{dateformat.format(end, TIME)} {zone_label(end)}"
