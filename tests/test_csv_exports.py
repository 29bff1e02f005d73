"""Every CSV export writes text that a spreadsheet would run as a formula with a leading quote (OWASP's "CSV
injection" advice), through one shared neutraliser, ``exchange.csv_safe``; legitimate values are unchanged."""

import csv
import datetime as dt
import decimal
import io

import pytest
import time_machine
from django.urls import reverse

from exchange import csv_safe
from hospitality import registry_csv
from hospitality.models import Volunteer
from meetings.enums import ItemKind, ItemStatus
from programs.enums import Consent
from tests.factories import (
    HostOrganizationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VolunteerFactory,
)
from tests.test_access_matrix import OK, OWN_STAFF, PARAMS, TABLE, _kwargs_for, world  # noqa: F401 - a fixture

HYPERLINK = '=HYPERLINK("http://evil.example","Click")'
PLUS = "+1"
MINUS = "-2+3"
AT = "@SUM(A1)"
TAB = "\t=1+1"
CARRIAGE_RETURN = "\r=1+1"


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def _quoted(value):
    return "'" + value


# The neutraliser


@pytest.mark.parametrize("value", [HYPERLINK, PLUS, MINUS, AT, TAB, CARRIAGE_RETURN, "=cmd|' /C calc'!A0", "+33"])
def test_a_text_cell_that_starts_like_a_formula_gets_a_leading_quote(value):
    assert csv_safe.cell(value) == _quoted(value)
    assert csv_safe.is_neutralised(csv_safe.cell(value))


@pytest.mark.parametrize(
    "value", ["Ana María", "São Paulo", "O'Brien", "a = b", "1+1", "", "'quoted already", "e-mail@example.org"]
)
def test_other_text_is_unchanged(value):
    assert csv_safe.cell(value) == value


@pytest.mark.parametrize("value", [-2, 0, 12, -1.5, decimal.Decimal("-3.25")])
def test_a_number_is_a_number_not_a_formula(value):
    assert csv_safe.cell(value) == value


def test_a_phone_number_keeps_its_plus_only_in_a_phone_column():
    assert csv_safe.cell("+1 314 555 0100", phone=True) == "+1 314 555 0100"
    assert csv_safe.cell("+1 (314) 555-0100", phone=True) == "+1 (314) 555-0100"
    assert csv_safe.cell("+1 314 555 0100") == "'+1 314 555 0100"
    assert csv_safe.cell(PLUS, phone=True) == _quoted(PLUS)  # too short to be a phone number
    assert csv_safe.cell("+1-2+3-4-5-6-7", phone=True) == "'+1-2+3-4-5-6-7"
    assert csv_safe.cell('+1 314 555 0100 HYPERLINK("http://evil.example")', phone=True).startswith("'")


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()

    csv_safe.writer(out).writerows([[HYPERLINK, "Lima", -2], [AT, None, 1.5]])

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        [_quoted(HYPERLINK), "Lima", "-2"],
        [_quoted(AT), "", "1.5"],
    ]


# Each export


@pytest.mark.django_db
def test_the_publication_list_neutralises_names_countries_roles_and_organisations(staff_client, council):
    program = ProgramFactory(council=council)
    ParticipantFactory(
        program=program, first_name=HYPERLINK, last_name="", country="UY", role=MINUS, organization=AT,
        media_consent=Consent.YES,
    )  # fmt: skip
    ParticipantFactory(
        program=program, first_name="Ana", last_name="Zúñiga", country="PE", role="Mayor",
        organization="City of Lima", media_consent=Consent.YES,
    )  # fmt: skip

    rows = _rows(staff_client.get(reverse("logistics:publication_csv", kwargs={"program_id": program.pk})))

    assert rows[1:] == [
        [_quoted(HYPERLINK + " "), "UY", _quoted(MINUS), _quoted(AT)],  # a country is its ISO code
        ["Ana Zúñiga", "PE", "Mayor", "City of Lima"],
    ]


@pytest.mark.django_db
def test_the_statistics_neutralise_program_titles_countries_and_cities(client, staff, council):
    hostile = ProgramFactory(council=council, title=HYPERLINK, arrival_date=dt.date(2027, 3, 1))
    StopFactory(program=hostile, city=MINUS)
    ParticipantFactory(program=hostile, country="UY")  # a country is an ISO code: never a formula
    plain = ProgramFactory(council=council, title="Rule of Law", arrival_date=dt.date(2027, 5, 3))
    plain_stop = StopFactory(program=plain, city="San Antonio")
    ParticipantFactory(program=plain, country="PE")
    ItineraryItemFactory(
        program=plain,
        stop=plain_stop,
        kind=ItemKind.MEETING,
        status=ItemStatus.CONFIRMED,
        host_organization=HostOrganizationFactory(council=council),
    )

    with time_machine.travel(dt.datetime(2027, 12, 31, 12, tzinfo=dt.UTC), tick=False):  # the meeting is held
        client.force_login(staff)
        rows = _rows(client.get(reverse("lifecycle:statistics_csv"), {"year": 2027}))

    assert rows[0] == ["figure", "key", "value"]
    assert ["meetings_held", "", "1"] in rows
    assert ["meetings_held_by_program", _quoted(HYPERLINK), "0"] in rows
    assert ["meetings_held_by_program", "Rule of Law", "1"] in rows
    assert ["visitors_by_country", "UY", "1"] in rows
    assert ["visitors_by_country", "PE", "1"] in rows
    assert ["cities", _quoted(MINUS), "1"] in rows
    assert ["cities", "San Antonio", "1"] in rows


@pytest.mark.django_db
def test_the_volunteer_export_neutralises_every_text_column_and_keeps_phone_numbers(staff_client, council):
    VolunteerFactory(
        council=council, household_name=HYPERLINK, contact_name=AT, phone=PLUS, address=TAB,
        city=CARRIAGE_RETURN, notes=MINUS, email="hostile@example.net",
    )  # fmt: skip
    VolunteerFactory(
        council=council, household_name="The Garcías", contact_name="Eva García", phone="+1 314 555 0100",
        address="12 Elm St", city="San Antonio", notes="Two cats", email="eva@example.net",
    )  # fmt: skip

    response = staff_client.get(reverse("hospitality:volunteer_export"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    hostile, plain = rows["hostile@example.net"], rows["eva@example.net"]
    columns = ["household_name", "contact_name", "phone", "address", "city", "notes"]
    assert [hostile[c] for c in columns] == [_quoted(v) for v in (HYPERLINK, AT, PLUS, TAB, CARRIAGE_RETURN, MINUS)]
    assert [plain[c] for c in columns] == [
        "The Garcías",
        "Eva García",
        "+13145550100",  # E.164
        "12 Elm St",
        "San Antonio",
        "Two cats",
    ]


@pytest.mark.django_db
def test_an_exported_registry_imports_back_as_typed(council):
    VolunteerFactory(council=council, household_name=HYPERLINK, contact_name=AT, notes=MINUS, email="h@example.net")
    text = registry_csv.export_volunteers(Volunteer.objects.filter(council=council).prefetch_related("available_dates"))
    Volunteer.objects.filter(council=council).update(household_name="changed", contact_name="changed", notes="")

    report = registry_csv.read_volunteers(text, council=council)
    registry_csv.import_volunteers(report=report, import_valid_rows=False)

    assert report.errors == []
    volunteer = Volunteer.objects.get(council=council)
    assert (volunteer.household_name, volunteer.contact_name, volunteer.notes) == (HYPERLINK, AT, MINUS)


# No other export


@pytest.mark.django_db
def test_these_are_all_the_csv_exports_of_the_project(world, client):  # noqa: F811 - the access matrix's fixture
    """A CSV export added later fails here until it writes through ``exchange.csv_safe`` and has its test above."""
    client.force_login(world["own"])
    exports = set()
    for name in sorted(PARAMS):
        row = TABLE[name]
        if row.token or row.expect[OWN_STAFF] != OK:
            continue
        url = reverse(name, kwargs=_kwargs_for(name, world, OWN_STAFF))
        if row.query:
            url += f"?participant={world['participant'].pk}&day=2027-03-02"
        response = client.get(url)
        if "csv" in response.get("Content-Type", "") or ".csv" in response.get("Content-Disposition", ""):
            exports.add(name)

    # The participant and directory exports are tested in tests/imports, the agency's itinerary version in
    # tests/journeys (CSV, XLSX and JSON, formulas neutralised).
    assert exports == {
        "agency_exchange:version_export",
        "hospitality:volunteer_export",
        "lifecycle:statistics_csv",
        "logistics:publication_csv",
        "programs:participant_export",
        "directory:contacts_export",
        "directory:venues_export",
    }
