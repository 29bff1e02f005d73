"""Reminders to hosts, volunteers and staff go out once inside the council's lead time, with what they need only."""

import datetime as dt

import pytest
import time_machine

from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment
from notifications import reminders
from notifications.enums import NotificationKind
from notifications.models import Notification
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
    InvitationFactory,
    MeetingRequestFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
)
from tests.notifications.factories import at, confirmed_item, program_under_way, utc, visitor

pytestmark = pytest.mark.django_db

NOW = utc(2027, 3, 13, 15, 0)  # Saturday 10:00 CDT
MONDAY = dt.date(2027, 3, 15)


def _run(moment=NOW):
    with time_machine.travel(moment, tick=False):
        return reminders.queue_due()


def _messages(kind):
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


@pytest.fixture
def meeting(council):
    program, stop = program_under_way(council=council)
    visitor(
        program,
        first_name="Ana",
        last_name="Rojas",
        country="PE",
        preferred_language="es",
        share_bio=True,
        bio="Prosecutor specialised in labour trafficking.",
        role="Prosecutor",
    )
    visitor(
        program,
        first_name="Joana",
        last_name="Silva",
        country="UY",
        preferred_language="pt",
        share_bio=False,
        bio="Private: shelter director.",
    )
    interpreter = ProgramStaffMemberFactory(program=program, name="Marta Díaz", languages="en, es, pt")
    item = confirmed_item(
        program,
        stop,
        MONDAY,
        9,
        title="District attorney's office",
        topic="Prosecuting labour trafficking",
        objectives="How cases reach court.",
        interpreter=interpreter,
    )
    contact = ContactFactory(organization__council=council, name="Dana Cruz", email="dana@da.example.org")
    item.contacts.add(contact)
    return item


def test_host_reminder_is_queued_once_inside_the_lead_time(meeting):
    # The meeting starts Monday 09:00 CDT = 14:00 UTC; 48 hours before is Saturday 14:00 UTC.
    too_early = _run(utc(2027, 3, 13, 13, 55))
    due = _run(utc(2027, 3, 13, 14, 0))
    again = _run(utc(2027, 3, 13, 14, 5))

    assert (too_early, due, again) == (0, 1, 0)
    [message] = _messages(NotificationKind.HOST_REMINDER)
    assert message.recipient_email == "dana@da.example.org"
    assert message.subject == "Reminder: international visitors meet you on Monday 15 March, 09:00 CDT"


def test_host_reminder_shares_only_consented_bios(meeting):
    _run()

    [message] = _messages(NotificationKind.HOST_REMINDER)
    body = message.body_text
    assert "Delegation: 2 visitors (Peru, Uruguay)" in body
    assert "Languages: Portuguese, Spanish" in body
    assert "Interpreter: Marta Díaz (English, Spanish, Portuguese)" in body
    assert "Prosecuting labour trafficking" in body
    assert "How cases reach court." in body
    assert "- Ana Rojas, Peru, Prosecutor" in body
    assert "Prosecutor specialised in labour trafficking." in body
    assert "Joana" not in body
    assert "Silva" not in body
    assert "shelter director" not in body


def test_host_reminder_for_a_moved_meeting_is_sent_again(meeting):
    _run()
    meeting.starts_at, meeting.ends_at = at(MONDAY, 10), at(MONDAY, 11)  # still inside the 48 hours
    meeting.save()

    assert _run() == 1
    assert len(_messages(NotificationKind.HOST_REMINDER)) == 2


def test_volunteer_reminder_names_only_their_guests_and_needs(council):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana", last_name="Rojas", country="PE", dietary_needs="Vegetarian")
    luis = visitor(program, first_name="Luis", last_name="Vega", country="BZ", accessibility_needs="Step-free access")
    visitor(program, first_name="Other", last_name="Guest", country="PA", dietary_needs="Halal")
    slot = HospitalitySlotFactory(
        program=program, stop=stop, starts_at=at(dt.date(2027, 3, 14), 18), meeting_point="Hotel lobby, 17:30"
    )
    invitation = InvitationFactory(slot=slot, status=InvitationStatus.ACCEPTED, volunteer__contact_name="Pat Host")
    for guest in (ana, luis):
        GuestAssignment.objects.create(slot=slot, invitation=invitation, participant=guest)

    _run()

    [message] = _messages(NotificationKind.VOLUNTEER_REMINDER)
    body = message.body_text
    assert message.subject == "Reminder: your guests come on Sunday 14 March, 18:00 CDT"
    assert "Pick-up: Hotel lobby, 17:30" in body
    assert "- Ana, Peru; speaks English; diet: Vegetarian" in body
    assert "- Luis, Belize; speaks English; accessibility: Step-free access" in body
    assert "Rojas" not in body
    assert "Vega" not in body
    assert "Halal" not in body


def test_staff_reminder_lists_requests_unanswered_past_their_deadline(council):
    coordinator = StaffMembershipFactory(council=council, user__email="maya@saciv.example.org").user
    program, stop = program_under_way(council=council, coordinator=coordinator)
    overdue = confirmed_item(program, stop, MONDAY, 9, title="City manager's office", status="requested")
    answered = confirmed_item(program, stop, MONDAY, 14, title="Newspaper", status="requested")
    MeetingRequestFactory(item=overdue, deadline=NOW - dt.timedelta(days=1), contact__name="Lee Park")
    MeetingRequestFactory(item=answered, deadline=NOW - dt.timedelta(days=1), status="accepted")

    first, second = _run(), _run(NOW + dt.timedelta(hours=2))

    [message] = _messages(NotificationKind.STAFF_REMINDER)
    assert (first, second) == (1, 0)
    assert message.recipient_email == "maya@saciv.example.org"
    assert message.subject == f"{program.title}: 1 answer is overdue"
    assert "City manager's office" in message.body_text
    assert "Lee Park" in message.body_text
    assert "Newspaper" not in message.body_text
