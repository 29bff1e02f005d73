"""The agency as a party: its staff sign in to their own pages, create a national program with its route and
travellers, and follow every council's progress; council pages refuse them, and theirs refuse council staff."""

import datetime as dt

import pytest
from django.urls import reverse

from journeys import services
from journeys.enums import NationalProgramStatus, SegmentState
from journeys.models import NationalProgram
from meetings.enums import ItemStatus
from notifications.models import Notification
from programs.models import Participant
from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    local,
)
from tests.journeys.journey_world import agency_officer, council_admin, national_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return agency_officer()


@pytest.fixture
def agency_client(client, officer):
    client.force_login(officer)
    return client


def route_data(council, other_council, **overrides):
    """The new-program form as typed: two cities, San Antonio then St. Louis."""
    data = {
        "title": "Combating Trafficking in Persons",
        "agency_reference": "NIP-2027-CTIP",
        "theme": "Trafficking",
        "objectives": "",
        "arrival_date": "2027-03-01",
        "departure_date": "2027-03-07",
        "segments-TOTAL_FORMS": "3",
        "segments-INITIAL_FORMS": "0",
        "segments-MIN_NUM_FORMS": "0",
        "segments-MAX_NUM_FORMS": "1000",
    }
    cities = [
        ("1", "San Antonio", "2027-03-01", "2027-03-04", council.pk, "WN 2210", "2027-03-04T09:05"),
        ("2", "St. Louis", "2027-03-04", "2027-03-07", other_council.pk, "", ""),
    ]
    for index, (order, city, start, end, invited, flight, departs) in enumerate(cities):
        prefix = f"segments-{index}-"
        data.update(
            {
                f"{prefix}order": order,
                f"{prefix}city": city,
                f"{prefix}region": "",
                f"{prefix}starts_on": start,
                f"{prefix}ends_on": end,
                f"{prefix}time_zone": "America/Chicago",
                f"{prefix}council": invited,
                f"{prefix}departure_mode": "flight" if flight else "",
                f"{prefix}departure_detail": flight,
                f"{prefix}departure_at": departs,
            }
        )
    data.update(overrides)
    return data


def test_agency_staff_land_on_their_own_page_after_signing_in(client, officer):
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "secret-password-1"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("agency:home")
    assert response.context["request"].agency.name == "Northfield International Programs"


def test_creating_a_national_program_invites_each_council(agency_client, council, other_council):
    admins = [council_admin(council), council_admin(other_council)]

    response = agency_client.post(reverse("agency:program_new"), route_data(council, other_council))

    national_program = NationalProgram.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agency:program", kwargs={"national_program_id": national_program.pk})
    assert national_program.status == NationalProgramStatus.INVITING
    assert list(national_program.segments.values_list("order", "city", "council", "state")) == [
        (1, "San Antonio", council.pk, SegmentState.INVITED),
        (2, "St. Louis", other_council.pk, SegmentState.INVITED),
    ]
    first = national_program.segments.get(order=1)
    # Typed on the city's clock: 09:05 in San Antonio is 15:05 UTC in March.
    assert first.departure_at == dt.datetime(2027, 3, 4, 15, 5, tzinfo=dt.UTC)
    assert sorted(Notification.objects.values_list("recipient_email", flat=True)) == sorted(a.email for a in admins)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"segments-1-starts_on": "2027-03-02"}, "This city overlaps the nights of the previous one."),
        ({"segments-1-ends_on": "2027-03-09"}, "A city must fall within the national program"),
        ({"segments-1-order": "1"}, "Each city needs its own order number."),
        ({"segments-0-order": "3"}, "The cities must be in the order of their dates."),
        (
            {
                **{
                    f"segments-{i}-{f}": ""
                    for i in (0, 1)
                    for f in (
                        "order",
                        "city",
                        "starts_on",
                        "ends_on",
                        "time_zone",
                        "council",
                        "departure_mode",
                        "departure_detail",
                        "departure_at",
                    )
                }
            },
            "Add at least one city to the route.",
        ),
    ],
    ids=["overlapping", "outside-the-dates", "same-order", "out-of-order", "no-city"],
)
def test_a_bad_route_is_refused_with_its_reason_and_nothing_saved(
    agency_client, council, other_council, overrides, message
):
    response = agency_client.post(reverse("agency:program_new"), route_data(council, other_council, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert NationalProgram.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_agency_sees_every_segments_itinerary_and_every_councils_progress(
    agency_client, officer, council, other_council
):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    first = services.accept_segment(
        segment_id=journey.segments.get(order=1).pk, council=council, user=council_admin(council)
    )
    host = HostOrganizationFactory(council=council, name="Bexar County District Attorney")
    ContactFactory(organization=host, name="Private Contact Person", email="private@da.example", phone="+12105550100")
    ItineraryItemFactory(
        program=first.program,
        stop=first.program.stops.get(),
        title="District attorney's office",
        host_organization=host,
        internal_notes="Internal: bring the gift",
        status=ItemStatus.CONFIRMED,
        starts_at=local(dt.date(2027, 3, 2), 10),
    )
    ItineraryItemFactory(
        program=first.program, stop=first.program.stops.get(), title="River Walk", status=ItemStatus.IDEA
    )

    response = agency_client.get(reverse("agency:program", kwargs={"national_program_id": journey.pk}))

    page = response.content.decode()
    council_rows = response.context["journey"].segments
    assert [(s["city"], s["state_label"], s["item_counts"]) for s in council_rows] == [
        (
            "San Antonio",
            "Accepted",
            [
                {"status": "idea", "label": "Idea", "count": 1},
                {"status": "confirmed", "label": "Confirmed", "count": 1},
            ],
        ),
        ("St. Louis", "Invited", []),
    ]
    assert "Tue 2 Mar, 10:00–11:00 CST" in page
    assert "Bexar County District Attorney" in page
    assert [
        secret
        for secret in (
            "Internal: bring the gift",
            "private@da.example",
            "Private Contact Person",
            "lucia@example.com",
            "Vegetarian",
        )
        if secret in page
    ] == []


def test_the_agency_cannot_write_a_councils_items(agency_client, officer, council, other_council):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    first = services.accept_segment(
        segment_id=journey.segments.get(order=1).pk, council=council, user=council_admin(council)
    )
    item = ItineraryItemFactory(program=first.program, stop=first.program.stops.get(), title="Coalition")

    new = agency_client.post(reverse("meetings:item_new", kwargs={"program_id": first.program_id}), {"title": "X"})
    edit = agency_client.post(reverse("meetings:item_edit", kwargs={"item_id": item.pk}), {"title": "Agency's"})

    assert (new.status_code, edit.status_code) == (403, 403)
    item.refresh_from_db()
    assert item.title == "Coalition"


def test_council_staff_are_refused_on_agency_pages(client, officer, council, other_council):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    client.force_login(council_admin(council))

    responses = [
        client.get(reverse("agency:home")),
        client.get(reverse("agency:program", kwargs={"national_program_id": journey.pk})),
    ]

    assert [r.status_code for r in responses] == [403, 403]


def test_another_agencys_program_is_not_found(client, officer, council, other_council):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    client.force_login(agency_officer(name="Other Agency", slug="other-agency"))

    response = client.get(reverse("agency:program", kwargs={"national_program_id": journey.pk}))

    assert response.status_code == 404


def test_a_traveller_added_later_joins_the_delegation_of_every_accepted_segment(
    agency_client, officer, council, other_council
):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    services.accept_segment(segment_id=journey.segments.get(order=1).pk, council=council, user=council_admin(council))

    response = agency_client.post(
        reverse("agency:traveller_new", kwargs={"national_program_id": journey.pk}),
        {
            "full_name": "Ana Martínez Ruiz",
            "country": "UY",
            "language": "pt",
            "email": "ana@example.com",
            "media_consent": "unknown",
        },
    )

    assert response.status_code == 302
    assert list(
        Participant.objects.filter(traveller__full_name="Ana Martínez Ruiz").values_list(
            "program__council", "first_name", "last_name", "preferred_language"
        )
    ) == [(council.pk, "Ana Martínez", "Ruiz", "pt")]


def test_a_travellers_email_is_refused_twice_in_one_program(agency_client, officer, council, other_council):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)

    response = agency_client.post(
        reverse("agency:traveller_new", kwargs={"national_program_id": journey.pk}),
        {
            "full_name": "Someone Else",
            "country": "UY",
            "language": "es",
            "email": "LUCIA@example.com",
            "media_consent": "unknown",
        },
    )

    assert "Another traveller of this program has this email." in response.content.decode()
    assert journey.travellers.count() == 2


def _programs(agency, councils, count):
    for index in range(count):
        first, second = councils
        national_program(agency, first_council=first, second_council=second)
        NationalProgram.objects.filter(title="Combating Trafficking in Persons").update(title=f"Program {index}")


@pytest.mark.parametrize("size", [1, 8])
def test_the_agency_home_query_count_does_not_grow_with_programs(
    agency_client, officer, council, other_council, django_assert_num_queries, size
):
    _programs(officer.agency_membership.agency, (council, other_council), size)

    # session, user (with agency); national programs with traveller counts; their segments with councils
    with django_assert_num_queries(4):
        response = agency_client.get(reverse("agency:home"))

    assert len(response.context["national_programs"]) == size


@pytest.mark.parametrize("size", [2, 20])
def test_the_agency_program_query_count_does_not_grow_with_items(
    agency_client, officer, council, other_council, django_assert_num_queries, size
):
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    first = services.accept_segment(
        segment_id=journey.segments.get(order=1).pk, council=council, user=council_admin(council)
    )
    for index in range(size):
        ItineraryItemFactory(
            program=first.program,
            stop=first.program.stops.get(),
            starts_at=local(dt.date(2027, 3, 2), 8) + dt.timedelta(minutes=index),
        )

    # session, user (with agency); the national program; segments (councils, programs); items (stops, hosts);
    # travellers; hand-over notes
    with django_assert_num_queries(7):
        response = agency_client.get(reverse("agency:program", kwargs={"national_program_id": journey.pk}))

    assert len(response.context["journey"].segments[0]["items"]) == size


def test_agency_staff_are_refused_on_council_pages_and_sent_home_from_the_dashboard(agency_client, council):
    from tests.factories import ProgramFactory

    program = ProgramFactory(council=council)

    home = agency_client.get(reverse("programs:home"))
    page = agency_client.get(reverse("programs:program", kwargs={"program_id": program.pk}))

    assert home["Location"] == reverse("agency:home")
    assert page.status_code == 403
