"""Everyone who must hear of a change to a confirmed item hears — once, after the merge window, in their language:
the attending visitors, the program staff, the host contacts, the interpreter, the transport vendor and a dinner's
volunteer; people taken off the item hear they are no longer expected, people put on it hear of it as new; a host
whose reminder gave the old time is sent a correction, and is not reminded again with the old time."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from hospitality.enums import InvitationStatus
from meetings.enums import ItemKind, ItemStatus
from notifications import reminders, services
from notifications.change_notices import who_will_be_told
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification, PendingChange
from programs.models import Participant
from tests.factories import ContactFactory, HospitalitySlotFactory, InvitationFactory
from tests.notifications.factories import at, utc, visitor
from tests.notifications.item_world import (
    MONDAY,
    calendar_of,
    edit,
    flush,
    meeting_with_everyone,
    notice_to,
    notices,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ten_minute_window")]

EVERYONE = [
    "ana@example.com",  # visitor
    "dana@da.example.org",  # host contact
    "dispatch@coaches.example.com",  # transport vendor
    "eli@example.com",  # program staff (escort)
    "joana@example.com",  # visitor
    "lee@da.example.org",  # host contact
    "marta@example.com",  # the interpreter, who is also program staff: once
]


@pytest.fixture
def ten_minute_window():
    with override_settings(NOTIFICATION_CHANGE_WINDOW_MINUTES=10):
        yield


@pytest.fixture
def meeting(council):
    return meeting_with_everyone(council)


def test_a_moved_confirmed_meeting_reaches_everyone_it_concerns_once_after_the_window(meeting):
    moved = edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))

    during_the_window = flush(9)
    after_the_window = flush(10)

    sent = notices()
    assert during_the_window == 0
    assert after_the_window == len(sent) == len(EVERYONE)
    assert [notice.recipient_email for notice in sent] == EVERYONE
    assert {notice.subject for notice in sent if notice.language == "en"} == {"Changed: District attorney's office"}
    assert all("09:30 CDT → Mon 15 Mar, 11:00 CDT" in n.body_text for n in sent if n.language == "en")
    assert moved.sequence == meeting.sequence + 1
    assert PendingChange.objects.count() == 0


def test_host_contacts_get_a_calendar_request_with_the_items_uid_and_a_higher_sequence(meeting):
    moved = edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)

    calendar, attachment = calendar_of(notice_to("lee@da.example.org"))

    [event] = calendar.walk("VEVENT")
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"item-{meeting.pk}@127.0.0.1"
    assert event["sequence"] == moved.sequence > meeting.sequence
    assert event.decoded("dtstart") == at(MONDAY, 11)
    assert event["dtstart"].params["TZID"] == "America/Chicago"
    # Visitors, staff and the driver read it in their schedule or the notice: no invitation for them.
    assert notice_to("ana@example.com").attachments == []
    assert notice_to("dispatch@coaches.example.com").attachments == []


def test_a_cancelled_meeting_sends_everyone_the_cancellation_and_hosts_a_calendar_cancel(meeting):
    edit(meeting, 0, status=ItemStatus.CANCELLED)
    flush(10)

    sent = notices()
    calendar, attachment = calendar_of(notice_to("lee@da.example.org"))

    assert [notice.recipient_email for notice in sent] == EVERYONE
    assert notice_to("ana@example.com").subject == "Cancelled: District attorney's office"
    assert "- Status: Confirmed → Cancelled" in notice_to("eli@example.com").body_text
    assert attachment["mimetype"] == "text/calendar; method=CANCEL"
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_an_edit_undone_inside_the_window_sends_nothing(meeting):
    edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    edit(meeting, 5, starts_at=at(MONDAY, 9, 30), ends_at=at(MONDAY, 10, 30))

    assert flush(11) == 0
    assert notices() == []
    assert PendingChange.objects.count() == 0


def test_each_person_reads_the_notice_in_their_own_language(meeting):
    edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)

    spanish_host, portuguese_visitor, french_interpreter = (
        notice_to("dana@da.example.org"),
        notice_to("joana@example.com"),
        notice_to("marta@example.com"),
    )
    assert (spanish_host.language, spanish_host.subject) == ("es", "Cambio: District attorney's office")
    assert "- Comienza: lun 15 Mar, 09:30 CDT → lun 15 Mar, 11:00 CDT" in spanish_host.body_text
    assert "¿Sigue bien para usted?" in spanish_host.body_text
    calendar, _attachment = calendar_of(spanish_host)
    assert "Reunión profesional" in str(calendar.walk("VEVENT")[0]["description"])
    assert portuguese_visitor.language == "pt"
    assert portuguese_visitor.subject == "Alteração: District attorney's office"
    assert french_interpreter.language == "fr"
    assert "- Début: lun 15 Mar, 09:30 CDT → lun 15 Mar, 11:00 CDT" in french_interpreter.body_text
    # A transport vendor has no language on record: they are written to in the site's.
    assert notice_to("dispatch@coaches.example.com").language == "en"


def test_a_vendor_without_an_email_address_is_not_written_to(meeting):
    meeting.transport_vendor.email = ""
    meeting.transport_vendor.save()

    edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)

    assert "dispatch@coaches.example.com" not in [notice.recipient_email for notice in notices()]
    assert len(notices()) == len(EVERYONE) - 1


def test_attendees_taken_off_hear_they_are_no_longer_expected_and_those_put_on_hear_of_it_as_new(meeting):
    program = meeting.program
    ana, joana = Participant.objects.get(email="ana@example.com"), Participant.objects.get(email="joana@example.com")
    luis = visitor(program, first_name="Luis", last_name="Vega", preferred_language="es", email="luis@example.com")
    edit(meeting, 0, whole_group=False, participants=[ana, joana])  # the same two as before Luis joined the program
    flush(10)
    Notification.objects.all().delete()

    edit(meeting, 20, participants=[ana, luis])
    flush(30)

    assert notice_to("joana@example.com").subject == "Não é mais esperado(a): District attorney's office"
    assert "Você não é mais esperado(a) em “District attorney's office”." in notice_to("joana@example.com").body_text
    assert notice_to("luis@example.com").subject == "Nuevo: District attorney's office"
    assert "Ahora se le espera en «District attorney's office»." in notice_to("luis@example.com").body_text
    # Ana's own day did not change; the hosts, staff and driver still expect two visitors: nobody else is told.
    assert [notice.recipient_email for notice in notices()] == ["joana@example.com", "luis@example.com"]


def test_a_smaller_group_is_told_to_the_hosts_staff_and_driver_as_a_number(meeting):
    ana = Participant.objects.get(email="ana@example.com")

    edit(meeting, 0, whole_group=False, participants=[ana])
    flush(10)

    assert "- Visitors attending: 2 → 1" in notice_to("lee@da.example.org").body_text
    assert "- Visitors attending: 2 → 1" in notice_to("dispatch@coaches.example.com").body_text
    assert "Ana" not in notice_to("lee@da.example.org").body_text
    assert notice_to("joana@example.com").subject == "Não é mais esperado(a): District attorney's office"
    assert "ana@example.com" not in [notice.recipient_email for notice in notices()]


def test_a_host_contact_taken_off_gets_a_calendar_cancel_and_a_new_one_a_request(meeting, council):
    lee = meeting.contacts.get(name="Lee Park")
    dana = meeting.contacts.get(name="Dana Cruz")
    kim = ContactFactory(organization__council=council, name="Kim Lowe", email="kim@da.example.org")

    edit(meeting, 0, contacts=[dana, kim])
    flush(10)

    gone, new = notice_to("lee@da.example.org"), notice_to("kim@da.example.org")
    assert gone.subject == "No longer expected: District attorney's office"
    assert calendar_of(gone)[1]["mimetype"] == "text/calendar; method=CANCEL"
    assert new.subject == "New: District attorney's office"
    assert "When: Mon 15 Mar, 09:30–10:30 CDT" in new.body_text
    assert calendar_of(new)[1]["mimetype"] == "text/calendar; method=REQUEST"
    assert "- Host contacts: Dana Cruz, Lee Park → Dana Cruz, Kim Lowe" in notice_to("ana@example.com").body_text
    assert lee.email == gone.recipient_email


def test_the_volunteer_hosting_a_dinner_is_told_in_their_language_with_an_invitation(council):
    dinner = meeting_with_everyone(council, kind=ItemKind.HOME_HOSPITALITY)
    slot = HospitalitySlotFactory(
        program=dinner.program, stop=dinner.stop, starts_at=dinner.starts_at, ends_at=dinner.ends_at
    )
    InvitationFactory(
        slot=slot,
        status=InvitationStatus.ACCEPTED,
        item=dinner,
        volunteer__contact_name="Pat Host",
        volunteer__email="pat@home.example.net",
        volunteer__preferred_language="pt",
    )
    declined = InvitationFactory(slot=slot, status=InvitationStatus.DECLINED, volunteer__email="no@home.example.net")

    edit(dinner, 0, starts_at=at(MONDAY, 19), ends_at=at(MONDAY, 21))
    flush(10)

    volunteer = notice_to("pat@home.example.net")
    calendar, attachment = calendar_of(volunteer)
    assert (volunteer.recipient_type, volunteer.language) == ("volunteer", "pt")
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert str(calendar.walk("VEVENT")[0]["attendee"]) == "mailto:pat@home.example.net"
    assert declined.volunteer.email not in [notice.recipient_email for notice in notices()]


def test_who_will_be_told_lists_each_person_once_with_the_role_that_brings_them(meeting):
    told = who_will_be_told(meeting)

    assert told == [
        ("Host contact", "Dana Cruz"),
        ("Host contact", "Lee Park"),
        ("Interpreter", "Marta Díaz"),
        ("Transport vendor", "Sam Driver"),
        ("Program staff", "Eli Escort"),
        ("Participant", "Ana Rojas"),
        ("Participant", "Joana Silva"),
    ]


def test_nobody_is_listed_as_told_for_an_item_that_is_not_confirmed(meeting):
    meeting.status = ItemStatus.REQUESTED

    assert who_will_be_told(meeting) == []


# A reminder already sent with the old time


REMINDED = utc(2027, 3, 13, 16, 0)  # Saturday 11:00 CDT: inside the 48 hours before Monday 09:30


def _remind(moment=REMINDED):
    with time_machine.travel(moment, tick=False):
        return reminders.queue_due()


def _deliver(moment=REMINDED):
    with time_machine.travel(moment, tick=False):
        return services.send_due()


def _move_after_the_reminder(meeting, **data):
    """Staff move the meeting an hour after the reminders went out; the window closes ten minutes later."""
    edit(meeting, 60, start=REMINDED, **data)
    flush(70, start=REMINDED)


def _host_reminders(email):
    return list(Notification.objects.filter(kind=NotificationKind.HOST_REMINDER, recipient_email=email).order_by("pk"))


def test_a_host_reminded_of_the_old_time_is_sent_a_correction_and_not_reminded_again(meeting, mailoutbox):
    _remind()
    _deliver()
    [reminder] = _host_reminders("lee@da.example.org")
    assert reminder.subject == "Reminder: international visitors meet you on Monday 15 March, 09:30 CDT"

    _move_after_the_reminder(meeting, starts_at=at(MONDAY, 9, 45), ends_at=at(MONDAY, 10, 45))
    _remind(REMINDED + dt.timedelta(hours=2))

    correction = notice_to("lee@da.example.org")
    assert correction.subject == "Correction: District attorney's office"
    assert "This corrects the reminder we sent you earlier" in correction.body_text
    assert "- Starts: Mon 15 Mar, 09:30 CDT → Mon 15 Mar, 09:45 CDT" in correction.body_text
    assert notice_to("dana@da.example.org").subject == "Corrección: District attorney's office"
    assert _host_reminders("lee@da.example.org") == [reminder]
    # Those who were never reminded are told of a change, not a correction.
    assert notice_to("eli@example.com").subject == "Changed: District attorney's office"


def test_a_reminder_still_waiting_with_the_old_time_is_never_sent_and_the_new_time_is_reminded(meeting):
    _remind()  # queued, not yet sent
    [waiting] = _host_reminders("lee@da.example.org")

    _move_after_the_reminder(meeting, starts_at=at(MONDAY, 9, 45), ends_at=at(MONDAY, 10, 45))
    _remind(REMINDED + dt.timedelta(hours=2))

    waiting.refresh_from_db()
    old, new = _host_reminders("lee@da.example.org")
    assert waiting.state == NotificationState.CANCELLED
    assert notice_to("lee@da.example.org").subject == "Changed: District attorney's office"
    assert new.subject == "Reminder: international visitors meet you on Monday 15 March, 09:45 CDT"
    assert new.state == NotificationState.QUEUED
