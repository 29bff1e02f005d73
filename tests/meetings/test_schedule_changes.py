"""Schedules that never go wrong silently: copying a day lands on the stop staff choose; changing a stop's time
zone asks what its items keep; the meeting request form accepts its own default answer-by date."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem, MeetingRequest
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
    ItineraryItemFactory,
    ProgramFactory,
    StopFactory,
    local,
)
from tests.programs.test_views import program_data

pytestmark = pytest.mark.django_db

MOUNTAIN = zoneinfo.ZoneInfo("America/Denver")
ARRIVAL = dt.date(2027, 6, 3)


@pytest.fixture
def program(council):
    return ProgramFactory(council=council, arrival_date=ARRIVAL, departure_date=dt.date(2027, 6, 10))


@pytest.fixture
def san_antonio(program):
    return StopFactory(program=program, city="San Antonio", start_date=ARRIVAL, end_date=dt.date(2027, 6, 7))


@pytest.fixture
def el_paso(program):
    """The next stop, on Mountain time; the travel day (7 June) belongs to both stops."""
    return StopFactory(
        program=program,
        city="El Paso",
        start_date=dt.date(2027, 6, 7),
        end_date=program.departure_date,
        time_zone="America/Denver",
    )


def _copy_day(client, program, day, **data):
    return client.post(reverse("copying:day", kwargs={"program_id": program.pk, "day": day.isoformat()}), data)


# Copying a day to a stop


def test_copying_a_day_to_another_stop_puts_the_items_there_at_the_same_local_times(
    staff_client, program, san_antonio, el_paso
):
    day = dt.date(2027, 6, 4)
    ItineraryItemFactory(
        program=program, stop=san_antonio, title="Morning", starts_at=local(day, 9), ends_at=local(day, 10)
    )
    ItineraryItemFactory(
        program=program, stop=san_antonio, title="Lunch", starts_at=local(day, 12), ends_at=local(day, 13)
    )

    response = _copy_day(staff_client, program, day, to_day="2027-06-08", to_stop=el_paso.pk)

    assert response.status_code == 302
    copies = ItineraryItem.objects.filter(stop=el_paso).order_by("starts_at")
    target = dt.date(2027, 6, 8)
    assert [(c.title, c.starts_at, c.ends_at) for c in copies] == [
        ("Morning", local(target, 9, tz=MOUNTAIN), local(target, 10, tz=MOUNTAIN)),
        ("Lunch", local(target, 12, tz=MOUNTAIN), local(target, 13, tz=MOUNTAIN)),
    ]
    assert ItineraryItem.objects.filter(stop=san_antonio).count() == 2  # the originals stay
    assert all("Copied from" in ItemChange.objects.get(item=copy).note for copy in copies)


def test_copying_a_day_defaults_to_the_stop_covering_the_target_day(staff_client, program, san_antonio, el_paso):
    day = dt.date(2027, 6, 4)
    ItineraryItemFactory(program=program, stop=san_antonio, starts_at=local(day, 9), ends_at=local(day, 10))

    _copy_day(staff_client, program, day, to_day="2027-06-09")  # only El Paso covers 9 June

    copy = ItineraryItem.objects.get(stop=el_paso)
    assert copy.starts_at == local(dt.date(2027, 6, 9), 9, tz=MOUNTAIN)


def test_copying_onto_a_travel_day_asks_which_stop(staff_client, program, san_antonio, el_paso):
    day = dt.date(2027, 6, 4)
    ItineraryItemFactory(program=program, stop=san_antonio, starts_at=local(day, 9), ends_at=local(day, 10))

    response = _copy_day(staff_client, program, day, to_day="2027-06-07")

    assert response.status_code == 200
    assert response.context["form"].errors["to_stop"] == [
        "Several stops cover 2027-06-07 (San Antonio, El Paso): choose the stop to copy to."
    ]
    assert ItineraryItem.objects.count() == 1


def test_copying_to_a_stop_that_does_not_cover_the_day_is_refused(staff_client, program, san_antonio, el_paso):
    day = dt.date(2027, 6, 4)
    ItineraryItemFactory(program=program, stop=san_antonio, starts_at=local(day, 9), ends_at=local(day, 10))

    response = _copy_day(staff_client, program, day, to_day="2027-06-05", to_stop=el_paso.pk)

    assert response.context["form"].errors["to_stop"] == ["El Paso does not cover 2027-06-05."]
    assert ItineraryItem.objects.count() == 1


def test_the_copy_day_page_offers_the_programs_stops(staff_client, program, san_antonio, el_paso):
    response = staff_client.get(reverse("copying:day", kwargs={"program_id": program.pk, "day": "2027-06-04"}))

    body = response.content.decode()
    assert "The stop covering that day" in body
    assert "El Paso (2027-06-07 – 2027-06-10, America/Denver)" in body


# Changing a stop's time zone


def _edit_stop_zone(client, program, stop, time_zone, **extra):
    data = program_data(
        {
            "id": stop.pk,
            "program": program.pk,
            "city": stop.city,
            "start_date": stop.start_date.isoformat(),
            "end_date": stop.end_date.isoformat(),
            "time_zone": time_zone,
            **extra,
        },
        title=program.title,
        arrival_date=program.arrival_date.isoformat(),
        departure_date=program.departure_date.isoformat(),
        **{"stops-INITIAL_FORMS": "1"},
    )
    return client.post(reverse("programs:program_edit", args=[program.pk]), data)


@pytest.fixture
def meeting(program, san_antonio):
    day = dt.date(2027, 6, 4)
    return ItineraryItemFactory(
        program=program,
        stop=san_antonio,
        title="District attorney",
        status=ItemStatus.CONFIRMED,
        starts_at=local(day, 9),
        ends_at=local(day, 10),
        pickup_at=local(day, 8, 30),
    )


def test_changing_the_zone_of_a_stop_with_items_asks_what_they_keep(staff_client, program, san_antonio, meeting):
    response = _edit_stop_zone(staff_client, program, san_antonio, "America/Denver")

    assert response.status_code == 200
    body = response.content.decode()
    assert "The time zone changes: what do this stop&#x27;s items keep?" in body
    [form] = [form for form in response.context["stop_formset"].forms if form.instance.pk]
    assert form.errors["zone_change"] == [
        "The time zone of San Antonio changes from America/Chicago and it has items: choose whether they keep "
        "their local times or their moments."
    ]
    san_antonio.refresh_from_db()
    assert san_antonio.time_zone == "America/Chicago"


def test_the_question_is_not_shown_when_the_zone_does_not_change(staff_client, program, san_antonio, meeting):
    edit = staff_client.get(reverse("programs:program_edit", args=[program.pk])).content.decode()
    response = _edit_stop_zone(staff_client, program, san_antonio, "America/Chicago")

    assert "what do this stop" not in edit
    assert response.status_code == 302


def test_a_stop_without_items_changes_its_zone_without_a_question(staff_client, program, san_antonio):
    response = _edit_stop_zone(staff_client, program, san_antonio, "America/Denver")

    assert response.status_code == 302
    san_antonio.refresh_from_db()
    assert san_antonio.time_zone == "America/Denver"


def test_keeping_the_local_times_moves_the_items_to_the_same_clock_time(
    staff_client, program, san_antonio, meeting, staff
):
    slot = HospitalitySlotFactory(
        program=program,
        stop=san_antonio,
        starts_at=local(dt.date(2027, 6, 5), 18),
        ends_at=local(dt.date(2027, 6, 5), 21),
        invitation_deadline=local(dt.date(2027, 6, 1), 23, 59),
    )
    version = meeting.version

    response = _edit_stop_zone(staff_client, program, san_antonio, "America/Denver", zone_change="keep_local_times")

    assert response.status_code == 302
    meeting.refresh_from_db()
    day = dt.date(2027, 6, 4)
    assert (meeting.starts_at, meeting.ends_at, meeting.pickup_at) == (
        local(day, 9, tz=MOUNTAIN),
        local(day, 10, tz=MOUNTAIN),
        local(day, 8, 30, tz=MOUNTAIN),
    )
    assert meeting.version == version + 1  # through the item writer
    change = ItemChange.objects.filter(item=meeting).latest("pk")
    assert change.user == staff
    assert change.note == (
        "The time zone of San Antonio changed from America/Chicago to America/Denver; the local times were kept."
    )
    slot.refresh_from_db()
    assert (slot.starts_at, slot.invitation_deadline) == (
        local(dt.date(2027, 6, 5), 18, tz=MOUNTAIN),
        local(dt.date(2027, 6, 1), 23, 59, tz=MOUNTAIN),
    )


def test_keeping_the_moments_moves_nothing(staff_client, program, san_antonio, meeting):
    before = (meeting.starts_at, meeting.ends_at, meeting.pickup_at, meeting.version)

    response = _edit_stop_zone(staff_client, program, san_antonio, "America/Denver", zone_change="keep_moments")

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.pickup_at, meeting.version) == before
    # The same instant now reads an hour earlier on the stop's new clock.
    assert meeting.starts_at.astimezone(MOUNTAIN).time() == dt.time(8, 0)
    san_antonio.refresh_from_db()
    assert san_antonio.time_zone == "America/Denver"


# The meeting request form's default


def _rendered_deadline(body):
    return re.search(r'name="deadline" value="([^"]+)"', body).group(1)


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2027, 5, 1, 15, tzinfo=dt.UTC),  # weeks before the meeting (4 June, 09:00 CDT): a week before
        dt.datetime(2027, 6, 1, 15, tzinfo=dt.UTC),  # three days before
        dt.datetime(2027, 6, 3, 20, tzinfo=dt.UTC),  # the evening before: the old default was the meeting's start
        dt.datetime(2027, 6, 4, 13, 40, tzinfo=dt.UTC),  # 20 minutes before
    ],
)
def test_the_request_forms_default_answer_by_date_submits_unchanged(
    staff_client, staff, program, san_antonio, meeting, now
):
    contact = ContactFactory(organization__council=program.council)
    meeting.contacts.add(contact)
    url = reverse("meeting_requests:new", kwargs={"item_id": meeting.pk})

    with time_machine.travel(now, tick=False):
        staff_client.force_login(staff)  # a session of that day
        page = staff_client.get(url)
        deadline = _rendered_deadline(page.content.decode())
        response = staff_client.post(url, {"contact": contact.pk, "deadline": deadline, "message": ""})

    assert response.status_code == 302, response.context["form"].errors
    sent = MeetingRequest.objects.get()
    assert now < sent.deadline < meeting.starts_at
    if now.date() == dt.date(2027, 5, 1):
        assert sent.deadline == meeting.starts_at - dt.timedelta(days=7)
