import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from logistics.enums import FlightDirection
from logistics.models import Flight
from tests.factories import ParticipantFactory, ProgramFactory, StopFactory

pytestmark = pytest.mark.django_db

LIMA = zoneinfo.ZoneInfo("America/Lima")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def program(council):
    program = ProgramFactory(council=council, arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 14))
    StopFactory(program=program, city="San Antonio", time_zone="America/Chicago", end_date=dt.date(2027, 3, 7))
    StopFactory(program=program, city="New York", time_zone="America/New_York", start_date=dt.date(2027, 3, 7))
    return program


@pytest.fixture
def participant(program):
    return ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández")


def _flight(participant, **changes):
    fields = {
        "direction": FlightDirection.ARRIVAL,
        "carrier": "LATAM",
        "number": "LA 2464",
        "from_airport": "LIM",
        "to_airport": "SAT",
        "departs_at": dt.datetime(2027, 3, 1, 1, 30, tzinfo=LIMA),
        "arrives_at": dt.datetime(2027, 3, 1, 9, 45, tzinfo=CHICAGO),
    }
    return Flight.objects.create(participant=participant, **{**fields, **changes})


def _data(participant, **changes):
    return {
        "participant": participant.pk,
        "direction": FlightDirection.ARRIVAL,
        "carrier": "LATAM",
        "number": "LA 2464",
        "from_airport": "LIM",
        "to_airport": "SAT",
        "departs_at": "2027-03-01T01:30",
        "departs_zone": "America/Lima",
        "arrives_at": "2027-03-01T09:45",
        "arrives_zone": "America/Chicago",
        **changes,
    }


def test_flight_add_stores_the_instants_typed_on_each_airports_clock(staff_client, program, participant):
    response = staff_client.post(reverse("logistics:flight_new", args=[program.pk, "arrival"]), _data(participant))

    assert response.status_code == 302
    flight = Flight.objects.get()
    assert (flight.participant, flight.direction, flight.carrier, flight.number) == (
        participant,
        FlightDirection.ARRIVAL,
        "LATAM",
        "LA 2464",
    )
    # 01:30 in Lima (UTC-5) and 09:45 in San Antonio (UTC-6 in early March)
    assert flight.departs_at == dt.datetime(2027, 3, 1, 6, 30, tzinfo=dt.UTC)
    assert flight.arrives_at == dt.datetime(2027, 3, 1, 15, 45, tzinfo=dt.UTC)


def test_flight_new_arrival_offers_the_first_stops_zone(staff_client, program):
    response = staff_client.get(reverse("logistics:flight_new", args=[program.pk, "arrival"]))

    content = response.content.decode()
    assert content.count('<option value="America/Chicago" selected>America/Chicago</option>') == 2
    assert '<option value="arrival" selected>Arrival</option>' in content


def test_flight_new_departure_offers_the_last_stops_zone(staff_client, program):
    response = staff_client.get(reverse("logistics:flight_new", args=[program.pk, "departure"]))

    content = response.content.decode()
    assert content.count('<option value="America/New_York" selected>America/New_York</option>') == 2
    assert '<option value="departure" selected>Departure</option>' in content


def test_flight_new_of_an_unknown_direction_is_not_found(staff_client, program):
    response = staff_client.get(reverse("logistics:flight_new", args=[program.pk, "layover"]))

    assert response.status_code == 404


def test_flight_edit_shows_a_departure_in_the_last_stops_zone_and_saves_changes(staff_client, participant):
    flight = _flight(
        participant,
        direction=FlightDirection.DEPARTURE,
        from_airport="JFK",
        to_airport="LIM",
        departs_at=dt.datetime(2027, 3, 14, 8, 0, tzinfo=NEW_YORK),
        arrives_at=dt.datetime(2027, 3, 14, 14, 10, tzinfo=LIMA),
    )
    url = reverse("logistics:flight_edit", args=[flight.pk])

    form_page = staff_client.get(url).content.decode()
    response = staff_client.post(
        url,
        _data(
            participant,
            direction=FlightDirection.DEPARTURE,
            number="LA 2465",
            from_airport="JFK",
            to_airport="LIM",
            departs_at="2027-03-14T09:15",
            departs_zone="America/New_York",
            arrives_at="2027-03-14T15:25",
            arrives_zone="America/Lima",
        ),
    )

    assert 'value="2027-03-14T08:00"' in form_page
    assert '<option value="America/New_York" selected>America/New_York</option>' in form_page
    assert response.status_code == 302
    flight.refresh_from_db()
    assert flight.number == "LA 2465"
    # 09:15 in New York (UTC-4 after the clocks moved on 14 March) and 15:25 in Lima (UTC-5)
    assert flight.departs_at == dt.datetime(2027, 3, 14, 13, 15, tzinfo=dt.UTC)
    assert flight.arrives_at == dt.datetime(2027, 3, 14, 20, 25, tzinfo=dt.UTC)


def test_flight_delete_removes_it_from_the_logistics_page(staff_client, program, participant):
    flight = _flight(participant)

    response = staff_client.post(reverse("logistics:flight_delete", args=[flight.pk]))

    assert response["Location"] == reverse("logistics:program", args=[program.pk])
    assert Flight.objects.count() == 0
    page = staff_client.get(response["Location"]).content.decode()
    assert "No flights recorded." in page


def test_flight_delete_refuses_a_get(staff_client, participant):
    flight = _flight(participant)

    response = staff_client.get(reverse("logistics:flight_delete", args=[flight.pk]))

    assert response.status_code == 405
    assert Flight.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        # 09:45 in San Antonio is 15:45 UTC; 11:00 in Lima is 16:00 UTC: the flight would land before it left
        (
            {"departs_at": "2027-03-01T11:00"},
            "arrives_at",
            "The flight must arrive after it departs.",
        ),
        ({"arrives_zone": "Texas/San_Antonio"}, "arrives_zone", "Select a valid choice."),
        ({"departs_at": "tomorrow morning"}, "departs_at", "Enter a valid date/time."),
        # 02:30 on 14 March 2027 does not happen in Chicago: the clocks jump from 02:00 to 03:00
        (
            {"arrives_at": "2027-03-14T02:30", "departs_at": "2027-03-13T20:00"},
            "arrives_at",
            "This time does not exist in America/Chicago (the clocks skip it).",
        ),
    ],
)
def test_flight_bad_input_is_shown_and_nothing_is_stored(staff_client, program, participant, changes, field, error):
    response = staff_client.post(
        reverse("logistics:flight_new", args=[program.pk, "arrival"]), _data(participant, **changes)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(error)
    assert error in response.content.decode()
    assert Flight.objects.count() == 0


def test_flight_edit_with_bad_input_changes_nothing(staff_client, participant):
    flight = _flight(participant)

    response = staff_client.post(
        reverse("logistics:flight_edit", args=[flight.pk]),
        _data(participant, number="XX 1", arrives_at="2027-02-28T09:45"),
    )

    assert response.context["form"].errors == {"arrives_at": ["The flight must arrive after it departs."]}
    flight.refresh_from_db()
    assert (flight.number, flight.arrives_at) == ("LA 2464", dt.datetime(2027, 3, 1, 15, 45, tzinfo=dt.UTC))


def test_flight_only_for_participants_of_this_program(staff_client, program, council):
    stranger = ParticipantFactory(program=ProgramFactory(council=council))

    response = staff_client.post(reverse("logistics:flight_new", args=[program.pk, "arrival"]), _data(stranger))

    assert "participant" in response.context["form"].errors
    assert Flight.objects.count() == 0


def test_flight_urls_are_not_found_for_another_councils_staff(other_staff_client, program, participant):
    flight = _flight(participant)

    responses = [
        other_staff_client.get(reverse("logistics:flight_new", args=[program.pk, "arrival"])),
        other_staff_client.post(reverse("logistics:flight_new", args=[program.pk, "arrival"]), _data(participant)),
        other_staff_client.get(reverse("logistics:flight_edit", args=[flight.pk])),
        other_staff_client.post(reverse("logistics:flight_edit", args=[flight.pk]), _data(participant, number="X")),
        other_staff_client.post(reverse("logistics:flight_delete", args=[flight.pk])),
    ]

    assert [response.status_code for response in responses] == [404] * 5
    assert list(Flight.objects.values_list("number", flat=True)) == ["LA 2464"]


@pytest.mark.parametrize("size", [1, 6])
def test_logistics_page_query_count_does_not_grow_with_flights(staff_client, program, django_assert_num_queries, size):
    for _index in range(size):
        _flight(ParticipantFactory(program=program))
        _flight(ParticipantFactory(program=program), direction=FlightDirection.DEPARTURE)

    # session, user (with council), program, stops with hotels, their bookings with participants,
    # flights with participants, vendors
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("logistics:program", args=[program.pk]))

    assert response.content.decode().count("LA 2464") == 2 * size
    assert response.content.decode().count("/delete/") == 2 * size
