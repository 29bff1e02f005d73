"""The daily schedule goes out the evening before, at the council's local send time in the stop's zone."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from notifications import daily_schedule
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from tests.factories import ProgramStaffMemberFactory
from tests.notifications.factories import DST_SUNDAY, at, confirmed_item, program_under_way, utc, visitor

pytestmark = pytest.mark.django_db

MONDAY = DST_SUNDAY + dt.timedelta(days=1)


def _queue_at(moment):
    with time_machine.travel(moment, tick=False):
        return daily_schedule.queue_due()


def _daily_keys():
    return sorted(
        Notification.objects.filter(kind=NotificationKind.DAILY_SCHEDULE).values_list("dedupe_key", flat=True)
    )


@pytest.fixture
def two_zones(council):
    """A group in San Antonio (Central time) and one in Los Angeles (Pacific time), each with a Monday meeting."""
    texas, texas_stop = program_under_way(council=council)
    california, california_stop = program_under_way(council=council, zone="America/Los_Angeles", city="Los Angeles")
    ana = visitor(texas, first_name="Ana")
    luis = visitor(california, first_name="Luis")
    confirmed_item(texas, texas_stop, MONDAY, 9, title="District attorney's office")
    confirmed_item(california, california_stop, MONDAY, 10, title="Legal aid clinic")
    return ana, luis


def test_daily_schedule_goes_out_at_seven_in_the_evening_local_on_the_dst_sunday(two_zones):
    ana, luis = two_zones
    # Sunday 14 March 2027 is the first day of daylight saving time: 19:00 CDT is 00:00 UTC, 19:00 PDT is 02:00 UTC.

    before_texas = _queue_at(utc(2027, 3, 14, 23, 59))
    at_texas = _queue_at(utc(2027, 3, 15, 0, 0))
    before_california = _queue_at(utc(2027, 3, 15, 1, 59))
    at_california = _queue_at(utc(2027, 3, 15, 2, 0))

    assert (before_texas, at_texas, before_california, at_california) == (0, 1, 0, 1)
    assert _daily_keys() == [f"daily:participant:{ana.pk}:2027-03-15", f"daily:participant:{luis.pk}:2027-03-15"]


def test_daily_schedule_before_the_change_uses_standard_time(two_zones):
    ana, _luis = two_zones
    program, stop = ana.program, ana.program.stops.get()
    confirmed_item(program, stop, DST_SUNDAY, 11, title="River Walk")
    # Saturday 13 March is still standard time: 19:00 CST is 01:00 UTC on Sunday.

    early = _queue_at(utc(2027, 3, 14, 0, 59))
    due = _queue_at(utc(2027, 3, 14, 1, 0))

    assert (early, due) == (0, 1)
    assert _daily_keys() == [f"daily:participant:{ana.pk}:2027-03-14"]


def test_daily_schedule_is_queued_once_however_often_the_task_runs(two_zones):
    _queue_at(utc(2027, 3, 15, 0, 0))

    again = _queue_at(utc(2027, 3, 15, 0, 5))
    later = _queue_at(utc(2027, 3, 15, 4, 55))

    assert (again, later) == (0, 1)  # the later run finds only the Los Angeles group due
    assert Notification.objects.filter(kind=NotificationKind.DAILY_SCHEDULE).count() == 2


def test_daily_schedule_lists_tomorrows_items_with_place_pickup_and_personal_link(council):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana", last_name="Rojas")
    confirmed_item(
        program,
        stop,
        MONDAY,
        9,
        title="District attorney's office",
        pickup_at=at(MONDAY, 8, 30),
        pickup_location="Hotel lobby",
    )
    confirmed_item(program, stop, MONDAY + dt.timedelta(days=1), 9, title="Not tomorrow")
    confirmed_item(program, stop, MONDAY, 14, title="Only an idea", status="idea")

    _queue_at(utc(2027, 3, 15, 0, 0))

    message = Notification.objects.get()
    assert message.subject == "Your schedule for Monday 15 March in San Antonio"
    assert (message.recipient_id, message.recipient_name) == (ana.pk, "Ana Rojas")
    assert message.essential is False
    assert "09:00–10:00 CDT  District attorney's office" in message.body_text
    assert "Place: Venue" in message.body_text
    assert "300 Alamo Plaza" in message.body_text
    assert "Pick-up: 08:30 CDT, Hotel lobby" in message.body_text
    assert "Not tomorrow" not in message.body_text
    assert "Only an idea" not in message.body_text
    assert "http://127.0.0.1:8000/v/" in message.body_text
    assert "/outbox/unsubscribe/" in message.body_text


def test_daily_schedule_ics_attachment_parses_with_the_days_items(council):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Ana")
    item = confirmed_item(program, stop, MONDAY, 9, title="District attorney's office")

    _queue_at(utc(2027, 3, 15, 0, 0))

    attachment = Notification.objects.get().attachments[0]
    calendar = Calendar.from_ical(attachment["content"])
    events = calendar.walk("VEVENT")
    assert (attachment["filename"], attachment["mimetype"]) == ("schedule-2027-03-15.ics", "text/calendar")
    assert [str(event["summary"]) for event in events] == ["District attorney's office"]
    assert events[0].decoded("dtstart") == item.starts_at
    assert events[0].decoded("dtend") == item.ends_at
    assert str(events[0]["uid"]) == f"item-{item.pk}@127.0.0.1"


def test_daily_schedule_in_spanish_for_a_spanish_speaker(council):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Lucía", preferred_language="es")
    confirmed_item(program, stop, MONDAY, 9, title="Fiscalía del condado")

    _queue_at(utc(2027, 3, 15, 0, 0))

    message = Notification.objects.get()
    assert message.language == "es"
    assert message.subject == "Su programa del lunes 15 de marzo en San Antonio"
    assert message.body_text.startswith("Hola, Lucía:")
    assert "Lugar: Venue" in message.body_text


def test_daily_schedule_reaches_program_staff_with_the_whole_group_view(council):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana")
    interpreter = ProgramStaffMemberFactory(program=program, name="Marta Interpreter")
    confirmed_item(program, stop, MONDAY, 9, title="Subgroup visit", whole_group=False)  # nobody in it

    _queue_at(utc(2027, 3, 15, 0, 0))

    assert _daily_keys() == [f"daily:program_staff:{interpreter.pk}:2027-03-15"]
    assert ana.pk  # the participant attends nothing that day and gets no message


def test_daily_schedule_is_not_written_for_a_person_who_opted_out(council):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Ana", notifications_opt_out=True)
    confirmed_item(program, stop, MONDAY, 9)

    assert _queue_at(utc(2027, 3, 15, 0, 0)) == 0


def test_daily_schedule_in_quiet_hours_waits_until_they_end(council):
    council.daily_schedule_time = dt.time(22, 30)
    council.save()
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Ana")
    confirmed_item(program, stop, MONDAY, 9)

    _queue_at(utc(2027, 3, 15, 3, 30))  # 22:30 CDT on Sunday, inside the default quiet hours 21:00–07:00

    message = Notification.objects.get()
    assert message.state == NotificationState.QUEUED
    assert message.send_after == at(MONDAY, 7, 0)


def test_preview_renders_tomorrow_without_queuing(council):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana")
    confirmed_item(program, stop, MONDAY, 9, title="District attorney's office")

    preview = daily_schedule.preview(ana, MONDAY)

    assert preview["subject"] == "Your schedule for Monday 15 March in San Antonio"
    assert "District attorney&#x27;s office" in preview["body_html"]
    assert Notification.objects.count() == 0


def test_daily_schedule_omits_subgroup_items_of_others_and_names_no_other_visitor(council):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Ana", last_name="Rojas")
    luis = visitor(program, first_name="Luis", last_name="Vega", dietary_needs="Vegetarian")
    confirmed_item(program, stop, MONDAY, 9, title="Whole group briefing")
    private = confirmed_item(program, stop, MONDAY, 14, title="Medical appointment", whole_group=False)
    private.participants.add(luis)

    _queue_at(utc(2027, 3, 15, 0, 0))

    ana_message = Notification.objects.get(recipient_name="Ana Rojas")
    assert "Whole group briefing" in ana_message.body_text
    assert "Medical appointment" not in ana_message.body_text
    assert "Medical appointment" not in ana_message.attachments[0]["content"]
    assert "Luis" not in ana_message.body_text + ana_message.body_html
    assert "Medical appointment" in Notification.objects.get(recipient_name="Luis Vega").body_text


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("pt", "Sua programação de segunda-feira, 15 de março em San Antonio"),
        ("fr", "Votre programme du lundi 15 mars à San Antonio"),
    ],
)
def test_daily_schedule_subject_in_portuguese_and_french(council, language, subject):
    program, stop = program_under_way(council=council)
    visitor(program, first_name="Joana", preferred_language=language)
    confirmed_item(program, stop, MONDAY, 9)

    _queue_at(utc(2027, 3, 15, 0, 0))

    assert Notification.objects.get().subject == subject
