import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from logistics.enums import FlightDirection
from logistics.models import Flight, Hotel, HotelBooking, TransportVendor
from meetings.enums import ItemKind, ItemStatus
from programs.enums import Consent
from tests.factories import (
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(council):
    program = ProgramFactory(council=council)
    StopFactory(program=program)
    return program


def test_publication_export_lists_only_participants_who_consented_to_media(staff_client, program):
    ParticipantFactory(
        program=program, first_name="Lucía", last_name="Fernández", country="AR", media_consent=Consent.YES
    )
    ParticipantFactory(program=program, first_name="Andrea", last_name="Young", media_consent=Consent.NO)
    ParticipantFactory(program=program, first_name="Rodrigo", last_name="Quispe", media_consent=Consent.UNKNOWN)

    response = staff_client.get(reverse("logistics:publication_csv", kwargs={"program_id": program.pk}))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[:2] for row in rows[1:]] == [["Lucía Fernández", "AR"]]  # the ISO code
    assert "Young" not in response.content.decode()
    assert "Quispe" not in response.content.decode()


def _trip(program, vendor, title, hour, **extra):
    start = local(program.arrival_date + dt.timedelta(days=1), hour)
    return ItineraryItemFactory(
        program=program,
        stop=program.stops.get(),
        kind=ItemKind.TRAVEL,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        transport_vendor=vendor,
        **extra,
    )


def test_vendor_sheet_lists_who_when_from_where_to_where(staff_client, program, council):
    vendor = TransportVendor.objects.create(council=council, name="Alamo Shuttle")
    other_vendor = TransportVendor.objects.create(council=council, name="Laredo Vans")
    venue = VenueFactory(council=council, name="Casa de Misericordia", address="PO Box 430, Laredo")
    guest = ParticipantFactory(program=program, first_name="Itzel", last_name="Barrios")
    _trip(
        program,
        vendor,
        "Drive to Laredo",
        7,
        venue=venue,
        pickup_location="Hotel lobby",
        pickup_at=local(program.arrival_date + dt.timedelta(days=1), 6, 45),
    )
    subset = _trip(program, vendor, "Airport run", 15, whole_group=False)
    subset.participants.add(guest)
    _trip(program, vendor, "Cancelled ride", 18, status=ItemStatus.CANCELLED)
    _trip(program, other_vendor, "Someone else's ride", 9)

    response = staff_client.get(
        reverse("logistics:vendor_sheet", kwargs={"program_id": program.pk, "vendor_id": vendor.pk})
    )

    page = response.content.decode()
    assert [item.title for item in response.context["items"]] == ["Drive to Laredo", "Airport run"]
    assert "06:45 CST" in page
    assert "Hotel lobby" in page
    assert "Casa de Misericordia, PO Box 430, Laredo" in page
    assert "Itzel Barrios" in page
    assert "Whole group (1 person)" in page


def test_vendor_sheet_pdf_is_a_pdf(staff_client, program, council):
    vendor = TransportVendor.objects.create(council=council, name="Alamo Shuttle")
    _trip(program, vendor, "Drive to Laredo", 7)

    response = staff_client.get(
        reverse("logistics:vendor_sheet_pdf", kwargs={"program_id": program.pk, "vendor_id": vendor.pk})
    )

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_staff_set_the_hotel_and_confirmation_numbers_of_a_stop(staff_client, program, council):
    hotel = Hotel.objects.create(council=council, name="Hotel Valencia", address="150 E Houston St", city="San Antonio")
    lucia = ParticipantFactory(program=program)
    marcos = ParticipantFactory(program=program)
    stop = program.stops.get()

    response = staff_client.post(
        reverse("logistics:stop_hotel", kwargs={"stop_id": stop.pk}),
        {"hotel": hotel.pk, f"participant_{lucia.pk}": "HV-1001", f"participant_{marcos.pk}": ""},
    )

    stop.refresh_from_db()
    assert response.url == reverse("logistics:program", kwargs={"program_id": program.pk})
    assert stop.hotel == hotel
    assert dict(HotelBooking.objects.values_list("participant_id", "confirmation_number")) == {lucia.pk: "HV-1001"}


def test_a_hotel_of_another_council_cannot_be_chosen(staff_client, program, other_council):
    foreign = Hotel.objects.create(council=other_council, name="Elsewhere Inn", address="1 Main", city="St. Louis")
    stop = program.stops.get()

    response = staff_client.post(reverse("logistics:stop_hotel", kwargs={"stop_id": stop.pk}), {"hotel": foreign.pk})

    stop.refresh_from_db()
    assert "Select a valid choice." in response.content.decode()
    assert stop.hotel is None


@pytest.mark.parametrize("size", [1, 5])
def test_logistics_page_keeps_its_query_count(staff_client, program, council, django_assert_num_queries, size):
    hotel = Hotel.objects.create(council=council, name="Hotel Valencia", address="150 E Houston St", city="San Antonio")
    stop = program.stops.get()
    stop.hotel = hotel
    stop.save()
    for index in range(size):
        participant = ParticipantFactory(program=program)
        HotelBooking.objects.create(stop=stop, participant=participant, confirmation_number=f"HV-{index}")
        vendor = TransportVendor.objects.create(council=council, name=f"Vendor {index}")
        _trip(program, vendor, f"Trip {index}", 8 + index)

    # session, user (with council), program, stops with hotels, their bookings with participants, flights,
    # vendors
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("logistics:program", kwargs={"program_id": program.pk}))

    assert response.content.decode().count("HV-") == size


def test_arrival_flights_show_in_the_local_time_of_the_first_stop(staff_client, program):
    participant = ParticipantFactory(program=program)
    Flight.objects.create(
        participant=participant,
        direction=FlightDirection.ARRIVAL,
        carrier="American Airlines",
        number="AA 1457",
        from_airport="DFW",
        to_airport="SAT",
        departs_at=dt.datetime(2027, 3, 1, 19, 5, tzinfo=dt.UTC),
        arrives_at=dt.datetime(2027, 3, 1, 20, 20, tzinfo=dt.UTC),
    )

    response = staff_client.get(reverse("logistics:program", kwargs={"program_id": program.pk}))

    assert "1 Mar 14:20 CST" in response.content.decode()
