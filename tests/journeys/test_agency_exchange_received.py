"""The agency's program request and rooming list: checked row by row, kept as numbered versions, compared, and
applied to the travellers and the accepted segments."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agency_exchange.enums import ReceivedKind
from agency_exchange.models import ReceivedVersion, Room, TravellerArrival
from audit.models import AuditEvent
from journeys.models import Traveller
from logistics.models import HotelBooking
from programs.models import Participant
from tests.journeys.agency_exchange_world import build_world

pytestmark = pytest.mark.django_db

HEADER = "full_name,email,language,country,organization,bio,dietary_needs,arrival_flight,arrival_at\n"
REQUEST_V1 = HEADER + (
    "Lucía Fernández,lucia@example.com,Spanish,Argentina,Fiscalía,Prosecutor,,AA 1234,2027-03-01 15:20\n"
    "João Silva,joao@example.com,pt,Brasil,Polícia Federal,,Vegetarian,,\n"
)


@pytest.fixture
def world(council, other_council):
    return build_world(council, other_council)


@pytest.fixture
def agency_client(client, world):
    client.force_login(world.agency_user)
    return client


def _send(client, world, name, content, kind=ReceivedKind.PROGRAM_REQUEST, **extra):
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    return client.post(
        reverse("agency_exchange:program", args=[world.national_program.pk]), {"kind": kind, "file": upload, **extra}
    )


def _apply(client, version):
    return client.post(reverse("agency_exchange:apply", args=[version.pk]))


def test_a_request_is_kept_as_a_version_and_written_only_when_applied(agency_client, world):
    response = _send(agency_client, world, "request.csv", REQUEST_V1, objectives="Prosecution and prevention")

    version = ReceivedVersion.objects.get()
    assert response.status_code == 302
    assert (version.number, version.kind, version.is_applied) == (1, ReceivedKind.PROGRAM_REQUEST, False)
    assert Traveller.objects.filter(full_name="João Silva").exists() is False

    _apply(agency_client, version)

    joao = Traveller.objects.get(full_name="João Silva")
    assert (joao.email, joao.language, joao.country.code, joao.dietary_needs) == (
        "joao@example.com",
        "pt",
        "BR",
        "Vegetarian",
    )
    lucia = Traveller.objects.get(email="lucia@example.com")  # the traveller already there, updated in place
    assert (lucia.organization, lucia.arrival.flight) == ("Fiscalía", "AA 1234")
    assert lucia.arrival.arrives_at.isoformat() == "2027-03-01T21:20:00+00:00"  # 15:20 on San Antonio's clock
    assert Traveller.objects.filter(national_program=world.national_program).count() == 2
    world.national_program.refresh_from_db()
    assert world.national_program.objectives == "Prosecution and prevention"
    # Each accepted segment's delegation has João too, linked to the same traveller.
    assert sorted(Participant.objects.filter(traveller=joao).values_list("program__council__slug", "last_name")) == [
        ("saciv", "Silva"),
        ("stl-civ", "Silva"),
    ]
    assert sorted(
        AuditEvent.objects.filter(action="apply agency's program request").values_list("council__slug", "username")
    ) == [
        ("saciv", "northfield-officer"),
        ("stl-civ", "northfield-officer"),
    ]


def test_what_changed_between_received_versions_is_shown_field_by_field(agency_client, world):
    _send(agency_client, world, "request.csv", REQUEST_V1)
    _apply(agency_client, ReceivedVersion.objects.get(number=1))
    second = {
        "objectives": "Prosecution, protection and prevention",
        "travellers": [
            {
                "full_name": "Lucía Fernández",
                "email": "lucia@example.com",
                "country": "AR",
                "language": "es",
                "dietary_needs": "No pork",
            },
            {"full_name": "Ana Rojas", "email": "ana@example.com", "country": "Peru", "language": "es"},
        ],
    }

    _send(agency_client, world, "request.json", json.dumps(second))
    version = ReceivedVersion.objects.get(number=2)
    page = agency_client.get(reverse("agency_exchange:received", args=[version.pk]))

    changes = {(change.mark, change.name): change.fields for change in page.context["changes"]}
    assert set(changes) == {("changed", "Lucía Fernández"), ("added", "Ana Rojas"), ("removed", "João Silva")}
    assert ("Dietary needs", "", "No pork") in [tuple(map(str, f)) for f in changes["changed", "Lucía Fernández"]]
    assert "No pork" in page.content.decode()

    _apply(agency_client, version)

    assert sorted(Traveller.objects.values_list("full_name", flat=True)) == ["Ana Rojas", "Lucía Fernández"]
    assert Participant.objects.filter(last_name="Silva").count() == 0
    assert set(Participant.objects.filter(email="lucia@example.com").values_list("dietary_needs", flat=True)) == {
        "No pork"
    }


def test_bad_rows_of_a_request_are_reported_by_line_and_nothing_is_kept(agency_client, world):
    content = REQUEST_V1 + "Nadie,not-an-email,Klingon,Atlantis,,,,,\n" + "Pedro Gómez,,es,Bolivia,,,,,tomorrow\n"

    response = _send(agency_client, world, "request.csv", content)

    errors = response.context["report"].errors
    assert [(error.line, error.message.split(":")[0]) for error in errors] == [
        (4, "email"),
        (4, "country"),
        (4, "language"),
        (5, "arrival_at"),
    ]
    assert "Line 4" in response.content.decode()
    assert ReceivedVersion.objects.count() == 0


def test_an_xlsx_request_is_reported_by_its_sheet_rows(agency_client, world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Full name", "Email", "Country"])
    sheet.append(["Ana Rojas", "ana@example.com", "Peru"])
    sheet.append(["Ana Rojas", "ana@example.com", "Peru"])
    out = io.BytesIO()
    workbook.save(out)

    response = _send(agency_client, world, "request.xlsx", out.getvalue())

    assert [(error.line, error.message) for error in response.context["report"].errors] == [
        (3, "ana@example.com is also on line 2.")
    ]
    assert ReceivedVersion.objects.count() == 0


def test_a_rooming_list_gives_each_accepted_city_its_confirmation_numbers(agency_client, world):
    _send(agency_client, world, "request.csv", REQUEST_V1)
    _apply(agency_client, ReceivedVersion.objects.get())
    rooms = (
        "traveller,city,hotel,confirmation_number\n"
        "lucia@example.com,San Antonio,Riverwalk Plaza,RP-1001\n"
        "João Silva,St. Louis,Union Station Hotel,US-77\n"
    )

    _send(agency_client, world, "rooms.csv", rooms, kind=ReceivedKind.ROOMING_LIST)
    _apply(agency_client, ReceivedVersion.objects.get(kind=ReceivedKind.ROOMING_LIST))

    bookings = HotelBooking.objects.select_related("stop__hotel", "participant")
    assert sorted((b.participant.last_name, b.stop.hotel.name, b.confirmation_number) for b in bookings) == [
        ("Fernández", "Riverwalk Plaza", "RP-1001"),
        ("Silva", "Union Station Hotel", "US-77"),
    ]
    assert Room.objects.count() == 2


def test_a_rooming_list_row_naming_a_stranger_or_an_unknown_city_is_refused(agency_client, world):
    rooms = "traveller,city,hotel\nSomeone Else,San Antonio,Riverwalk Plaza\nlucia@example.com,Laredo,La Posada\n"

    response = _send(agency_client, world, "rooms.csv", rooms, kind=ReceivedKind.ROOMING_LIST)

    assert [error.line for error in response.context["report"].errors] == [2, 3]
    assert ReceivedVersion.objects.count() == 0


def test_a_file_that_is_not_csv_xlsx_or_json_is_refused_clearly(agency_client, world):
    response = _send(agency_client, world, "request.json", "{not json")

    assert response.context["form"].errors["file"] == ["The file is not valid JSON (line 1)."]
    assert ReceivedVersion.objects.count() == 0


def test_another_agency_cannot_open_or_apply_a_received_version(agency_client, world, client):
    from tests.journeys.agency_exchange_world import agency_with_officer

    _send(agency_client, world, "request.csv", REQUEST_V1)
    version = ReceivedVersion.objects.get()
    _other, stranger = agency_with_officer("Harbor Exchange Partners", "harbor", email="po@harbor.example")
    client.force_login(stranger)

    responses = [client.get(reverse("agency_exchange:received", args=[version.pk])), _apply(client, version)]

    assert [r.status_code for r in responses] == [404, 404]
    assert ReceivedVersion.objects.get().is_applied is False
    assert TravellerArrival.objects.count() == 0


def test_council_staff_cannot_send_or_apply_the_agencys_files(world, client):
    client.force_login(world.staff)

    response = _send(client, world, "request.csv", REQUEST_V1)

    assert response.status_code == 403
    assert ReceivedVersion.objects.count() == 0


@pytest.mark.parametrize("size", [1, 4])
def test_the_exchange_page_keeps_its_query_count(agency_client, world, django_assert_num_queries, size):
    for _ in range(size):
        _send(agency_client, world, "request.csv", REQUEST_V1)

    # session, user (with agency), national program, received versions, segments with councils, their versions,
    # their edits
    with django_assert_num_queries(7):
        response = agency_client.get(reverse("agency_exchange:program", args=[world.national_program.pk]))

    assert response.content.decode().count("/agency-exchange/received/") == size
