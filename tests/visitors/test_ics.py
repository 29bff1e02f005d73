import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.enums import ItemStatus
from programs.links import make_token
from tests.factories import ItineraryItemFactory, ParticipantFactory, StopFactory, VenueFactory
from tests.visitors.conftest import DAY_2, make_item

pytestmark = pytest.mark.django_db


def feed(client, holder):
    response = client.get(reverse("visitors:calendar", kwargs={"token": make_token(holder)}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar):
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_one_event_per_item_in_the_stops_time_zone(client, participant, day_items, settings):
    settings.SITE_URL = "https://exchange.example.org"

    calendar = feed(client, participant)

    events = events_by_summary(calendar)
    assert sorted(events) == sorted(item.title for item in day_items.values())
    newsroom = events["Newsroom: a labor-trafficking case study"]
    assert newsroom["dtstart"].params["TZID"] == "America/Chicago"
    assert newsroom["dtstart"].dt == dt.datetime(2027, 3, 2, 11, tzinfo=newsroom["dtstart"].dt.tzinfo)
    assert newsroom["dtstart"].dt.utcoffset() == dt.timedelta(hours=-6)
    assert newsroom["dtend"].dt.utcoffset() == dt.timedelta(hours=-6)
    assert str(newsroom["uid"]) == f"item-{day_items['newsroom'].pk}@exchange.example.org"
    assert str(newsroom["location"]) == "Express-News building, 200 Avenue E, San Antonio"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert calendar["refresh-interval"].dt == dt.timedelta(hours=1)


def test_the_feed_describes_only_visitor_facing_details(client, participant, day_items):
    calendar = feed(client, participant)

    description = str(events_by_summary(calendar)["Newsroom: a labor-trafficking case study"]["description"])
    assert description == (
        "Meeting\n"
        "Host: San Antonio Express-News\n"
        "You meet: Dana Reyes, Data editor\n"
        "Dress code: Business attire\n"
        "What to bring: Photo ID\n"
        "Meet in the lobby."
    )


def test_the_feed_is_written_in_the_holders_language(client, program, stop):
    participant = ParticipantFactory(program=program, preferred_language="es")
    make_item(program, stop, "Cena", DAY_2, 19, kind="meal", dress_code="Informal")

    description = str(events_by_summary(feed(client, participant))["Cena"]["description"])

    assert description == "Comida\nVestimenta: Informal"


def test_a_moved_item_keeps_its_uid_with_a_higher_sequence(client, participant, day_items):
    before = events_by_summary(feed(client, participant))["Lunch on the River Walk"]
    lunch = day_items["lunch"]
    lunch.starts_at += dt.timedelta(hours=1)
    lunch.ends_at += dt.timedelta(hours=1)
    lunch.sequence += 1  # as the itinerary service does when the time changes
    lunch.save()

    after = events_by_summary(feed(client, participant))["Lunch on the River Walk"]

    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] == before["sequence"] + 1 == 1
    assert after["dtstart"].dt.hour == 14


def test_a_cancelled_item_is_sent_as_cancelled(client, participant, program, stop):
    make_item(program, stop, "County court visit", DAY_2, 15, status=ItemStatus.CANCELLED, sequence=2)

    event = events_by_summary(feed(client, participant))["County court visit"]

    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 2


def test_each_stop_keeps_its_own_time_zone(client, council, program, participant):
    chicago = StopFactory(program=program, city="St. Louis", end_date=DAY_2, time_zone="America/Chicago")
    denver = StopFactory(
        program=program, city="Denver", start_date=DAY_2, end_date=program.departure_date, time_zone="America/Denver"
    )
    make_item(program, chicago, "Gateway Arch", DAY_2, 9)
    venue = VenueFactory(council=council, latitude="39.739200", longitude="-104.990300")
    ItineraryItemFactory(
        program=program,
        stop=denver,
        title="Colorado Coalition",
        starts_at=dt.datetime(2027, 3, 2, 23, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 3, 3, 0, tzinfo=dt.UTC),
        venue=venue,
    )

    calendar = feed(client, participant)

    events = events_by_summary(calendar)
    assert events["Gateway Arch"]["dtstart"].params["TZID"] == "America/Chicago"
    denver_event = events["Colorado Coalition"]
    assert denver_event["dtstart"].params["TZID"] == "America/Denver"
    assert (denver_event["dtstart"].dt.hour, denver_event["dtstart"].dt.minute) == (16, 0)
    assert (denver_event["geo"].latitude, denver_event["geo"].longitude) == (39.7392, -104.9903)
    assert sorted(str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")) == ["America/Chicago", "America/Denver"]


def test_program_staff_get_the_whole_program(client, program, stop, participant, interpreter):
    subset = make_item(program, stop, "Shelter visit for two", DAY_2, 15, whole_group=False)
    make_item(program, stop, "Program briefing", DAY_2, 9)

    assert sorted(events_by_summary(feed(client, interpreter))) == ["Program briefing", "Shelter visit for two"]
    assert sorted(events_by_summary(feed(client, participant))) == ["Program briefing"]
    assert subset.participants.count() == 0


@pytest.mark.parametrize("count", [10, 200])
def test_the_feed_reads_a_fixed_number_of_queries(client, participant, program, stop, count, django_assert_num_queries):
    for index in range(count):
        make_item(program, stop, f"Meeting {index}", DAY_2, 6 + (index * 4) // 60, (index * 4) % 60)
    url = reverse("visitors:calendar", kwargs={"token": make_token(participant)})

    # holder with program and council; items with their stop, venue, host and interpreter; their contacts
    with django_assert_num_queries(3):
        response = client.get(url)

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count


def test_an_unchanged_feed_comes_from_the_cache_and_answers_not_modified(
    client, participant, day_items, page_cache, django_assert_num_queries
):
    url = reverse("visitors:calendar", kwargs={"token": make_token(participant)})
    first = client.get(url)

    # the holder with program and council (whose data version names the copy)
    with django_assert_num_queries(1):
        second = client.get(url)
    revalidated = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert revalidated.status_code == 304
    assert revalidated.content == b""


def test_a_changed_item_is_in_the_feed_at_once(client, participant, day_items, page_cache):
    url = reverse("visitors:calendar", kwargs={"token": make_token(participant)})
    first = client.get(url)
    lunch = day_items["lunch"]
    lunch.title = "Lunch at the Mercado"
    with page_cache.commit():
        lunch.save()

    second = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Lunch at the Mercado" in events_by_summary(Calendar.from_ical(second.content))


def test_a_changed_place_host_or_contact_is_in_the_feed_at_once(client, participant, day_items, page_cache):
    feed(client, participant)
    newsroom = day_items["newsroom"]
    contact = newsroom.contacts.get()
    with page_cache.commit():
        newsroom.venue.name = "Express-News tower"
        newsroom.venue.save()
        newsroom.host_organization.name = "Express-News Media"
        newsroom.host_organization.save()
        contact.title = "Managing editor"
        contact.save()

    event = events_by_summary(feed(client, participant))["Newsroom: a labor-trafficking case study"]

    assert str(event["location"]) == "Express-News tower, 200 Avenue E, San Antonio"
    assert str(event["description"]).splitlines()[1:3] == [
        "Host: Express-News Media",
        "You meet: Dana Reyes, Managing editor",
    ]
