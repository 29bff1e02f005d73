"""The calendar feed (iCalendar) of a link holder: one event per item, in its stop's time zone.

UIDs are stable (``item-<id>@<site host>``) so a moved item replaces its earlier copy in the phone calendar;
SEQUENCE is the item's ``sequence``, which the itinerary raises when time, place or status change.
"""

import datetime as dt
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from visitors.labels import ITEM_KINDS


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "exchange"


def item_uid(item):
    return f"item-{item.pk}@{site_host()}"


def _location(item):
    venue = item.venue
    if venue is None:
        return ""
    if venue.is_online:
        return venue.meeting_url
    return ", ".join(part for part in (venue.name, venue.address, venue.city) if part)


def _description(item):
    """The visitor-facing details, one per line (never internal notes or contacts' private details)."""
    lines = [str(ITEM_KINDS.get(item.kind, item.get_kind_display()))]
    if item.host_organization:
        lines.append(_("Host: %(name)s") % {"name": item.host_organization.name})
    contacts = [f"{c.name}, {c.title}" if c.title else c.name for c in item.contacts.all()]
    if contacts:
        lines.append(_("You meet: %(names)s") % {"names": "; ".join(contacts)})
    if item.interpreter:
        lines.append(_("Interpreter: %(name)s") % {"name": item.interpreter.name})
    if item.pickup_at or item.pickup_location:
        when = ""
        if item.pickup_at:
            pickup_time = timezone.localtime(item.pickup_at, zoneinfo.ZoneInfo(item.stop.time_zone))
            when = f"{formats.time_format(pickup_time, 'TIME_FORMAT')} {dateformat.format(pickup_time, 'T')}"
        lines.append(_("Pick-up: %(when)s %(place)s") % {"when": when, "place": item.pickup_location})
    if item.dress_code:
        lines.append(_("Dress code: %(text)s") % {"text": item.dress_code})
    if item.what_to_bring:
        lines.append(_("What to bring: %(text)s") % {"text": item.what_to_bring})
    if item.visitor_notes:
        lines.append(item.visitor_notes)
    return "\n".join(lines)


def build_calendar(*, program, items, schedule_url):
    """The feed as bytes. ``items`` come from ``visitors.queries.schedule_items`` (joins included)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Exchange//Visitor schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", program.title)
    # Subscribed calendars look for changes every hour (RFC 7986, and the older Microsoft name).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in items:
        zone = zoneinfo.ZoneInfo(item.stop.time_zone)
        event = Event()
        event.add("uid", item_uid(item))
        event.add("dtstamp", item.updated_at)
        event.add("last-modified", item.updated_at)
        event.add("sequence", item.sequence)
        event.add("dtstart", item.starts_at.astimezone(zone))
        event.add("dtend", item.ends_at.astimezone(zone))
        event.add("summary", item.title)
        event.add("status", "CANCELLED" if item.is_cancelled else "CONFIRMED")
        location = _location(item)
        if location:
            event.add("location", location)
        if item.venue and item.venue.latitude is not None and item.venue.longitude is not None:
            event.add("geo", (float(item.venue.latitude), float(item.venue.longitude)))
        event.add("description", _description(item))
        event.add("url", schedule_url)
        calendar.add_component(event)
    # A VTIMEZONE for every TZID the events use, so calendars without the IANA database place them right.
    calendar.add_missing_timezones()
    return calendar.to_ical()
