"""Calendar files attached to messages: one VEVENT per itinerary item, in UTC, with the item's SEQUENCE."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


def _uid_host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def item_location(item):
    venue = item.venue
    if venue is None:
        return ""
    if venue.is_online:
        return venue.meeting_url
    return ", ".join(part for part in (venue.name, venue.address, venue.city) if part)


def items_calendar(items, *, name):
    """The items as an iCalendar text; the UID is stable per item so that a phone updates instead of duplicating."""
    calendar = Calendar()
    calendar.add("prodid", "-//Exchange//Itinerary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC)
    for item in items:
        event = Event()
        event.add("uid", f"item-{item.pk}@{_uid_host()}")
        event.add("sequence", item.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(dt.UTC))
        event.add("dtend", item.ends_at.astimezone(dt.UTC))
        event.add("summary", item.title)
        location = item_location(item)
        if location:
            event.add("location", location)
        if item.visitor_notes:
            event.add("description", item.visitor_notes)
        calendar.add_component(event)
    return calendar.to_ical().decode()
