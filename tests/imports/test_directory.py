import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from councils.enums import StaffRole
from directory.enums import Sector
from directory.models import Contact, HostOrganization, Venue
from tests.factories import ContactFactory, HostOrganizationFactory, StaffMembershipFactory, VenueFactory
from tests.imports.conftest import csv_file, downloaded, xlsx_file, xlsx_rows

pytestmark = pytest.mark.django_db

CONTACTS_URL = reverse("directory:contacts_import")
VENUES_URL = reverse("directory:venues_import")


@pytest.fixture
def admin_client(client, council):
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)
    return client


def _contacts_workbook():
    return xlsx_file(
        [
            ["Organization", "Sector", "City", "Contact name", "Title", "Email", "Phone", "Preferred language"],
            [  # a sector by its label, a phone typed in the council's country
                "Bexar County District Attorney",
                "Justice",
                "San Antonio",
                "Ana Ruiz",
                "Prosecutor",
                "ana@example.org",
                "210 555 0100",
                "Spanish",
            ],
            ["Bexar County District Attorney", "", "", "Tom Lee", "", "tom@example.org", "", "en"],
            ["Bexar County District Attorney", "Media", "", "Kim Ode", "", "kim@example.org", "", ""],
            ["San Antonio Express-News", "newsroom", "San Antonio", "Dee Park", "Data editor", "dee@", "12", "klingon"],
            ["", "", "", "No Org", "", "", "", ""],
            ["Alamo Area Coalition", "ngo", "", "", "", "", "", ""],
        ]
    )


def test_contacts_xlsx_with_bad_rows_is_reported_by_sheet_row_and_nothing_is_written(admin_client, council):
    response = admin_client.post(CONTACTS_URL, {"file": _contacts_workbook()})

    report = response.context["report"]
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (4, "sector", "“Media” differs from line 2 of this organization."),
        (5, "sector", f"“newsroom” is not one of: {', '.join(Sector.values)}."),
        (5, "preferred_language", "“klingon” is not one of: en, es, pt, fr."),
        (5, "email", "Enter a valid email address."),
        (5, "phone", "Enter a valid phone number (e.g. (201) 555-0123) or a number with an international call prefix."),
        (6, "organization", "This field is required."),
    ]
    assert [(row.line, row.label, row.action) for row in report.planned] == [
        (2, "Ana Ruiz, Bexar County District Attorney", "create"),
        (3, "Tom Lee, Bexar County District Attorney", "create"),
        (7, "Alamo Area Coalition", "create"),
    ]
    assert (HostOrganization.objects.count(), Contact.objects.count()) == (0, 0)


def test_importing_the_valid_contact_rows_writes_exactly_them(admin_client, council, preview_then_import):
    preview, done = preview_then_import(admin_client, CONTACTS_URL, _contacts_workbook())

    assert sorted(HostOrganization.objects.filter(council=council).values_list("name", "sector", "city")) == [
        ("Alamo Area Coalition", "ngo", ""),
        ("Bexar County District Attorney", "justice", "San Antonio"),
    ]
    assert sorted(Contact.objects.values_list("name", "email", "phone", "preferred_language")) == [
        ("Ana Ruiz", "ana@example.org", "+12105550100", "es"),
        ("Tom Lee", "tom@example.org", "", "en"),
    ]
    assert (done.context["report"].created, done.context["report"].updated) == (3, 0)
    assert AuditEvent.objects.filter(action="create contact from import").count() == 2
    assert AuditEvent.objects.filter(action="create host organization from import").count() == 2


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_contacts_export_imported_back_changes_nothing(admin_client, council, format):
    organization = HostOrganizationFactory(council=council, name="=Shelter", sector="shelter", phone="+12105550101")
    ContactFactory(organization=organization, name="Ana Ruiz", title="-Director", phone="+12105550102", active=False)
    ContactFactory(organization=organization, name="Tom Lee", notes="Call first.\nSpanish speaker.")
    HostOrganizationFactory(council=council, name="Empty org", website="https://example.org/")
    HostOrganizationFactory(name="Another council's")
    exported = admin_client.get(reverse("directory:contacts_export", kwargs={"format": format}))

    response = admin_client.post(CONTACTS_URL, {"file": downloaded(exported, f"c.{format}")})

    report = response.context["report"]
    assert (report.errors, len(report.planned), report.to_write) == ([], 3, [])


def test_an_edited_contacts_export_updates_in_place(admin_client, council, preview_then_import):
    organization = HostOrganizationFactory(council=council, name="Legal Aid", city="Laredo")
    ana = ContactFactory(organization=organization, name="Ana Ruiz", title="Lawyer")
    exported = admin_client.get(reverse("directory:contacts_export", kwargs={"format": "csv"})).content.decode()
    edited = exported.replace("Lawyer", "Director").replace("Laredo", "San Antonio")

    preview, done = preview_then_import(admin_client, CONTACTS_URL, csv_file(edited))

    assert preview.context["report"].to_update[0].changes == [
        ("city", "Laredo", "San Antonio"),
        ("title", "Lawyer", "Director"),
    ]
    ana.refresh_from_db()
    organization.refresh_from_db()
    assert (ana.title, organization.city, Contact.objects.count()) == ("Director", "San Antonio", 1)


def test_coordinators_export_the_directory_but_do_not_import_into_it(staff_client, council):
    ContactFactory(organization__council=council, name="Ana Ruiz")

    exported = staff_client.get(reverse("directory:contacts_export", kwargs={"format": "csv"}))
    refused = staff_client.post(CONTACTS_URL, {"file": csv_file("organization\nNew org\n")})
    refused_venues = staff_client.post(VENUES_URL, {"file": csv_file("name\nNew venue\n")})

    assert "Ana Ruiz" in exported.content.decode()
    assert (refused.status_code, refused_venues.status_code) == (403, 403)
    assert (HostOrganization.objects.filter(name="New org").count(), Venue.objects.count()) == (0, 0)


def test_exports_hold_only_the_councils_own_directory(staff_client, council, other_council):
    ContactFactory(organization__council=council, name="Ours")
    ContactFactory(organization__council=other_council, name="Theirs")
    VenueFactory(council=other_council, name="Their venue")

    contacts = staff_client.get(reverse("directory:contacts_export", kwargs={"format": "csv"})).content.decode()
    venues = staff_client.get(reverse("directory:venues_export", kwargs={"format": "csv"})).content.decode()

    assert [row["contact_name"] for row in csv.DictReader(io.StringIO(contacts))] == ["Ours"]
    assert list(csv.DictReader(io.StringIO(venues))) == []


def test_a_contact_id_of_another_council_is_refused(admin_client, other_council):
    theirs = ContactFactory(organization__council=other_council, name="Theirs")
    upload = csv_file(f"organization,contact_id,contact_name\nOur org,{theirs.pk},Renamed\n")

    response = admin_client.post(CONTACTS_URL, {"file": upload})

    assert [(e.line, e.column) for e in response.context["report"].errors] == [(2, "contact_id")]
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_venues_bad_rows_are_reported_and_valid_rows_imported(admin_client, council, preview_then_import):
    HostOrganizationFactory(council=council, name="UTSA")
    VenueFactory(council=council, name="City Hall", city="San Antonio")
    text = (
        "Venue,organization,city,latitude,online,meeting link\n"
        "UTSA Downtown,utsa,San Antonio,29.4241,no,\n"
        "Zoom room,,,,yes,\n"
        "Library,Nowhere Inc,,north,maybe,\n"
        "city hall,,Laredo,,,\n"
        "UTSA downtown,,,,,\n"
    )

    preview, done = preview_then_import(admin_client, VENUES_URL, csv_file(text))

    assert [(e.line, e.column, e.message) for e in preview.context["report"].errors] == [
        (3, "meeting_url", "An online venue needs its meeting link."),
        (4, "organization", "No host organization of the directory is named “Nowhere Inc”."),
        (4, "online", "“maybe” is not yes or no."),
        (4, "latitude", "Enter a number."),
        (6, "name", "“UTSA downtown” is also on line 2."),
    ]
    assert sorted(Venue.objects.values_list("name", "city", "organization__name")) == [
        ("City Hall", "Laredo", None),
        ("UTSA Downtown", "San Antonio", "UTSA"),
    ]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_venues_export_imported_back_changes_nothing(admin_client, council, format):
    organization = HostOrganizationFactory(council=council, name="UTSA")
    VenueFactory(council=council, name="@Downtown", organization=organization, latitude="29.424100")
    VenueFactory(council=council, name="Online", is_online=True, meeting_url="https://meet.example.org/x")
    exported = admin_client.get(reverse("directory:venues_export", kwargs={"format": format}))

    response = admin_client.post(VENUES_URL, {"file": downloaded(exported, f"v.{format}")})

    report = response.context["report"]
    assert (report.errors, len(report.unchanged)) == ([], 2)


def test_formula_cells_are_neutralised_in_directory_exports(staff_client, council):
    ContactFactory(organization__council=council, organization__name="=cmd|' /C calc'!A0", name="+SUM(1)")

    as_csv = staff_client.get(reverse("directory:contacts_export", kwargs={"format": "csv"})).content.decode()
    cells, sheet = xlsx_rows(staff_client.get(reverse("directory:contacts_export", kwargs={"format": "xlsx"})).content)

    row = next(csv.DictReader(io.StringIO(as_csv)))
    assert (row["organization"], row["contact_name"]) == ("'=cmd|' /C calc'!A0", "'+SUM(1)")
    assert (cells[1][0], sheet["A2"].data_type) == ("=cmd|' /C calc'!A0", "s")


@pytest.mark.parametrize("rows", [2, 20])
def test_directory_previews_and_exports_cost_the_same_queries_for_any_length(
    admin_client, council, django_assert_num_queries, rows
):
    for n in range(rows):
        ContactFactory(organization__council=council, organization__name=f"Org {n:02}", name=f"Person {n}")
        VenueFactory(council=council, name=f"Venue {n:02}")
    contacts = "".join(f"Org {n:02},Person {n},+1 210 555 01{n:02}\n" for n in range(rows))
    venues = "".join(f"Venue {n:02},Org {n:02}\n" for n in range(rows))

    # session, user (with council), organizations, contacts (with organization)
    with django_assert_num_queries(4):
        preview = admin_client.post(CONTACTS_URL, {"file": csv_file("organization,contact_name,phone\n" + contacts)})
    # session, user (with council), organizations, venues (with organization)
    with django_assert_num_queries(4):
        admin_client.post(VENUES_URL, {"file": csv_file("name,organization\n" + venues)})
    # session, user (with council), organizations, their contacts
    with django_assert_num_queries(4):
        admin_client.get(reverse("directory:contacts_export", kwargs={"format": "xlsx"}))
    # session, user (with council), venues (with organization)
    with django_assert_num_queries(3):
        admin_client.get(reverse("directory:venues_export", kwargs={"format": "csv"}))

    assert len(preview.context["report"].to_update) == rows
