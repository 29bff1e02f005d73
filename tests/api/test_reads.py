"""Each resource shows the token's council's data, in pages, in a number of queries that does not grow with rows."""

import datetime as dt

import pytest

from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment
from notifications.enums import NotificationState
from tests.api.conftest import ApiClient, make_token
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    ItineraryItemFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VenueFactory,
    VolunteerFactory,
    local,
)

pytestmark = pytest.mark.django_db


def _program(council, n):
    """A program with two stops, a participant, an item with contacts and people, a slot with a seated guest."""
    program = ProgramFactory(council=council, title=f"Program {n}")
    first = StopFactory(program=program, city="San Antonio", end_date=program.arrival_date + dt.timedelta(days=3))
    StopFactory(program=program, city="Laredo", start_date=first.end_date)
    participant = ParticipantFactory(program=program)
    item = ItineraryItemFactory(program=program, stop=first, whole_group=False)
    item.participants.add(participant)
    item.contacts.add(ContactFactory(organization__council=council))
    invitation = InvitationFactory(slot__program=program, slot__stop=first, status=InvitationStatus.ACCEPTED)
    GuestAssignment.objects.create(slot=invitation.slot, invitation=invitation, participant=participant)
    VenueFactory(council=council)
    VolunteerFactory(council=council).available_dates.create(date=program.arrival_date)
    NotificationFactory(council=council, program=program)
    return program


LISTS = [
    # (path, queries: token, (last use is written once a minute: not here), count, page, prefetches)
    ("/api/v1/programs/", 4),  # token, count, programs with sponsor, stops
    ("/api/v1/participants/", 3),  # token, count, participants
    ("/api/v1/items/", 5),  # token, count, items with stop, contacts, participants
    ("/api/v1/host-organizations/", 4),  # token, count, organisations, contacts
    ("/api/v1/contacts/", 3),
    ("/api/v1/venues/", 3),
    ("/api/v1/volunteers/", 4),  # token, count, volunteers, their dates
    ("/api/v1/hospitality-slots/", 3),  # token, count, slots with stop
    ("/api/v1/invitations/", 4),  # token, count, invitations, guests
    ("/api/v1/notifications/", 3),
]


@pytest.mark.parametrize(("path", "queries"), LISTS)
def test_a_list_costs_the_same_queries_for_one_program_or_three(path, queries, council, django_assert_num_queries):
    _token, secret = make_token(council)
    api = ApiClient(secret)
    _program(council, 1)
    api.get(path)  # the token's last use is written by this first request

    with django_assert_num_queries(queries):
        one = api.get(path)
    for n in (2, 3):
        _program(council, n)
    with django_assert_num_queries(queries):
        three = api.get(path)

    assert (one.status_code, three.status_code) == (200, 200)
    assert three.json()["count"] == 3 * one.json()["count"]


def test_another_councils_data_is_neither_listed_nor_found(council, other_council):
    program = _program(council, 1)
    _token, secret = make_token(other_council)
    api = ApiClient(secret)

    listed = {path: api.get(path).json()["count"] for path, _queries in LISTS}
    found = api.get(f"/api/v1/programs/{program.pk}/")

    assert listed == {path: 0 for path, _queries in LISTS}
    assert found.status_code == 404


def test_a_program_shows_its_stops_in_order(api, council):
    program = _program(council, 1)

    shown = api.get(f"/api/v1/programs/{program.pk}/").json()

    assert [(stop["city"], stop["time_zone"]) for stop in shown["stops"]] == [
        ("San Antonio", "America/Chicago"),
        ("Laredo", "America/Chicago"),
    ]
    assert shown["sponsor"] == "U.S. Department of State, IVLP"


def test_an_item_says_its_zone_version_and_people(api, council):
    program = _program(council, 1)
    item = program.items.get()

    response = api.get(f"/api/v1/items/{item.pk}/")

    shown = response.json()
    assert response["ETag"] == f'"{item.version}"'
    assert (shown["starts_at"], shown["time_zone"], shown["version"]) == (
        local(program.arrival_date + dt.timedelta(days=1), 9).astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "America/Chicago",
        1,
    )
    assert shown["participants"] == [program.participants.get().pk]
    assert shown["whole_group"] is False


def test_lists_come_in_pages(api, council):
    program = ProgramFactory(council=council)
    ParticipantFactory.create_batch(5, program=program)

    first = api.get("/api/v1/participants/?page_size=2").json()
    last = api.get("/api/v1/participants/?page_size=2&page=3").json()
    beyond = api.get("/api/v1/participants/?page_size=2&page=4")

    assert (first["count"], len(first["results"]), len(last["results"]), last["next"]) == (5, 2, 1, None)
    assert beyond.status_code == 404


def test_lists_narrow_by_program_and_state(api, council):
    shown, other = _program(council, 1), _program(council, 2)
    NotificationFactory(council=council, program=shown, state=NotificationState.FAILED, last_error="550 no such user")

    items = api.get(f"/api/v1/items/?program={shown.pk}").json()["results"]
    failed = api.get(f"/api/v1/notifications/?state=failed&program={shown.pk}").json()["results"]

    assert [item["program"] for item in items] == [shown.pk]
    assert [(row["state"], row["last_error"]) for row in failed] == [("failed", "550 no such user")]
    assert other.pk not in {item["program"] for item in items}


def test_a_bad_filter_is_a_400_naming_it(api):
    response = api.get("/api/v1/notifications/?state=lost&program=abc")

    assert response.status_code == 400
    assert response.json() == {
        "state": ["Select a valid choice. lost is not one of the available choices."],
        "program": ["Enter a whole number."],
    }
