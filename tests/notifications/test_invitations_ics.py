"""Host contacts and volunteers get real calendar invitations (iTIP REQUEST, CANCEL), readable by more than one
iCalendar parser; every calendar of an item — the visitors' feed, the daily schedule's file, an invitation — is
made by one builder, in the stop's zone with its VTIMEZONE, under one UID, and only invitations name attendees."""

import datetime as dt

import pytest
import time_machine
import vobject
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from hospitality.enums import InvitationStatus
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from notifications import daily_schedule, ics, services
from notifications.change_notices import note_item_change
from notifications.enums import NotificationKind
from programs.links import make_token
from programs.models import Participant
from tests.factories import HospitalitySlotFactory, InvitationFactory
from tests.notifications.factories import at
from tests.notifications.item_world import (
    MONDAY,
    START,
    calendar_of,
    edit,
    flush,
    meeting_with_everyone,
    notice_to,
    notices,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ten_minute_window")]


@pytest.fixture
def ten_minute_window():
    with override_settings(NOTIFICATION_CHANGE_WINDOW_MINUTES=10):
        yield


@pytest.fixture
def meeting(council):
    return meeting_with_everyone(council)


def _moved(meeting):
    moved = edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)
    return moved


def test_a_request_reads_the_same_in_icalendar_and_in_vobject(meeting):
    moved = _moved(meeting)
    _calendar, attachment = calendar_of(notice_to("lee@da.example.org"))

    parsed = vobject.readOne(attachment["content"])

    event = parsed.vevent
    assert parsed.method.value == "REQUEST"
    assert event.uid.value == f"item-{meeting.pk}@127.0.0.1"
    assert int(event.sequence.value) == moved.sequence == meeting.sequence + 1
    assert event.dtstart.value == moved.starts_at
    assert event.dtstart.value.utcoffset() == dt.timedelta(hours=-5)  # summer time began on Sunday 14 March
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["America/Chicago"]
    assert parsed.vtimezone.tzid.value == "America/Chicago"
    assert event.organizer.value == "mailto:info@saciv.example.org"
    assert event.organizer.params["CN"] == ["San Antonio CIV"]
    assert event.attendee.value == "mailto:lee@da.example.org"
    assert event.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
    assert event.attendee.params["RSVP"] == ["TRUE"]
    assert event.status.value == "CONFIRMED"


def test_a_request_names_the_council_as_organizer_and_the_host_as_the_one_attendee(meeting):
    _moved(meeting)

    calendar, _attachment = calendar_of(notice_to("dana@da.example.org"))

    [event] = calendar.walk("VEVENT")
    assert str(event["organizer"]) == "mailto:info@saciv.example.org"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:dana@da.example.org"
    assert (attendee.params["CN"], attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (
        "Dana Cruz",
        "NEEDS-ACTION",
        "TRUE",
    )
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["America/Chicago"]


def test_a_cancellation_reads_as_cancel_in_both_parsers(meeting):
    cancelled = edit(meeting, 0, status=ItemStatus.CANCELLED)
    flush(10)
    calendar, attachment = calendar_of(notice_to("lee@da.example.org"))

    parsed = vobject.readOne(attachment["content"])

    assert str(calendar["method"]) == parsed.method.value == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == parsed.vevent.status.value == "CANCELLED"
    assert parsed.vevent.uid.value == f"item-{meeting.pk}@127.0.0.1"
    assert int(parsed.vevent.sequence.value) == cancelled.sequence > meeting.sequence


def test_the_invitation_goes_out_as_a_calendar_part_mail_clients_offer_to_add(meeting):
    _moved(meeting)

    message = services.build_email(notice_to("lee@da.example.org")).message()

    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert "BEGIN:VCALENDAR" in part.get_payload(decode=True).decode()


def test_the_first_confirmation_sends_the_hosts_one_request_and_nobody_else_a_notice(meeting):
    requested = ItineraryItem.objects.get(pk=meeting.pk)
    requested.status = ItemStatus.REQUESTED
    requested.save()

    confirmed = edit(requested, 0, status=ItemStatus.CONFIRMED)
    early, due, again = flush(9), flush(10), flush(11)

    sent = notices()
    assert (early, due, again) == (0, 2, 0)
    assert [(n.recipient_email, n.kind) for n in sent] == [
        ("dana@da.example.org", NotificationKind.CALENDAR_INVITATION),
        ("lee@da.example.org", NotificationKind.CALENDAR_INVITATION),
    ]
    assert notice_to("lee@da.example.org").subject == "Confirmed: District attorney's office"
    assert notice_to("dana@da.example.org").subject == "Confirmada: District attorney's office"
    calendar, attachment = calendar_of(notice_to("lee@da.example.org"))
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert calendar.walk("VEVENT")[0]["sequence"] == confirmed.sequence


def test_an_item_that_stays_unconfirmed_sends_nothing(meeting):
    requested = ItineraryItem.objects.get(pk=meeting.pk)
    requested.status = ItemStatus.REQUESTED
    requested.save()

    edit(requested, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)

    assert notices() == []


def test_the_visitors_feed_names_no_attendee_or_organizer_and_shares_the_invitations_event(client, meeting):
    moved = _moved(meeting)
    ana = Participant.objects.get(email="ana@example.com")
    invitation, _attachment = calendar_of(notice_to("lee@da.example.org"))

    response = client.get(reverse("visitors:calendar", kwargs={"token": make_token(ana)}))
    feed = Calendar.from_ical(response.content)

    [event] = feed.walk("VEVENT")
    [invited] = invitation.walk("VEVENT")
    assert "ATTENDEE" not in response.content.decode()
    assert "ORGANIZER" not in response.content.decode()
    assert str(feed["method"]) == "PUBLISH"
    for name in ("uid", "summary", "location", "status"):
        assert str(event[name]) == str(invited[name])
    assert event["sequence"] == invited["sequence"] == moved.sequence
    assert event["dtstart"].to_ical() == invited["dtstart"].to_ical() == b"20270315T110000"
    assert event["dtstart"].params["TZID"] == invited["dtstart"].params["TZID"] == "America/Chicago"


def test_the_daily_schedule_file_is_the_feeds_event_in_the_stops_zone(client, meeting):
    ana = Participant.objects.get(email="ana@example.com")
    message = daily_schedule.build(ana, MONDAY, stop=meeting.stop)

    attached = Calendar.from_ical(message["attachments"][0]["content"])
    feed_url = reverse("visitors:calendar", kwargs={"token": make_token(ana)})
    feed = Calendar.from_ical(client.get(feed_url, headers={"host": "127.0.0.1:8000"}).content)  # the SITE_URL

    [daily_event], [feed_event] = attached.walk("VEVENT"), feed.walk("VEVENT")
    assert daily_event["dtstart"].params["TZID"] == "America/Chicago"
    assert [str(zone["tzid"]) for zone in attached.walk("VTIMEZONE")] == ["America/Chicago"]
    for name in ("uid", "summary", "location", "status", "description", "dtstart", "dtend", "sequence", "url"):
        assert daily_event[name].to_ical() == feed_event[name].to_ical(), name
    assert "ATTENDEE" not in message["attachments"][0]["content"]


def test_calendar_fields_are_fields_of_the_item():
    names = {field.name for field in ItineraryItem._meta.get_fields()}

    assert ics.CALENDAR_FIELDS <= names
    assert {"starts_at", "ends_at", "venue", "status", "title", "contacts"} <= ics.CALENDAR_FIELDS
    assert "internal_notes" not in ics.CALENDAR_FIELDS


def test_a_dinner_created_confirmed_sends_its_volunteer_host_the_invitation(council):
    """What the item writer does after creating an item (``before=None``): a dinner seated as confirmed reaches
    its volunteer as a calendar invitation once the window has passed."""
    dinner = meeting_with_everyone(council, kind=ItemKind.HOME_HOSPITALITY)
    dinner.contacts.clear()
    slot = HospitalitySlotFactory(
        program=dinner.program, stop=dinner.stop, starts_at=dinner.starts_at, ends_at=dinner.ends_at
    )
    InvitationFactory(slot=slot, status=InvitationStatus.ACCEPTED, item=dinner, volunteer__email="pat@home.example.net")

    with time_machine.travel(START, tick=False):
        note_item_change(item=dinner, before=None)
    flush(10)

    [invitation] = notices()
    calendar, attachment = calendar_of(invitation)
    assert (invitation.recipient_email, invitation.kind) == ("pat@home.example.net", "calendar_invitation")
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert str(calendar.walk("VEVENT")[0]["uid"]) == f"item-{dinner.pk}@127.0.0.1"
