import datetime as dt

import pytest
from django.urls import reverse

from hospitality.models import Volunteer
from tests.factories import VolunteerFactory
from tests.imports.conftest import downloaded, xlsx_file, xlsx_rows

pytestmark = pytest.mark.django_db

URL = reverse("hospitality:volunteer_import")


def test_a_volunteer_workbook_is_reported_by_sheet_row_and_nothing_is_written(staff_client, council):
    upload = xlsx_file(
        [
            ["Household_Name", "Contact_Name", "Email", "Max_Guests", "Vetted_On"],
            ["The Lees", "Min Lee", "min@example.net", 3, None],
            ["The Kims", "", "jo@example.net", 2, None],
            ["The Diaz", "Eva Diaz", "eva@example.net", "two", None],
        ]
    )

    response = staff_client.post(URL, {"file": upload})

    assert [(e.line, e.message) for e in response.context["report"].errors] == [
        (3, "contact_name: This field is required."),
        (4, "max_guests: Enter a whole number."),
    ]
    assert Volunteer.objects.count() == 0


def test_a_volunteer_workbook_imports_its_valid_rows_with_dates_from_date_cells(staff_client, council):
    upload = xlsx_file(
        [
            ["household_name", "contact_name", "email", "max_guests", "vetting_status", "vetted_on"],
            ["The Lees", "Min Lee", "min@example.net", 3, "vetted", dt.date(2027, 1, 10)],
            ["The Kims", "", "jo@example.net", 2, "vetted", None],
        ]
    )

    staff_client.post(URL, {"file": upload, "import_valid_rows": "on"})

    volunteer = Volunteer.objects.get(council=council)
    assert (volunteer.household_name, volunteer.max_guests, volunteer.vetted_on) == (
        "The Lees",
        3,
        dt.date(2027, 1, 10),
    )


def test_the_volunteer_excel_export_neutralises_formulas_and_reads_back_unchanged(staff_client, council):
    VolunteerFactory(
        council=council, household_name='=HYPERLINK("http://x")', email="a@example.net", phone="+13145550100"
    )
    exported = staff_client.get(reverse("hospitality:volunteer_export_xlsx"))
    cells, sheet = xlsx_rows(exported.content)

    response = staff_client.post(URL, {"file": downloaded(exported, "volunteers.xlsx")})

    assert (cells[1][0], sheet["A2"].data_type, cells[1][3]) == ('=HYPERLINK("http://x")', "s", "+13145550100")
    assert response.status_code == 302  # no errors: imported at once, matched by email
    assert Volunteer.objects.get().household_name == '=HYPERLINK("http://x")'


def test_another_councils_staff_export_only_their_volunteers(other_staff_client, council):
    VolunteerFactory(council=council, household_name="Ours")

    exported = other_staff_client.get(reverse("hospitality:volunteer_export_xlsx"))

    assert xlsx_rows(exported.content)[0][1:] == []
