import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hospitality.models import Volunteer, VolunteerAvailability
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2027, 3, 2)
HEADER = "household_name,contact_name,email,languages,max_guests,available_weekdays,active\n"


def _names(response):
    return [v.household_name for v in response.context["page"]]


def test_registry_filters_by_language_date_capacity_and_activity(staff_client, council, other_council):
    make_volunteer(
        council, household_name="Spanish 1 Tuesdays", languages="en,es", available_weekdays=[2], max_guests=4
    )
    make_volunteer(council, household_name="Spanish Fridays", languages="es", available_weekdays=[5], max_guests=4)
    offered = make_volunteer(council, household_name="Spanish 2 dated", languages="es", available_weekdays=[])
    VolunteerAvailability.objects.create(volunteer=offered, date=TUESDAY)
    make_volunteer(council, household_name="Spanish small", languages="es", available_weekdays=[2], max_guests=1)
    make_volunteer(council, household_name="Spanish resting", languages="es", available_weekdays=[2], active=False)
    make_volunteer(council, household_name="English", languages="en", available_weekdays=[2])
    make_volunteer(council, household_name="Estonian", languages="et", available_weekdays=[2])
    make_volunteer(other_council, household_name="Other council", languages="es", available_weekdays=[2])

    response = staff_client.get(
        reverse("hospitality:volunteers"),
        {"language": "es", "available_on": "2027-03-02", "min_guests": "2", "active": "yes"},
    )

    assert _names(response) == ["Spanish 1 Tuesdays", "Spanish 2 dated"]


def test_registry_searches_by_name_or_email(staff_client, council):
    make_volunteer(council, household_name="The Okafors", email="okafor@example.net")
    make_volunteer(council, household_name="The Lins", email="lin@example.net")

    response = staff_client.get(reverse("hospitality:volunteers"), {"q": "OKAFOR"})

    assert _names(response) == ["The Okafors"]


@pytest.mark.parametrize("rows", [2, 20])
def test_registry_search_by_language_and_date_uses_a_constant_number_of_queries(
    staff_client, council, django_assert_num_queries, rows
):
    for n in range(rows):
        volunteer = make_volunteer(council, household_name=f"Home {n:02}", languages="es", available_weekdays=[2])
        VolunteerAvailability.objects.create(volunteer=volunteer, date=TUESDAY + dt.timedelta(days=n))

    # session, user (with council), count, one page of volunteers, their offered dates
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("hospitality:volunteers"), {"language": "es", "available_on": "2027-03-02"})

    assert len(response.context["page"]) == rows


def test_staff_add_a_volunteer_with_weekdays_and_dates(staff_client, council):
    response = staff_client.post(
        reverse("hospitality:volunteer_create"),
        {
            "household_name": "The Garcías",
            "contact_name": "Marta García",
            "email": "Marta@Example.net",
            "address": "12 Oak St",
            "city": "St. Louis",
            "languages": "es, en",
            "preferred_language": "es",
            "max_guests": "3",
            "dietary_accommodations": "vegetarian",
            "accessibility": "step-free entrance",
            "pets": "a cat",
            "vetting_status": "vetted",
            "vetted_on": "2027-01-10",
            "available_weekdays": ["7"],
            "available_dates": "2027-03-02",
            "active": "on",
            "notes": "Met at the spring fair",
        },
    )

    assert response.status_code == 302
    volunteer = Volunteer.objects.get(council=council)
    assert (volunteer.email, volunteer.languages, volunteer.available_weekdays) == ("marta@example.net", "es,en", [7])
    assert [a.date for a in volunteer.available_dates.all()] == [TUESDAY]


def test_the_form_refuses_a_second_volunteer_with_the_same_email(staff_client, council):
    make_volunteer(council, email="same@example.net")

    response = staff_client.post(
        reverse("hospitality:volunteer_create"),
        {
            "household_name": "X",
            "contact_name": "X",
            "email": "SAME@example.net",
            "languages": "en",
            "preferred_language": "en",
            "max_guests": "2",
            "vetting_status": "not_started",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Another volunteer of the council has this email."]


def test_export_writes_the_filtered_list_in_the_import_columns(staff_client, council):
    volunteer = make_volunteer(council, household_name="=Spanish", languages="es", phone="+1 314 555 0100")
    VolunteerAvailability.objects.create(volunteer=volunteer, date=TUESDAY)
    make_volunteer(council, household_name="English", languages="en")

    response = staff_client.get(reverse("hospitality:volunteer_export"), {"language": "es"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["household_name"], r["phone"], r["available_weekdays"], r["available_dates"]) for r in rows] == [
        ("'=Spanish", "+13145550100", "2", "2027-03-02")  # the phone number in E.164
    ]


def _upload(client, text, **extra):
    upload = SimpleUploadedFile("volunteers.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("hospitality:volunteer_import"), {"file": upload, **extra})


BAD_FILE = (
    HEADER
    + "The Lees,Min Lee,min@example.net,en,2,sat sun,yes\n"
    + "The Nobodies,,nobody@example.net,en,2,,yes\n"
    + "The Diaz,Eva Diaz,not-an-email,es,two,,yes\n"
    + "The Kims,Jo Kim,jo@example.net,ko,3,tue,maybe\n"
    + "The Lees again,Min Lee,MIN@example.net,en,2,,yes\n"
)


def test_import_reports_every_bad_row_by_line_and_writes_nothing(staff_client, council):
    response = _upload(staff_client, BAD_FILE)

    report = response.context["report"]
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "contact_name: This field is required."),
        (4, "max_guests: Enter a whole number."),
        (4, "email: Enter a valid email address."),
        (5, "active: “maybe” is not yes or no."),
        (6, "The email min@example.net is also on line 2."),
    ]
    assert "Line 3: contact_name: This field is required." in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    assert Volunteer.objects.count() == 0


def test_import_writes_the_valid_rows_when_staff_ask(staff_client, council):
    response = _upload(staff_client, BAD_FILE, import_valid_rows="on")

    assert response.context["report"].created == 1
    volunteer = Volunteer.objects.get()
    assert (volunteer.household_name, volunteer.available_weekdays, volunteer.council) == ("The Lees", [6, 7], council)
    assert "These rows were skipped:" in response.content.decode()


def test_import_updates_a_volunteer_with_the_same_email(staff_client, council):
    existing = make_volunteer(council, household_name="Old name", email="min@example.net")

    response = _upload(staff_client, HEADER + "The Lees,Min Lee,MIN@example.net,en,4,,no\n")

    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.household_name, existing.max_guests, existing.active) == ("The Lees", 4, False)
    assert Volunteer.objects.count() == 1


def test_import_refuses_a_file_with_unknown_or_missing_columns(staff_client):
    response = _upload(staff_client, "household,email\nThe Lees,min@example.net\n")

    assert [(e.line, e.message) for e in response.context["report"].errors] == [
        (1, "Missing columns: household_name, contact_name."),
        (1, "Unknown columns: household."),
    ]


def test_import_refuses_a_file_over_the_size_limit(staff_client):
    response = _upload(staff_client, HEADER + "x" * (1024 * 1024 + 1))

    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB."]
    assert Volunteer.objects.count() == 0
