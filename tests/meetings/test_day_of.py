"""The escort's day on a phone: now and next in the stop's local time, whom to call, and "running late by N
minutes", which moves only what is still to come today, through the item service, so that everyone is told."""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem
from notifications import change_notices
from notifications.models import PendingChange
from tests.notifications.factories import at, confirmed_item, program_under_way
from tests.notifications.item_world import MONDAY, meeting_with_everyone, notices

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
EIGHT = at(MONDAY, 8)  # Monday 08:00 CDT: the meeting (09:30) has not started


def _today_url(program):
    return reverse("meetings:today", kwargs={"program_id": program.pk})


def _late_url(program):
    return reverse("meetings:running_late", kwargs={"program_id": program.pk})


@contextmanager
def signed_in_at(client, user, moment):
    """The test clock at ``moment``, with a session of that day."""
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        yield client


@pytest.fixture
def day(council):
    """Monday of a program in San Antonio: an item running at 09:30, the next at 11:00, a cancelled one at 12:00,
    one in the afternoon, and Tuesday's first."""
    program, stop = program_under_way(council=council, title="Combating Trafficking in Persons")
    items = {
        title: confirmed_item(program, stop, day_, hour, title=title, status=status)
        for title, day_, hour, status in [
            ("Task force briefing", MONDAY, 9, ItemStatus.CONFIRMED),
            ("Express-News data desk", MONDAY, 11, ItemStatus.CONFIRMED),
            ("County court", MONDAY, 12, ItemStatus.CANCELLED),
            ("River Walk", MONDAY, 15, ItemStatus.IDEA),
            ("Coach to Laredo", TUESDAY, 7, ItemStatus.CONFIRMED),
        ]
    }
    return program, items


def test_the_day_shows_now_and_next_in_the_stops_local_time(client, staff, day):
    program, items = day

    with signed_in_at(client, staff, at(MONDAY, 9, 30)):
        response = client.get(_today_url(program))

    assert response.status_code == 200
    shown = response.context["day"]
    assert shown.current == [items["Task force briefing"]]
    assert shown.next_item == items["Express-News data desk"]
    assert [item.title for item in shown.items] == [
        "Task force briefing",
        "Express-News data desk",
        "County court",
        "River Walk",
    ]
    page = response.content.decode()
    assert "the local time of the stop (America/Chicago). It is 09:30 CDT now." in page
    assert "until 10:00 CDT" in page
    now_next = page[page.index('id="now-next-title"') : page.index('id="late-title"')]
    assert "Task force briefing" in now_next
    assert "Express-News data desk</a>, 11:00" in now_next
    assert "County court" not in now_next  # cancelled: neither now nor next
    assert ">09:00–10:00 CDT</time>" in page


def test_after_the_days_last_item_next_is_tomorrows_first(client, staff, day):
    program, items = day

    with signed_in_at(client, staff, at(MONDAY, 17, 30)):
        response = client.get(_today_url(program))

    assert response.context["day"].current == []
    assert response.context["day"].next_item == items["Coach to Laredo"]
    assert response.context["day"].to_come == []
    assert "No item of today is still to come." in response.content.decode()


def test_the_day_has_tap_to_call_links_for_hosts_driver_and_interpreter(client, staff, council):
    meeting = meeting_with_everyone(council)
    dana = meeting.contacts.get(name="Dana Cruz")
    dana.phone = "+12105550101"
    dana.save()
    meeting.transport_vendor.phone = "+12105550142"
    meeting.transport_vendor.save()
    meeting.interpreter.phone = "+12105550177"
    meeting.interpreter.save()

    with signed_in_at(client, staff, EIGHT):
        page = client.get(_today_url(meeting.program)).content.decode()

    for number in ("+12105550101", "+12105550142", "+12105550177"):
        assert f'href="tel:{number}"' in page
    assert "Lee Park" in page
    assert "no phone number" in page


def test_running_late_moves_only_what_is_still_to_come_today_and_everyone_is_told(client, staff, council):
    meeting = meeting_with_everyone(council)  # Monday 09:30–10:30 CDT, confirmed
    meeting.pickup_at = at(MONDAY, 9, 10)
    meeting.save()
    program, stop = meeting.program, meeting.stop
    started = confirmed_item(program, stop, MONDAY, 7, title="Breakfast briefing")  # 07:00–08:00: under way
    idea = confirmed_item(program, stop, MONDAY, 16, title="Free time at the Pearl", status=ItemStatus.IDEA)
    cancelled = confirmed_item(program, stop, MONDAY, 13, title="County court", status=ItemStatus.CANCELLED)
    declined = confirmed_item(program, stop, MONDAY, 14, title="Shelter visit", status=ItemStatus.DECLINED)
    tomorrow = confirmed_item(program, stop, TUESDAY, 9, title="Coach to Laredo")
    untouched = {
        item.pk: (item.starts_at, item.version, item.sequence) for item in (started, cancelled, declined, tomorrow)
    }
    before = {item.pk: (item.version, item.sequence) for item in (meeting, idea)}

    with signed_in_at(client, staff, at(MONDAY, 8, 5)):
        response = client.post(_late_url(program), {"minutes": "15"})

    assert response.status_code == 302
    meeting.refresh_from_db()
    idea.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (at(MONDAY, 9, 45), at(MONDAY, 10, 45))
    assert meeting.pickup_at == at(MONDAY, 9, 25)
    assert (idea.starts_at, idea.ends_at) == (at(MONDAY, 16, 15), at(MONDAY, 17, 15))
    for item in (meeting, idea):
        assert (item.version, item.sequence) == (before[item.pk][0] + 1, before[item.pk][1] + 1)
        change = item.changes.first()
        assert change.user == staff
        assert change.note == "Running late by 15 minutes"
        assert set(change.changes) >= {"starts_at", "ends_at"}
    assert meeting.changes.first().changes["starts_at"] == ["03/15/2027 09:30 CDT", "03/15/2027 09:45 CDT"]
    for item in ItineraryItem.objects.filter(pk__in=untouched):
        assert (item.starts_at, item.version, item.sequence) == untouched[item.pk]
        assert not item.changes.filter(note__startswith="Running late").exists()
    assert AuditEvent.objects.filter(action="report running late", object_id=str(program.pk)).exists()

    # The confirmed meeting's notices wait for the merge window, then go to everyone it concerns, once each.
    assert PendingChange.objects.filter(item=meeting).exists()
    assert not PendingChange.objects.filter(item=idea).exists()  # nobody hears of an idea
    window = dt.timedelta(minutes=settings.NOTIFICATION_CHANGE_WINDOW_MINUTES)
    assert change_notices.flush_due(now=at(MONDAY, 8, 5) + window - dt.timedelta(minutes=1)) == 0
    queued = change_notices.flush_due(now=at(MONDAY, 8, 5) + window + dt.timedelta(minutes=1))

    told = sorted(notice.recipient_email for notice in notices())
    assert told == [
        "ana@example.com",  # visitors
        "dana@da.example.org",  # host contacts
        "dispatch@coaches.example.com",  # the transport vendor
        "eli@example.com",  # the escort (program staff)
        "joana@example.com",
        "lee@da.example.org",
        "marta@example.com",  # the interpreter
    ]
    assert queued == len(told)
    english = next(notice for notice in notices() if notice.recipient_email == "ana@example.com")
    assert "09:30 CDT → Mon 15 Mar, 09:45 CDT" in english.body_text


def test_a_double_tap_moves_the_day_once(client, staff, day):
    program, items = day
    with signed_in_at(client, staff, at(MONDAY, 9, 30)):
        shown = client.get(_today_url(program)).context["late_form"].initial["shown"]
        first = client.post(_late_url(program), {"minutes": "20", "shown": shown})
        second = client.post(_late_url(program), {"minutes": "20", "shown": shown})

    assert first.status_code == second.status_code == 302
    data_desk = ItineraryItem.objects.get(pk=items["Express-News data desk"].pk)
    assert data_desk.starts_at == at(MONDAY, 11, 20)
    assert data_desk.changes.filter(note="Running late by 20 minutes").count() == 1


@pytest.mark.parametrize("minutes", ["4", "181", "", "ten"])
def test_running_late_asks_for_5_to_180_minutes(client, staff, day, minutes):
    program, items = day

    with signed_in_at(client, staff, at(MONDAY, 9, 30)):
        response = client.post(_late_url(program), {"minutes": minutes})

    assert response.status_code == 400
    assert response.context["late_form"].errors
    assert ItineraryItem.objects.get(pk=items["Express-News data desk"].pk).starts_at == at(MONDAY, 11)
    assert not ItemChange.objects.filter(note__startswith="Running late").exists()


def test_another_councils_staff_get_404_and_move_nothing(client, other_staff, day):
    program, items = day

    with signed_in_at(client, other_staff, at(MONDAY, 9, 30)):
        page = client.get(_today_url(program))
        late = client.post(_late_url(program), {"minutes": "15"})

    assert (page.status_code, late.status_code) == (404, 404)
    assert ItineraryItem.objects.get(pk=items["Express-News data desk"].pk).starts_at == at(MONDAY, 11)


def test_the_program_menu_leads_to_the_day(staff_client, day):
    program, _items = day

    page = staff_client.get(reverse("programs:program", kwargs={"program_id": program.pk})).content.decode()

    assert f'href="{_today_url(program)}"' in page


def test_item_history_names_meeting_request_steps_in_words(staff_client, day):
    _program, items = day
    item = items["Express-News data desk"]
    ItemChange.objects.create(
        item=item,
        actor_label="Dana Cruz",
        changes={"meeting_request": ["Pending", "Other time proposed"], "proposed_time": ["", "03/16/2027 10:00 CDT"]},
    )

    page = staff_client.get(reverse("meetings:item", kwargs={"item_id": item.pk})).content.decode()

    assert "Meeting request: Pending → Other time proposed" in page
    assert "Proposed time: — → 03/16/2027 10:00 CDT" in page
    assert "Meeting_request" not in page
    assert "Proposed_time" not in page
