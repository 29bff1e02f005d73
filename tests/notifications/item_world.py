"""A confirmed meeting with everyone a change to it concerns, and the steps the tests take on it: edits through the
item service at a minute of the test clock, and the flush of the change notices after the merge window."""

import datetime as dt

import time_machine
from icalendar import Calendar

from logistics.models import TransportVendor
from meetings import services as item_services
from meetings.models import ItineraryItem
from notifications import change_notices
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.enums import ProgramStaffRole
from tests.factories import ContactFactory, ProgramStaffMemberFactory
from tests.notifications.factories import at, confirmed_item, program_under_way, utc, visitor

MONDAY = dt.date(2027, 3, 15)
START = utc(2027, 3, 10, 15, 0)  # the Wednesday before, 10:00 CDT
NOTICE_KINDS = (NotificationKind.CHANGE_NOTICE, NotificationKind.CALENDAR_INVITATION)


def meeting_with_everyone(council, *, kind="meeting"):
    """A confirmed meeting on Monday 09:30–10:30 CDT: two visitors (English, Portuguese), an interpreter who is
    program staff (French), an escort, a Spanish-speaking host contact and an English one, a transport vendor."""
    council.email = "info@saciv.example.org"
    council.save()
    program, stop = program_under_way(council=council, title="Combating Trafficking in Persons")
    visitor(program, first_name="Ana", last_name="Rojas", preferred_language="en", email="ana@example.com")
    visitor(program, first_name="Joana", last_name="Silva", preferred_language="pt", email="joana@example.com")
    interpreter = ProgramStaffMemberFactory(
        program=program, name="Marta Díaz", preferred_language="fr", email="marta@example.com"
    )
    ProgramStaffMemberFactory(program=program, name="Eli Escort", role=ProgramStaffRole.ESCORT, email="eli@example.com")
    vendor = TransportVendor.objects.create(
        council=council, name="Alamo City Coaches", contact_name="Sam Driver", email="dispatch@coaches.example.com"
    )
    item = confirmed_item(
        program,
        stop,
        MONDAY,
        9,
        title="District attorney's office",
        kind=kind,
        interpreter=interpreter,
        transport_vendor=vendor,
    )
    item.starts_at, item.ends_at = at(MONDAY, 9, 30), at(MONDAY, 10, 30)
    item.save()
    dana = ContactFactory(
        organization__council=council, name="Dana Cruz", email="dana@da.example.org", preferred_language="es"
    )
    lee = ContactFactory(
        organization__council=council, name="Lee Park", email="lee@da.example.org", preferred_language="en"
    )
    item.contacts.set([dana, lee])
    return ItineraryItem.objects.get(pk=item.pk)


def edit(item, minute, *, start=START, **data):
    """What staff do in the item form or on the calendar: a change through the item service, ``minute`` minutes
    after ``start``. Returns the item as saved."""
    with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
        fresh = ItineraryItem.objects.get(pk=item.pk)
        saved, _conflicts = item_services.update_item(
            item=fresh, data=data, expected_version=fresh.version, override_reason="test"
        )
    return ItineraryItem.objects.get(pk=saved.pk)


def flush(minute, *, start=START):
    with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
        return change_notices.flush_due()


def notices(**filters):
    return list(Notification.objects.filter(kind__in=NOTICE_KINDS, **filters).order_by("recipient_email"))


def notice_to(email):
    return Notification.objects.get(kind__in=NOTICE_KINDS, recipient_email=email)


def calendar_of(notification):
    """The notice's calendar attachment, parsed, with its MIME type."""
    [attachment] = [a for a in notification.attachments if a["mimetype"].startswith("text/calendar")]
    return Calendar.from_ical(attachment["content"]), attachment
