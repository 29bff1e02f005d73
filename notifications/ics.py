"""The one iCalendar builder: every calendar the app hands out — a link holder's feed, the day's file attached to
the daily schedule, the invitation attached to a host's or volunteer's notice — is made here, so that an item
reads the same wherever it comes from.

- One VEVENT per item, in its stop's time zone (with a VTIMEZONE for every zone used, for calendars without the
  IANA database), with a stable UID (``item-<id>@<site host>``) so that a moved item replaces its earlier copy,
  and the item's ``sequence`` as SEQUENCE.
- ``CALENDAR_FIELDS`` names the item fields an event is written from: the item service raises SEQUENCE when any
  of them changes.
- Feeds and the daily file are published (``METHOD:PUBLISH``) without ORGANIZER or ATTENDEE lines: visitors are
  not invited, they read their schedule. An invitation (``METHOD:REQUEST``, or ``METHOD:CANCEL`` with
  ``STATUS:CANCELLED``) names the council as ORGANIZER and its one recipient as ATTENDEE.

Words are written in the active language: callers override it with the reader's.
"""

import datetime as dt
import zoneinfo
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.enums import ItemStatus
from visitors.labels import ITEM_KINDS

# What an event of an item is written from (the item service raises SEQUENCE when one of them changes).
CALENDAR_FIELDS = frozenset(
    {
        "title",
        "starts_at",
        "ends_at",
        "stop",
        "venue",
        "status",
        "kind",
        "host_organization",
        "contacts",
        "interpreter",
        "pickup_at",
        "pickup_location",
        "dress_code",
        "what_to_bring",
        "visitor_notes",
    }
)

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
_CANCELLED = (ItemStatus.CANCELLED, ItemStatus.DECLINED)
_CONFIRMED = (ItemStatus.CONFIRMED, ItemStatus.THANKED)


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "exchange"


def item_uid(item):
    return f"item-{item.pk}@{site_host()}"


def item_location(item):
    venue = item.venue
    if venue is None:
        return ""
    if venue.is_online:
        return venue.meeting_url
    return ", ".join(part for part in (venue.name, venue.address, venue.city) if part)


def is_called_off(item):
    """An item a calendar should drop: cancelled, or declined by its host."""
    return item.status in _CANCELLED


def _event_status(item):
    if is_called_off(item):
        return "CANCELLED"
    return "CONFIRMED" if item.status in _CONFIRMED else "TENTATIVE"


def visitor_description(item):
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


def host_description(item, *, group_size=None):
    """What a host contact or volunteer needs in their calendar: whom they receive and whom to call."""
    program = item.program
    council = program.council
    lines = [str(item.get_kind_display()), _("International visitors: %(program)s") % {"program": program.title}]
    if group_size:
        lines.append(
            ngettext("Delegation: %(count)s visitor", "Delegation: %(count)s visitors", group_size)
            % {"count": group_size}
        )
    if item.interpreter:
        lines.append(_("Interpreter: %(name)s") % {"name": item.interpreter.name})
    reach = ", ".join(str(part) for part in (council.name, council.phone, council.email) if part)
    lines.append(_("Questions? Please contact %(council)s") % {"council": reach})
    return "\n".join(lines)


def item_event(item, *, description, stamp=None, url=None):
    """The VEVENT of ``item``; every calendar of this module is made of these."""
    zone = zoneinfo.ZoneInfo(item.stop.time_zone)
    event = Event()
    event.add("uid", item_uid(item))
    event.add("dtstamp", (stamp or item.updated_at).astimezone(dt.UTC))
    event.add("last-modified", item.updated_at.astimezone(dt.UTC))
    event.add("sequence", item.sequence)
    event.add("dtstart", item.starts_at.astimezone(zone))
    # A leg between two cities of a journey ends in the next city's zone (``journeys.visitor_journey.mark_legs``).
    end_zone = zoneinfo.ZoneInfo(getattr(item, "arrival_time_zone", None) or item.stop.time_zone)
    event.add("dtend", item.ends_at.astimezone(end_zone))
    event.add("summary", item.title)
    event.add("status", _event_status(item))
    location = item_location(item)
    if location:
        event.add("location", location)
    venue = item.venue
    if venue and venue.latitude is not None and venue.longitude is not None:
        event.add("geo", (float(venue.latitude), float(venue.longitude)))
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def _calendar(*, prodid, method):
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _finish(calendar):
    """The calendar as bytes, with a VTIMEZONE for every TZID its events use (so that calendars without the IANA
    database place them right). The zones' rules are written for the years the events fall in (and the next):
    one transition of each kind a year, which every parser tried reads alike — over the default 1970–2038 span,
    some (vobject's) keep only the first of each list of onset dates and place a summer time in winter time."""
    years = [
        event.decoded(name).year for event in calendar.walk("VEVENT") for name in ("dtstart", "dtend") if name in event
    ]
    if years:
        calendar.add_missing_timezones(first_date=dt.date(min(years), 1, 1), last_date=dt.date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def build_calendar(*, program, items, schedule_url):
    """A link holder's feed as bytes. ``items`` come from ``visitors.queries.schedule_items`` (joins included)."""
    calendar = _calendar(prodid="-//Exchange//Visitor schedule//EN", method=PUBLISH)
    calendar.add("x-wr-calname", program.title)
    # Subscribed calendars look for changes every hour (RFC 7986, and the older Microsoft name).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in items:
        calendar.add_component(item_event(item, description=visitor_description(item), url=schedule_url))
    return _finish(calendar)


def items_calendar(items, *, name, schedule_url=None):
    """The day's items as text, attached to a daily schedule: the same events as the holder's feed."""
    calendar = _calendar(prodid="-//Exchange//Visitor schedule//EN", method=PUBLISH)
    calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(item_event(item, description=visitor_description(item), url=schedule_url))
    return _finish(calendar).decode()


def organizer_address(council):
    """The council's address (or the site's sender when the council has none) and its display name."""
    email = council.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return email, council.name


def invitation(item, *, name, email, method=REQUEST, description="", url=None, now=None):
    """A calendar invitation of ``item`` for one person as text: ``REQUEST`` (add or update it) or ``CANCEL``.

    The event is the item's (same UID and SEQUENCE as every other calendar of it); a cancellation carries
    ``STATUS:CANCELLED`` whatever the item's own status (a person taken off an item that goes on).
    """
    calendar = _calendar(prodid="-//Exchange//Invitation//EN", method=method)
    event = item_event(item, description=description, stamp=now or timezone.now(), url=url)
    organizer_email, organizer_name = organizer_address(item.program.council)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["cn"] = vText(name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE" if method == REQUEST else "FALSE")
    event.add("attendee", attendee)
    if method == CANCEL:
        event["status"] = vText("CANCELLED")
    calendar.add_component(event)
    return _finish(calendar).decode()


def invitation_attachment(item, *, name, email, method=REQUEST, description="", url=None, now=None):
    """The invitation as an outbox attachment. The ``method`` parameter of its content type lets mail clients
    offer to add (or remove) the event instead of showing a file."""
    return {
        "filename": "cancel.ics" if method == CANCEL else "invite.ics",
        "mimetype": f"text/calendar; method={method}",
        "content": invitation(item, name=name, email=email, method=method, description=description, url=url, now=now),
    }
