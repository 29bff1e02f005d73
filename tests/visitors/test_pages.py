import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from meetings.enums import ItemStatus
from programs.links import make_token, personal_link_path, revoke_link
from tests.factories import ItineraryItemFactory, ParticipantFactory, ProgramFactory, StopFactory, VenueFactory
from tests.visitors.conftest import DAY_1, DAY_2, NOW, make_item

pytestmark = pytest.mark.django_db


def page_text(response):
    """The visible words of a page, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def item_titles(response):
    return re.findall(r'<h3 id="item-\d+-title">(?:<del>)?([^<]+)', response.content.decode())


def visitor_url(name, holder):
    return reverse(f"visitors:{name}", kwargs={"token": make_token(holder)})


def test_today_lists_the_days_items_in_order_with_local_times(client, participant, day_items, frozen_now):
    response = client.get(personal_link_path(participant))

    assert item_titles(response) == [
        "Program briefing",
        "Newsroom: a labor-trafficking case study",
        "Lunch on the River Walk",
    ]
    text = page_text(response)
    assert "10 a.m. – 11 a.m. CST Program briefing" in text
    assert "11 a.m. – noon CST Newsroom: a labor-trafficking case study" in text
    assert "Today Tuesday, March 2" in text


def test_today_shows_what_is_on_now_and_next(client, participant, day_items, frozen_now):
    response = client.get(personal_link_path(participant))

    text = page_text(response)
    assert "Now: Program briefing , until 11 a.m. CST" in text
    assert "Next: Newsroom: a labor-trafficking case study , 11 a.m. CST" in text


def test_today_next_looks_past_the_end_of_the_day(client, participant, day_items):
    with time_machine.travel(dt.datetime(2027, 3, 3, 3, 0, tzinfo=dt.UTC), tick=False):  # 21:00 CST on day 2
        response = client.get(personal_link_path(participant))

    assert "Next: Coach to Laredo, Wednesday 7 a.m. CST" in page_text(response)


def test_today_shows_an_items_place_with_a_map_link_host_and_whom_they_meet(client, participant, day_items, frozen_now):
    response = client.get(personal_link_path(participant))

    text = page_text(response)
    assert "Place Express-News building 200 Avenue E, San Antonio Map (OpenStreetMap)" in text
    assert "Host San Antonio Express-News" in text
    assert "You meet Dana Reyes, Data editor" in text
    assert "Dress code Business attire What to bring Photo ID Notes Meet in the lobby." in text
    assert 'href="https://www.openstreetmap.org/search?query=200+Avenue+E%2C+San+Antonio"' in response.content.decode()


def test_today_shows_pickup_transport_and_interpreter(client, participant, program, stop, interpreter, frozen_now):
    make_item(
        program,
        stop,
        "Coach to the shelter",
        DAY_2,
        14,
        interpreter=interpreter,
        pickup_at=dt.datetime(2027, 3, 2, 19, 45, tzinfo=dt.UTC),
        pickup_location="Hotel lobby",
    )

    text = page_text(client.get(personal_link_path(participant)))

    assert "Interpreter Marta Ruiz Pick-up 1:45 p.m. CST · Hotel lobby" in text


def test_before_the_program_starts_today_shows_its_first_day(client, participant, stop):
    make_item(participant.program, stop, "Welcome dinner", DAY_1, 19)

    with time_machine.travel(dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC), tick=False):
        text = page_text(client.get(personal_link_path(participant)))

    assert "Today Monday, March 1" in text
    assert "Your program has not started yet. This is its first day." in text
    assert "7 p.m. – 8 p.m. CST Welcome dinner" in text


def test_after_the_program_ends_today_shows_its_last_day(client, participant, stop):
    last_day = participant.program.departure_date
    make_item(participant.program, stop, "Transfer to the airport", last_day, 8)

    with time_machine.travel(dt.datetime(2027, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        text = page_text(client.get(personal_link_path(participant)))

    assert "Your program has ended. This was its last day." in text
    assert "8 a.m. – 9 a.m. CST Transfer to the airport" in text


def test_today_is_the_local_date_of_the_stop_the_group_is_in(client, council):
    program = ProgramFactory(council=council, arrival_date=DAY_1)
    honolulu = StopFactory(program=program, city="Honolulu", time_zone="Pacific/Honolulu")
    participant = ParticipantFactory(program=program, preferred_language="en")
    ItineraryItemFactory(
        program=program,
        stop=honolulu,
        title="Evening at the beach",
        starts_at=dt.datetime(2027, 3, 2, 4, 0, tzinfo=dt.UTC),  # 18:00 on 1 March in Honolulu
        ends_at=dt.datetime(2027, 3, 2, 6, 0, tzinfo=dt.UTC),
    )

    # 2 March in UTC and in Chicago, still 1 March in Honolulu.
    with time_machine.travel(dt.datetime(2027, 3, 2, 5, 0, tzinfo=dt.UTC), tick=False):
        text = page_text(client.get(personal_link_path(participant)))

    assert "Today Monday, March 1" in text
    assert "6 p.m. – 8 p.m. HST Evening at the beach" in text


def test_a_cancelled_item_stays_visible_as_cancelled(client, participant, program, stop, frozen_now):
    make_item(program, stop, "Visit to the county court", DAY_2, 15, status=ItemStatus.CANCELLED)

    response = client.get(personal_link_path(participant))

    assert item_titles(response) == ["Visit to the county court"]
    assert "<del>Visit to the county court</del>" in response.content.decode()
    assert "3 p.m. – 4 p.m. CST Visit to the county court Meeting Cancelled" in page_text(response)


def test_ideas_open_requests_and_declined_requests_are_not_shown(client, participant, program, stop, frozen_now):
    make_item(program, stop, "An idea", DAY_2, 12, status=ItemStatus.IDEA)
    make_item(program, stop, "A request", DAY_2, 13, status=ItemStatus.REQUESTED)
    make_item(program, stop, "A declined request", DAY_2, 14, status=ItemStatus.DECLINED)
    make_item(program, stop, "A confirmed meeting", DAY_2, 15)

    assert item_titles(client.get(personal_link_path(participant))) == ["A confirmed meeting"]


def test_items_changed_since_the_last_visit_are_marked(client, participant, day_items):
    with time_machine.travel(NOW, tick=False):
        first = client.get(personal_link_path(participant))
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        lunch = day_items["lunch"]
        lunch.visitor_notes = "Now at the Mexican market."
        lunch.save()
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        second = client.get(personal_link_path(participant))

    assert "Changed" not in page_text(first)
    assert "1 p.m. – 2 p.m. CST Lunch on the River Walk Meal Changed" in page_text(second)
    assert page_text(second).count("Changed") == 1
    participant.refresh_from_db()
    assert participant.last_seen_at == NOW + dt.timedelta(minutes=10)


def test_a_change_between_two_views_within_a_minute_is_marked_on_the_second(client, participant, day_items):
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        client.get(personal_link_path(participant))
    with time_machine.travel(NOW, tick=False):
        first = client.get(personal_link_path(participant))
    with time_machine.travel(NOW + dt.timedelta(seconds=20), tick=False):
        lunch = day_items["lunch"]
        lunch.visitor_notes = "Now at the Mexican market."
        lunch.save()
    with time_machine.travel(NOW + dt.timedelta(seconds=40), tick=False):
        second = client.get(personal_link_path(participant))

    assert "Changed" not in page_text(first)
    assert page_text(second).count("Changed") == 1
    participant.refresh_from_db()
    assert participant.last_seen_at == NOW


def test_views_within_a_minute_of_the_last_recorded_one_write_nothing(
    client, participant, day_items, django_assert_num_queries
):
    with time_machine.travel(NOW, tick=False):
        client.get(personal_link_path(participant))

    # holder with program and council, stops, items, their contacts (last_seen_at is a few seconds old)
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False), django_assert_num_queries(4):
        client.get(personal_link_path(participant))
    participant.refresh_from_db()

    assert participant.last_seen_at == NOW


def test_a_participant_never_sees_other_programs_internal_notes_or_items_they_do_not_attend(
    client, council, participant, program, stop, day_items, frozen_now
):
    other_program = ProgramFactory(council=council, arrival_date=DAY_1)
    make_item(other_program, StopFactory(program=other_program), "Another program's meeting", DAY_2, 12)
    someone_else = ParticipantFactory(program=program)
    subset = make_item(program, stop, "Shelter visit for two", DAY_2, 15, whole_group=False)
    subset.participants.add(someone_else)

    pages = [client.get(visitor_url(name, participant)) for name in ("today", "program", "calendar")]

    for response in pages:
        body = response.content.decode()
        assert "Another program's meeting" not in body
        assert "Shelter visit for two" not in body
        assert "Parking validated" not in body
        assert "+1 210 555 0199" not in body
        assert day_items["newsroom"].contacts.get().email not in body
        assert "Newsroom: a labor-trafficking case study" in body


def test_a_participant_sees_the_subset_items_they_attend(client, participant, program, stop, frozen_now):
    subset = make_item(program, stop, "Legal aid roundtable", DAY_2, 15, whole_group=False)
    subset.participants.add(participant)

    assert item_titles(client.get(personal_link_path(participant))) == ["Legal aid roundtable"]


def test_an_interpreter_sees_the_group_view(client, program, stop, participant, interpreter, frozen_now):
    subset = make_item(program, stop, "Legal aid roundtable", DAY_2, 15, whole_group=False)
    subset.participants.add(participant)
    make_item(program, stop, "Program briefing", DAY_2, 9)

    response = client.get(personal_link_path(interpreter))

    assert item_titles(response) == ["Program briefing", "Legal aid roundtable"]
    text = page_text(response)
    assert "Marta Ruiz · group view" in text
    assert "Who attends The whole group" in text
    assert "Who attends Lucía Fernández" in text


@pytest.mark.parametrize("page", ["today", "program", "people", "calendar"])
def test_a_revoked_link_is_refused(client, participant, day_items, page):
    url = visitor_url(page, participant)
    revoke_link(participant)

    response = client.get(url)

    assert response.status_code == 404
    assert "Newsroom" not in response.content.decode()


def test_a_forged_link_is_refused(client, participant):
    response = client.get(reverse("visitors:today", kwargs={"token": make_token(participant)[:-3] + "abc"}))

    assert response.status_code == 404


def test_the_program_page_lists_every_day_in_order(client, participant, day_items, frozen_now):
    response = client.get(visitor_url("program", participant))

    text = page_text(response)
    assert re.findall(r"(?:Tuesday|Wednesday), March \d(?: · today)?", text) == [
        "Tuesday, March 2 · today",
        "Wednesday, March 3",
    ]
    assert item_titles(response) == [
        "Program briefing",
        "Newsroom: a labor-trafficking case study",
        "Lunch on the River Walk",
        "Coach to Laredo",
    ]


def test_the_people_page_shows_only_what_each_person_consented_to_share(client, program, participant, interpreter):
    ParticipantFactory(
        program=program,
        first_name="Rafael",
        last_name="Gómez",
        country="UY",
        email="rafael@example.com",
        phone="+598 555 0101",
        bio="Prosecutor in Montevideo.",
        share_contact=True,
        share_bio=True,
        dietary_needs="Vegetarian",
    )
    ParticipantFactory(
        program=program,
        first_name="Sofía",
        last_name="Alvarez",
        country="PA",
        email="sofia@example.com",
        phone="+507 555 0102",
        bio="Social worker.",
        share_contact=False,
        share_bio=False,
    )

    response = client.get(visitor_url("people", participant))

    text = page_text(response)
    assert "Rafael Gómez Uruguay +598 555 0101 rafael@example.com Prosecutor in Montevideo." in text
    assert "Sofía Alvarez Panama" in text
    for private in ("sofia@example.com", "+507 555 0102", "Social worker.", "Vegetarian"):
        assert private not in text
    assert "Lucía Fernández (you)" in text
    assert "Marta Ruiz Interpreter" in text


def test_the_pages_speak_the_holders_preferred_language(client, program, stop, frozen_now):
    participant = ParticipantFactory(program=program, preferred_language="es")
    make_item(program, stop, "Reunión informativa", DAY_2, 10)

    text = page_text(client.get(personal_link_path(participant)))

    assert "Hoy martes, 2 de marzo" in text
    assert "10:00 – 11:00 CST Reunión informativa" in text
    assert "Ahora y después" in text


def test_the_language_switcher_keeps_the_visitors_choice(client, participant, day_items, frozen_now):
    response = client.post(visitor_url("language", participant), {"language": "fr", "page": "program"})

    assert response.status_code == 302
    assert response["Location"] == visitor_url("program", participant)
    assert response.cookies["visitor_language"].value == "fr"
    assert response.cookies["visitor_language"]["path"] == "/v/"
    text = page_text(client.get(personal_link_path(participant)))
    assert "Aujourd’hui mardi, 2 mars" in text


def test_the_language_switcher_refuses_an_unknown_language(client, participant):
    response = client.post(visitor_url("language", participant), {"language": "xx", "page": "today"})

    assert response["Location"] == visitor_url("today", participant)
    assert "visitor_language" not in response.cookies


def test_the_service_worker_covers_the_visitor_pages(client):
    response = client.get(reverse("visitors:service_worker"))

    assert response["Content-Type"] == "text/javascript"
    assert response["Service-Worker-Allowed"] == "/v/"
    assert '"/static/visitors/visitors.css"' in response.content.decode()


def test_a_page_says_when_it_was_last_updated_in_the_local_zone(client, participant, day_items, frozen_now):
    text = page_text(client.get(personal_link_path(participant)))

    assert "Last updated March 2, 2027, 10:30 a.m. CST" in text


def test_a_page_offers_to_subscribe_to_the_calendar(client, participant):
    body = client.get(personal_link_path(participant)).content.decode()

    assert f'href="webcal://testserver{visitor_url("calendar", participant)}"' in body


def _items_on_day_2(program, stop, count):
    for index in range(count):
        make_item(program, stop, f"Meeting {index}", DAY_2, 6 + (index * 4) // 60, (index * 4) % 60)


@pytest.mark.parametrize("count", [10, 200])
def test_today_reads_a_fixed_number_of_queries(
    client, participant, program, stop, count, frozen_now, django_assert_num_queries
):
    _items_on_day_2(program, stop, count)
    url = personal_link_path(participant)

    # holder with program and council, stops, items, their contacts, the update of last_seen_at
    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(item_titles(response)) == count


@pytest.mark.parametrize("count", [10, 200])
def test_the_program_page_reads_a_fixed_number_of_queries(
    client, participant, program, stop, count, frozen_now, django_assert_num_queries
):
    _items_on_day_2(program, stop, count)
    url = visitor_url("program", participant)

    # holder with program and council, stops, items, their contacts, the update of last_seen_at
    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(item_titles(response)) == count


@pytest.mark.parametrize("count", [10, 200])
def test_the_group_view_reads_a_fixed_number_of_queries(
    client, interpreter, program, stop, count, frozen_now, django_assert_num_queries
):
    _items_on_day_2(program, stop, count)
    url = personal_link_path(interpreter)

    # holder with program and council, stops, items, their participants, their contacts, the update of last_seen_at
    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(item_titles(response)) == count


def test_the_map_link_points_at_the_venues_coordinates_when_known(
    client, council, participant, program, stop, frozen_now
):
    venue = VenueFactory(council=council, name="Gateway Arch", latitude="38.624700", longitude="-90.184800")
    make_item(program, stop, "The Arch", DAY_2, 15, venue=venue)

    body = client.get(personal_link_path(participant)).content.decode()

    assert (
        'href="https://www.openstreetmap.org/?mlat=38.624700&amp;mlon=-90.184800#map=17/38.624700/-90.184800"' in body
    )


@pytest.mark.parametrize("count", [10, 100])
def test_the_people_page_reads_a_fixed_number_of_queries(
    client, participant, program, count, django_assert_num_queries
):
    ParticipantFactory.create_batch(count, program=program, share_contact=True)
    url = visitor_url("people", participant)

    # holder with program and council, stops, participants, program staff
    with django_assert_num_queries(4):
        response = client.get(url)

    assert page_text(response).count("Example") == count
