"""Edits of a confirmed item within the window become one notice naming what changed; an undone edit sends nothing."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from meetings.enums import ItemStatus
from notifications import change_notices
from notifications.change_notices import note_item_change, snapshot_item
from notifications.enums import NotificationKind
from notifications.models import Notification, PendingChange
from tests.factories import ProgramStaffMemberFactory, VenueFactory
from tests.notifications.factories import at, confirmed_item, program_under_way, utc, visitor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ten_minute_window")]

MONDAY = dt.date(2027, 3, 15)
START = utc(2027, 3, 10, 15, 0)


@pytest.fixture
def ten_minute_window():
    with override_settings(NOTIFICATION_CHANGE_WINDOW_MINUTES=10):
        yield


@pytest.fixture
def meeting(council):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Ana", preferred_language="en")
    return confirmed_item(program, stop, MONDAY, 9, title="District attorney's office")


def _edit(item, minute, **changes):
    """What the itinerary editor does: snapshot, change, save, tell the hook, at START + minute."""
    with time_machine.travel(START + dt.timedelta(minutes=minute), tick=False):
        before = snapshot_item(item)
        for field, value in changes.items():
            setattr(item, field, value)
        item.save()
        note_item_change(item=item, before=before, actor=None)


def _flush(minute):
    with time_machine.travel(START + dt.timedelta(minutes=minute), tick=False):
        return change_notices.flush_due()


def _notices():
    return list(Notification.objects.filter(kind=NotificationKind.CHANGE_NOTICE).order_by("recipient_email"))


def test_change_notice_merges_edits_within_the_window_and_names_what_changed(meeting):
    new_venue = VenueFactory(council=meeting.program.council, name="Bexar County Justice Center", address="")

    _edit(meeting, 0, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 11))
    _edit(meeting, 4, venue=new_venue)
    _edit(meeting, 8, starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 15))
    early = _flush(9)
    sent = _flush(10)

    [notice] = _notices()
    assert (early, sent) == (0, 1)
    assert notice.subject == "Changed: District attorney's office"
    assert "- Starts: Mon 15 Mar, 09:00 CDT → Mon 15 Mar, 14:00 CDT" in notice.body_text
    assert "- Ends: Mon 15 Mar, 10:00 CDT → Mon 15 Mar, 15:00 CDT" in notice.body_text
    assert "→ Bexar County Justice Center" in notice.body_text
    assert "Title" not in notice.body_text
    assert PendingChange.objects.count() == 0


def test_change_notice_for_an_undone_edit_sends_nothing(meeting):
    _edit(meeting, 0, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 11))
    _edit(meeting, 5, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 10))

    flushed = _flush(11)

    assert flushed == 0
    assert _notices() == []
    assert PendingChange.objects.count() == 0


def test_change_notice_for_a_cancellation_goes_to_attendees_and_program_staff(meeting):
    interpreter = ProgramStaffMemberFactory(program=meeting.program, name="Marta", email="marta@example.com")

    _edit(meeting, 0, status=ItemStatus.CANCELLED)
    _flush(10)

    notices = _notices()
    assert [(n.recipient_type, n.recipient_id) for n in notices] == [
        ("participant", meeting.program.participants.get().pk),
        ("program_staff", interpreter.pk),
    ]
    assert notices[0].subject == "Cancelled: District attorney's office"
    assert "- Status: Confirmed → Cancelled" in notices[0].body_text


def test_change_notice_is_in_each_recipients_language(meeting):
    visitor(meeting.program, first_name="Lucia", preferred_language="es")

    _edit(meeting, 0, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 11))
    _flush(10)

    spanish = Notification.objects.get(language="es")
    assert spanish.subject == "Cambio: District attorney's office"
    assert "- Comienza: lun 15 Mar, 09:00 CDT → lun 15 Mar, 10:00 CDT" in spanish.body_text


def test_change_notice_of_an_item_that_was_not_confirmed_is_not_sent(meeting):
    meeting.status = ItemStatus.REQUESTED
    meeting.save()

    _edit(meeting, 0, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 11))
    _flush(10)

    assert _notices() == []


def test_change_notice_flushed_twice_is_queued_once(meeting):
    _edit(meeting, 0, pickup_location="Hotel lobby")

    first, second = _flush(10), _flush(11)

    assert (first, second) == (1, 0)
    assert len(_notices()) == 1
