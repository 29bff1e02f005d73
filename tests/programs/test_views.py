import datetime as dt

import pytest
from django.urls import reverse

from programs.models import Program, Stop
from tests.factories import (
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    SponsorFactory,
    StopFactory,
)

pytestmark = pytest.mark.django_db


def program_data(*stops, **changes):
    data = {
        "title": "Combating Trafficking in Persons",
        "program_type": "ivlp",
        "status": "planning",
        "sponsor_reference": "IVLP-2027-17",
        "arrival_date": "2027-06-03",
        "departure_date": "2027-06-08",
        "stops-TOTAL_FORMS": str(len(stops)),
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
    }
    for index, stop in enumerate(stops):
        for key, value in stop.items():
            data[f"stops-{index}-{key}"] = value
    data.update(changes)
    return data


SAN_ANTONIO = {
    "city": "San Antonio",
    "start_date": "2027-06-03",
    "end_date": "2027-06-07",
    "time_zone": "America/Chicago",
}
LAREDO = {"city": "Laredo", "start_date": "2027-06-07", "end_date": "2027-06-08", "time_zone": "America/Chicago"}


def test_staff_create_a_program_with_its_stops(staff_client, council):
    response = staff_client.post(reverse("programs:program_new"), program_data(SAN_ANTONIO, LAREDO))

    program = Program.objects.get()
    assert response.url == reverse("programs:program", args=[program.pk])
    assert (program.council, program.title, program.sponsor_reference) == (
        council,
        "Combating Trafficking in Persons",
        "IVLP-2027-17",
    )
    assert [(s.city, s.start_date, s.end_date) for s in program.stops.all()] == [
        ("San Antonio", dt.date(2027, 6, 3), dt.date(2027, 6, 7)),
        ("Laredo", dt.date(2027, 6, 7), dt.date(2027, 6, 8)),
    ]


@pytest.mark.parametrize(
    ("stops", "message"),
    [
        (
            [{**SAN_ANTONIO, "time_zone": "Central Time"}],
            "Central Time is not a known time zone (e.g. America/Chicago).",
        ),
        ([SAN_ANTONIO, {**LAREDO, "start_date": "2027-06-05"}], "This stop overlaps the nights of the previous one."),
        ([{**SAN_ANTONIO, "end_date": "2027-06-12"}], "A stop must fall within the program&#x27;s dates."),
    ],
    ids=["unknown-time-zone", "overlapping-nights", "outside-the-program"],
)
def test_bad_stops_redisplay_the_form_and_save_nothing(staff_client, stops, message):
    response = staff_client.post(reverse("programs:program_new"), program_data(*stops))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Program.objects.exists()


def test_a_sponsor_of_another_council_is_refused(staff_client, other_council):
    foreign = SponsorFactory(council=other_council, name="Someone else's agency")

    response = staff_client.post(reverse("programs:program_new"), program_data(SAN_ANTONIO, sponsor=foreign.pk))

    assert "sponsor" in response.context["form"].errors
    assert not Program.objects.exists()


def test_staff_edit_a_program_and_add_a_stop(staff_client, council):
    program = ProgramFactory(council=council, title="Draft", arrival_date=dt.date(2027, 6, 3))
    stop = StopFactory(
        program=program, city="San Antonio", start_date=dt.date(2027, 6, 3), end_date=dt.date(2027, 6, 7)
    )
    data = program_data(
        {**SAN_ANTONIO, "id": stop.pk, "program": program.pk},
        LAREDO,
        title="Combating Trafficking",
        **{"stops-INITIAL_FORMS": "1", "departure_date": "2027-06-08"},
    )

    staff_client.post(reverse("programs:program_edit", args=[program.pk]), data)

    program.refresh_from_db()
    assert program.title == "Combating Trafficking"
    assert list(program.stops.values_list("city", flat=True)) == ["San Antonio", "Laredo"]


def test_a_stop_with_items_is_not_deleted(staff_client, council):
    program = ProgramFactory(council=council, arrival_date=dt.date(2027, 6, 3), departure_date=dt.date(2027, 6, 8))
    stop = StopFactory(program=program)
    ItineraryItemFactory(program=program, stop=stop)
    data = program_data(
        {**SAN_ANTONIO, "id": stop.pk, "program": program.pk, "DELETE": "on"}, **{"stops-INITIAL_FORMS": "1"}
    )

    response = staff_client.post(reverse("programs:program_edit", args=[program.pk]), data)

    assert "San Antonio has itinerary items: move or delete them first." in response.content.decode()
    assert Stop.objects.filter(pk=stop.pk).exists()


def test_the_workspace_shows_the_program_at_a_glance(staff_client, council):
    program = ProgramFactory(council=council, title="Combating Trafficking", sponsor_reference="IVLP-2027-17")
    StopFactory(program=program, city="Laredo", time_zone="America/Chicago")
    ParticipantFactory(program=program, first_name="Rosa", last_name="Quispe", country="PE")
    ProgramStaffMemberFactory(program=program, name="Marta Díaz")

    body = staff_client.get(reverse("programs:program", args=[program.pk])).content.decode()

    assert "U.S. Department of State, IVLP · IVLP-2027-17" in body
    assert "Laredo" in body
    assert "America/Chicago" in body
    assert "Rosa Quispe" in body
    assert "Marta Díaz (Interpreter)" in body
    assert reverse("meetings:calendar", args=[program.pk]) in body
    assert reverse("meetings:agenda", args=[program.pk]) in body


def test_another_councils_program_is_not_found(other_staff_client, council):
    program = ProgramFactory(council=council)

    assert other_staff_client.get(reverse("programs:program", args=[program.pk])).status_code == 404
    assert other_staff_client.post(reverse("programs:program_edit", args=[program.pk]), {}).status_code == 404
