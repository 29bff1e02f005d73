"""One journey for the visitor (``journeys.visitor_journey``): a traveller's link, or the link any council gave
their row in its segment, opens one Today page, one program and one calendar feed across every city of the
national program, each item in its own city's zone, the legs between cities in both.

The route: San Antonio (Central, 1–4 March 2027), then St. Louis (Central, 4–7 March; a morning flight on the
4th), then Washington (Eastern, 8–10 March; an overnight coach from St. Louis on the 7th). Lucía travels the
whole route; Rafael only the San Antonio segment.
"""

import datetime as dt
import re
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from councils.enums import StaffRole
from journeys import visitor_journey
from journeys.enums import TravelMode
from journeys.models import Agency, NationalProgram, Segment, Traveller
from journeys.services import accept_segment
from meetings import services as itinerary
from meetings.enums import ItemKind, ItemStatus
from notifications.ics import item_uid
from programs.links import make_token, revoke_link
from programs.models import Participant
from tests.factories import (
    CouncilFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
)

pytestmark = pytest.mark.django_db

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
EASTERN = zoneinfo.ZoneInfo("America/New_York")
MARCH = {day: dt.date(2027, 3, day) for day in range(1, 11)}
# The hand-over day: Thursday 4 March 2027, noon in San Antonio and St. Louis.
HAND_OVER_NOON = dt.datetime(2027, 3, 4, 12, tzinfo=CENTRAL)


def at(day, hour, minute=0, tz=CENTRAL):
    return dt.datetime.combine(MARCH[day], dt.time(hour, minute), tzinfo=tz)


def page_text(response):
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def item_titles(response):
    return re.findall(r'<h3 id="item-\d+-title">(?:<del>)?([^<]+)', response.content.decode())


def url(name, token):
    return reverse(f"visitors:{name}", kwargs={"token": token})


def feed_events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(event["summary"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def _item(program, title, starts_at, ends_at=None, **extra):
    return ItineraryItemFactory(
        program=program,
        stop=program.stops.get(),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + dt.timedelta(hours=1),
        **extra,
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def route(council, other_council):
    """The national program as the agency sent it and the three councils accepted it (``accept_segment`` makes
    each council's program, its stop and a participant row for each traveller)."""
    washington = CouncilFactory(name="Washington CIV", slug="dc-civ", city="Washington", time_zone="America/New_York")
    agency = Agency.objects.create(name="Northfield International Programs", slug="northfield", time_zone="UTC")
    national_program = NationalProgram.objects.create(
        agency=agency,
        title="Combating Trafficking in Persons (national)",
        arrival_date=MARCH[1],
        departure_date=MARCH[10],
    )
    lucia = Traveller.objects.create(
        national_program=national_program, full_name="Lucía Fernández", country="AR", language="en"
    )
    rafael = Traveller.objects.create(
        national_program=national_program, full_name="Rafael Gómez", country="UY", language="en"
    )
    segments = [
        Segment.objects.create(
            national_program=national_program,
            order=1,
            city="San Antonio",
            time_zone="America/Chicago",
            starts_on=MARCH[1],
            ends_on=MARCH[4],
            council=council,
            departure_mode=TravelMode.FLIGHT,
            departure_detail="AA 1504",
            departure_at=at(4, 9, 5),
        ),
        Segment.objects.create(
            national_program=national_program,
            order=2,
            city="St. Louis",
            time_zone="America/Chicago",
            starts_on=MARCH[4],
            ends_on=MARCH[7],
            council=other_council,
            arrival_mode=TravelMode.FLIGHT,
            arrival_detail="AA 1504",
            arrival_at=at(4, 10, 55),
            departure_mode=TravelMode.GROUND,
            departure_detail="Overnight coach, Gateway Transit",
            departure_at=at(7, 18, 30),
        ),
        Segment.objects.create(
            national_program=national_program,
            order=3,
            city="Washington",
            time_zone="America/New_York",
            starts_on=MARCH[8],
            ends_on=MARCH[10],
            council=washington,
            arrival_mode=TravelMode.GROUND,
            arrival_at=at(8, 9, 40, EASTERN),
        ),
    ]
    staff = {}
    for segment in segments:
        staff[segment.order] = StaffMembershipFactory(council=segment.council, role=StaffRole.ADMIN).user
        accept_segment(segment_id=segment.pk, council=segment.council, user=staff[segment.order])
        segment.refresh_from_db()
    san_antonio, st_louis, dc = (segment.program for segment in segments)
    # Rafael leaves the group after San Antonio: the other councils take him off their delegation.
    Participant.objects.filter(traveller=rafael).exclude(program=san_antonio).delete()
    rows = {
        (traveller.pk, row.program_id): row for traveller in (lucia, rafael) for row in traveller.participants.all()
    }
    return SimpleNamespace(
        national_program=national_program,
        segments=segments,
        san_antonio=san_antonio,
        st_louis=st_louis,
        washington=dc,
        lucia=lucia,
        rafael=rafael,
        lucia_in=lambda program: rows[(lucia.pk, program.pk)],
        rafael_in_san_antonio=rows[(rafael.pk, san_antonio.pk)],
        staff=staff,
    )


@pytest.fixture
def items(route):
    """What each city planned. The flight and the coach are the legs (under way at the segment's departure)."""
    sa, stl, dc = route.san_antonio, route.st_louis, route.washington
    shelter = _item(sa, "Shelter visit for Lucía", at(3, 15), whole_group=False)
    shelter.participants.add(route.lucia_in(sa))
    consulate = _item(sa, "Consulate appointment for Rafael", at(3, 16), whole_group=False)
    consulate.participants.add(route.rafael_in_san_antonio)
    return {
        "river_walk": _item(sa, "Afternoon on the River Walk", at(3, 13)),
        "shelter": shelter,
        "consulate": consulate,
        "transfer": _item(sa, "Transfer to the airport", at(4, 7, 15), at(4, 8, 0), kind=ItemKind.TRAVEL),
        "flight": _item(sa, "Flight to St. Louis", at(4, 9, 5), at(4, 10, 55), kind=ItemKind.TRAVEL),
        "lunch": _item(
            stl,
            "Welcome lunch at Union Station",
            at(4, 12, 30),
            internal_notes="Invoice the agency; the manager's cell is 314 555 0100.",
        ),
        "arch": _item(stl, "The Gateway Arch", at(5, 10)),
        "idea": _item(stl, "Maybe a ballgame", at(5, 19), status=ItemStatus.IDEA),
        "coach": _item(stl, "Overnight coach to Washington", at(7, 18, 30), at(8, 9, 40, EASTERN), kind="travel"),
        "briefing": _item(dc, "Briefing at the agency", at(8, 11, 0, EASTERN)),
        "capitol": _item(dc, "Visit to the Capitol", at(9, 10, 0, EASTERN), status=ItemStatus.CANCELLED),
    }


def lucia_token(route):
    """The link San Antonio gave Lucía: her row in its segment."""
    return make_token(route.lucia_in(route.san_antonio))


# The feed


def test_a_participants_feed_holds_every_citys_items_in_its_zone_with_the_items_own_uids(
    client, route, items, settings
):
    settings.SITE_URL = "https://exchange.example.org"

    events = feed_events(client.get(url("calendar", lucia_token(route))))

    assert sorted(events) == sorted(
        [
            "Afternoon on the River Walk",
            "Shelter visit for Lucía",
            "Transfer to the airport",
            "Flight to St. Louis",
            "Welcome lunch at Union Station",
            "The Gateway Arch",
            "Overnight coach to Washington",
            "Briefing at the agency",
            "Visit to the Capitol",
        ]
    )
    lunch, briefing = events["Welcome lunch at Union Station"], events["Briefing at the agency"]
    assert lunch["dtstart"].params["TZID"] == "America/Chicago"
    assert lunch["dtstart"].dt.strftime("%d %H:%M %Z") == "04 12:30 CST"
    assert briefing["dtstart"].params["TZID"] == "America/New_York"
    assert briefing["dtstart"].dt.strftime("%d %H:%M %Z") == "08 11:00 EST"
    for name, item in items.items():
        if str(item.title) in events:
            assert str(events[item.title]["uid"]) == f"item-{item.pk}@exchange.example.org", name
    assert str(events["Visit to the Capitol"]["status"]) == "CANCELLED"


def test_the_journey_keeps_the_uid_each_council_gives_an_item(client, route, items, settings):
    settings.SITE_URL = "https://exchange.example.org"
    interpreter = ProgramStaffMemberFactory(program=route.st_louis, name="Marta Ruiz")

    journey = feed_events(client.get(url("calendar", lucia_token(route))))
    st_louis_only = feed_events(client.get(url("calendar", make_token(interpreter))))

    assert str(journey["Welcome lunch at Union Station"]["uid"]) == str(
        st_louis_only["Welcome lunch at Union Station"]["uid"]
    )
    assert str(journey["The Gateway Arch"]["uid"]) == item_uid(items["arch"])
    assert "Afternoon on the River Walk" not in st_louis_only


def test_the_feed_writes_a_leg_across_zones_from_one_zone_to_the_other(client, route, items):
    events = feed_events(client.get(url("calendar", lucia_token(route))))

    coach = events["Overnight coach to Washington"]
    assert coach["dtstart"].params["TZID"] == "America/Chicago"
    assert coach["dtstart"].dt.strftime("%d %H:%M %Z") == "07 18:30 CST"
    assert coach["dtend"].params["TZID"] == "America/New_York"
    assert coach["dtend"].dt.strftime("%d %H:%M %Z") == "08 09:40 EST"
    calendar = Calendar.from_ical(client.get(url("calendar", lucia_token(route))).content)
    assert sorted(str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")) == ["America/Chicago", "America/New_York"]
    assert str(calendar["x-wr-calname"]) == "Combating Trafficking in Persons (national)"


# The pages


def test_the_program_page_shows_every_city_day_by_day_in_local_times(client, route, items):
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        response = client.get(url("program", lucia_token(route)))

    assert item_titles(response) == [
        "Afternoon on the River Walk",
        "Shelter visit for Lucía",
        "Transfer to the airport",
        "Flight to St. Louis",
        "Welcome lunch at Union Station",
        "The Gateway Arch",
        "Overnight coach to Washington",
        "Briefing at the agency",
        "Visit to the Capitol",
    ]
    text = page_text(response)
    assert "Combating Trafficking in Persons (national) Lucía Fernández" in text
    assert "12:30 p.m. – 1:30 p.m. CST Welcome lunch at Union Station" in text
    assert "11 a.m. – noon EST Briefing at the agency" in text
    assert "10 a.m. – 11 a.m. EST Visit to the Capitol Meeting Cancelled" in text


def test_a_leg_across_zones_shows_both_zones_and_the_next_day(client, route, items):
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        text = page_text(client.get(url("program", lucia_token(route))))

    assert "dep 6:30 p.m. CST → arr 9:40 a.m. EST +1 day Overnight coach to Washington" in text
    # The same-day flight: both ends in Central time, no day added; the transfer before it is not a leg.
    assert "dep 9:05 a.m. CST → arr 10:55 a.m. CST Flight to St. Louis" in text
    assert "7:15 a.m. – 8 a.m. CST Transfer to the airport" in text
    assert text.count("+1 day") == 1


def test_today_on_the_hand_over_day_shows_leaving_one_city_and_arriving_in_the_next(client, route, items):
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        response = client.get(url("today", lucia_token(route)))

    assert item_titles(response) == ["Transfer to the airport", "Flight to St. Louis", "Welcome lunch at Union Station"]
    text = page_text(response)
    assert "Today Thursday, March 4" in text
    assert (
        "Travel day Leaving San Antonio , 9:05 a.m. CST · Flight: AA 1504 "
        "Arriving in St. Louis , 10:55 a.m. CST · Flight: AA 1504"
    ) in text
    assert "Next: Welcome lunch at Union Station , 12:30 p.m. CST" in text


def test_today_across_zones_reads_the_arrival_in_the_next_citys_zone(client, route, items):
    # 8 March, 10:00 in Washington: the coach arrived at 9:40 EST, the briefing is next.
    with time_machine.travel(at(8, 10, 0, EASTERN), tick=False):
        text = page_text(client.get(url("today", lucia_token(route))))

    assert "Today Monday, March 8" in text
    assert "Travel day Arriving in Washington , 9:40 a.m. EST · Ground transport" in text
    assert "11 a.m. – noon EST Briefing at the agency" in text
    assert "Overnight coach to Washington" not in text.split("The day", 1)[1]


def test_the_traveller_link_the_agency_sends_shows_the_same_journey(client, route, items):
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        by_traveller = client.get(visitor_journey.traveller_link_path(route.lucia))
        by_st_louis_row = client.get(url("today", make_token(route.lucia_in(route.st_louis))))

    assert item_titles(by_traveller) == item_titles(by_st_louis_row)
    assert item_titles(by_traveller) == [
        "Transfer to the airport",
        "Flight to St. Louis",
        "Welcome lunch at Union Station",
    ]
    assert "Lucía Fernández" in page_text(by_traveller)


def test_the_people_page_shows_the_group_of_the_city_the_group_is_in(client, route, items):
    ParticipantFactory(program=route.st_louis, first_name="Ana", last_name="Pérez", country="BO")

    with time_machine.travel(at(5, 9), tick=False):
        text = page_text(client.get(url("people", visitor_journey.make_traveller_token(route.lucia))))

    assert "Lucía Fernández (you)" in text
    assert "Ana Pérez Bolivia" in text
    assert "Rafael Gómez" not in text


# Who sees what


def test_a_traveller_on_part_of_the_route_sees_only_that_part_and_only_their_own_items(client, route, items):
    rafael_token = make_token(route.rafael_in_san_antonio)

    with time_machine.travel(HAND_OVER_NOON, tick=False):
        rafael_pages = [client.get(url(name, rafael_token)) for name in ("program", "calendar")]
        rafael_pages.append(client.get(visitor_journey.traveller_link_path(route.rafael)))
        lucia_pages = [client.get(url(name, lucia_token(route))) for name in ("program", "calendar")]

    assert item_titles(rafael_pages[0]) == [
        "Afternoon on the River Walk",
        "Consulate appointment for Rafael",
        "Transfer to the airport",
        "Flight to St. Louis",
    ]
    for response in rafael_pages:
        body = response.content.decode()
        for elsewhere in ("Welcome lunch", "Gateway Arch", "Briefing at the agency", "Shelter visit for Lucía"):
            assert elsewhere not in body
    for response in lucia_pages:
        body = response.content.decode()
        assert "Consulate appointment for Rafael" not in body
        assert "Maybe a ballgame" not in body
        assert "314 555 0100" not in body


@pytest.mark.parametrize("page", ["today", "program", "people", "calendar"])
def test_a_revoked_traveller_link_is_refused(client, route, items, page):
    token = visitor_journey.make_traveller_token(route.lucia)
    visitor_journey.revoke_traveller_link(traveller=route.lucia)

    response = client.get(url(page, token))

    assert response.status_code == 404
    assert "Welcome lunch" not in response.content.decode()


def test_a_reissued_traveller_link_replaces_the_old_one(client, route, items):
    old = visitor_journey.make_traveller_token(route.lucia)

    visitor_journey.reissue_traveller_link(traveller=route.lucia)

    assert client.get(url("program", old)).status_code == 404
    new = visitor_journey.make_traveller_token(route.lucia)
    assert "Welcome lunch at Union Station" in item_titles(client.get(url("program", new)))


def test_a_revoked_segment_link_is_refused_and_its_city_leaves_the_other_links(client, route, items):
    st_louis_row = route.lucia_in(route.st_louis)
    st_louis_token = make_token(st_louis_row)
    revoke_link(st_louis_row)

    refused = client.get(url("program", st_louis_token))
    san_antonio_link = client.get(url("program", lucia_token(route)))

    assert refused.status_code == 404
    assert "Welcome lunch at Union Station" not in item_titles(san_antonio_link)
    assert "Briefing at the agency" in item_titles(san_antonio_link)


def test_a_forged_or_expired_traveller_link_is_refused(client, route, items):
    token = visitor_journey.make_traveller_token(route.lucia)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    with time_machine.travel(dt.datetime(2027, 4, 12, 12, tzinfo=dt.UTC), tick=False):
        expired = client.get(url("today", token))

    assert client.get(url("today", forged)).status_code == 404
    assert expired.status_code == 404
    assert client.get(url("today", token)).status_code == 200


# What it costs


@pytest.mark.parametrize(("traveller", "extra_items"), [("rafael", 0), ("lucia", 0), ("lucia", 40)])
def test_today_and_the_feed_read_a_fixed_number_of_queries(
    client, route, items, traveller, extra_items, django_assert_num_queries
):
    for index in range(extra_items):
        for program in (route.san_antonio, route.st_louis):
            _item(program, f"Extra {program.pk}-{index}", at(4, 13, index))
    row = route.lucia_in(route.san_antonio) if traveller == "lucia" else route.rafael_in_san_antonio
    token = make_token(row)

    # holder with program and council, the traveller's rows with programs, councils and segments, stops, items,
    # their contacts, the update of last_seen_at
    with time_machine.travel(HAND_OVER_NOON, tick=False), django_assert_num_queries(6):
        today = client.get(url("today", token))
    # holder, the traveller's rows, items, their contacts
    with django_assert_num_queries(4):
        feed = client.get(url("calendar", token))

    # Rafael: San Antonio's transfer and flight that day; his four San Antonio items in the feed.
    assert len(item_titles(today)) == (2 if traveller == "rafael" else 3 + 2 * extra_items)
    assert len(feed_events(feed)) == (4 if traveller == "rafael" else 9 + 2 * extra_items)


def test_a_traveller_link_reads_as_many_queries_as_a_participant_link(client, route, items, django_assert_num_queries):
    token = visitor_journey.make_traveller_token(route.lucia)

    # traveller with national program, the traveller's rows, stops, items, their contacts, last_seen_at
    with time_machine.travel(HAND_OVER_NOON, tick=False), django_assert_num_queries(6):
        response = client.get(url("today", token))

    assert len(item_titles(response)) == 3


# The page cache


def test_a_change_in_one_city_shows_at_once_on_a_link_from_another(client, route, items, page_cache):
    token = lucia_token(route)
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        client.get(url("today", token))  # the visit is recorded; the browser gets its CSRF cookie
        kept = page_text(client.get(url("today", token)))
        etag = client.get(url("calendar", token))["ETag"]
        with page_cache.commit():
            itinerary.update_item(
                item=items["lunch"],
                data={"title": "Welcome lunch at the Missouri History Museum"},
                expected_version=items["lunch"].version,
                user=route.staff[2],
            )
        after = page_text(client.get(url("today", token)))
        feed = client.get(url("calendar", token), headers={"If-None-Match": etag})

    assert "Welcome lunch at Union Station" in kept
    assert "Welcome lunch at the Missouri History Museum" in after
    assert "Welcome lunch at Union Station" not in after
    assert feed.status_code == 200
    assert "Welcome lunch at the Missouri History Museum" in feed_events(feed)


def test_an_unchanged_journey_is_served_from_the_cache(client, route, items, page_cache, django_assert_num_queries):
    token = lucia_token(route)
    with time_machine.travel(HAND_OVER_NOON, tick=False):
        client.get(url("today", token))
        client.get(url("today", token))

        # holder, the traveller's rows (with every council's data version): nothing is built
        with django_assert_num_queries(2):
            response = client.get(url("today", token))

    assert "Welcome lunch at Union Station" in page_text(response)
