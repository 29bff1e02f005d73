import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from programs.models import Participant
from tests.factories import ParticipantFactory, ProgramFactory
from tests.imports.conftest import csv_file, downloaded, xlsx_file, xlsx_rows

pytestmark = pytest.mark.django_db

HEADER = ["First Name", "Last name", "COUNTRY", "email", "phone", "preferred_language", "share_bio"]


def _url(program):
    return reverse("programs:participant_import", kwargs={"program_id": program.pk})


def _export(client, program, format):
    url = reverse("programs:participant_export", kwargs={"program_id": program.pk, "format": format})
    return client.get(url)


def _bad_workbook():
    return xlsx_file(
        [
            HEADER,
            ["Lucía", "Fernández", "Perú", "lucia@example.com", "+51 1 4112000", "Español", "sí"],
            ["Grace", "", "Belize", "grace@example.com", "", "en", "no"],
            [],  # a blank row keeps its number: the next row is the sheet's row 5
            ["Mateo", "Silva", "Narnia", "mateo@example.com", "12", "klingon", "maybe"],
            ["João", "Souza", "BR", "LUCIA@example.com", "", "pt", "yes"],
            ["Ana", "Rojas", "Bolivie", "ana@example.com", "", "fr", ""],
        ]
    )


def test_xlsx_with_bad_rows_is_reported_by_sheet_row_and_nothing_is_written(staff_client, program):
    response = staff_client.post(_url(program), {"file": _bad_workbook()})

    report = response.context["report"]
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "last_name", "This field is required."),
        (5, "country", "“Narnia” is not a country."),
        (5, "preferred_language", "“klingon” is not one of the languages: en, es, pt, fr."),
        (5, "share_bio", "“maybe” is not yes or no."),
        (5, "phone", "Enter a valid phone number (e.g. (201) 555-0123) or a number with an international call prefix."),
        (6, "email", "“lucia@example.com” is also on line 2."),
    ]
    assert [(row.line, row.label) for row in report.to_create] == [(2, "Lucía Fernández"), (7, "Ana Rojas")]
    assert Participant.objects.count() == 0


def test_importing_the_valid_rows_writes_exactly_them(staff_client, program, preview_then_import):
    preview, done = preview_then_import(staff_client, _url(program), _bad_workbook())

    assert done.context["report"].created == 2
    saved = Participant.objects.filter(program=program).order_by("first_name")
    assert [
        (p.full_name, p.country.code, p.email, p.phone.as_e164 if p.phone else "", p.preferred_language, p.share_bio)
        for p in saved
    ] == [
        ("Ana Rojas", "BO", "ana@example.com", "", "fr", False),
        ("Lucía Fernández", "PE", "lucia@example.com", "+5114112000", "es", True),
    ]
    assert "These rows were skipped:" in done.content.decode()
    assert AuditEvent.objects.filter(action="import participants", object_id=str(program.pk)).count() == 1
    assert AuditEvent.objects.filter(action="create participant from import").count() == 2


def test_a_csv_with_semicolons_and_names_in_spanish_is_imported(staff_client, program, preview_then_import):
    text = (
        "first_name;last_name;country;email;media_consent\n"
        "Lucía;Fernández;Estados Unidos;lucia@example.com;sí\n"
        "Grace;Young;República Dominicana;grace@example.com;\n"
        'Carla;"Pérez\nRuiz";Reino Unido;not-an-email;no\n'
        "Hugo;Díaz;Uruguay;hugo@example.com;perhaps\n"
    )

    preview, done = preview_then_import(staff_client, _url(program), csv_file(text))

    assert [(e.line, e.column, e.message) for e in preview.context["report"].errors] == [
        (4, "email", "Enter a valid email address."),
        (6, "media_consent", "“perhaps” is not yes, no or unknown."),  # line 4's name spans two lines
    ]
    assert Participant.objects.filter(program=program).count() == 2
    assert sorted(Participant.objects.values_list("email", "country", "media_consent")) == [
        ("grace@example.com", "DO", "unknown"),
        ("lucia@example.com", "US", "yes"),
    ]
    assert done.status_code == 200  # the skipped rows stay on screen


def test_a_file_without_errors_is_imported_and_staff_return_to_the_delegation(
    staff_client, program, preview_then_import
):
    upload = csv_file("first_name,last_name,country\nLucía,Fernández,PE\n")

    preview, done = preview_then_import(staff_client, _url(program), upload)

    assert Participant.objects.get(program=program).full_name == "Lucía Fernández"
    assert done.url == reverse("programs:participants", kwargs={"program_id": program.pk})


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_imported_back_changes_nothing(staff_client, program, format):
    ParticipantFactory(
        program=program,
        first_name="Lucía",
        last_name="Fernández",
        country="PE",
        email="lucia@example.com",
        phone="+51 1 4112000",
        bio="Prosecutor, 12 years.\nSpeaks Quechua.",
        share_bio=True,
        media_consent="yes",
    )
    ParticipantFactory(program=program, first_name="=Grace", last_name="-Young", country="BZ", email="")
    exported = _export(staff_client, program, format)
    upload = downloaded(exported, f"participants.{format}")

    response = staff_client.post(_url(program), {"file": upload})

    report = response.context["report"]
    assert (report.errors, len(report.unchanged), report.to_write) == ([], 2, [])
    assert "The file changes nothing." in response.content.decode()


def test_an_edited_export_updates_participants_in_place_by_id(staff_client, program, preview_then_import):
    lucia = ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", dietary_needs="")
    grace = ParticipantFactory(program=program, first_name="Grace", last_name="Young")
    rows = list(csv.reader(io.StringIO(_export(staff_client, program, "csv").content.decode())))
    header = rows[0]
    by_name = {row[header.index("first_name")]: row for row in rows[1:]}
    by_name["Lucía"][header.index("dietary_needs")] = "vegetarian"
    by_name["Lucía"][header.index("email")] = "lucia.fernandez@example.com"
    out = io.StringIO()
    csv.writer(out).writerows([header, by_name["Lucía"], by_name["Grace"]])

    preview, done = preview_then_import(staff_client, _url(program), csv_file(out.getvalue()))

    assert [(row.label, row.changes) for row in preview.context["report"].to_update] == [
        (
            "Lucía Fernández",
            [("email", "lucía@example.com", "lucia.fernandez@example.com"), ("dietary_needs", "", "vegetarian")],
        )
    ]
    lucia.refresh_from_db()
    assert (lucia.email, lucia.dietary_needs) == ("lucia.fernandez@example.com", "vegetarian")
    assert Participant.objects.filter(program=program).count() == 2
    assert grace.pk in Participant.objects.values_list("pk", flat=True)


def test_a_row_naming_another_programs_participant_is_refused(staff_client, program, council):
    elsewhere = ParticipantFactory(program=ProgramFactory(council=council))
    upload = csv_file(f"id,first_name,last_name,country\n{elsewhere.pk},Eve,Example,PE\n")

    response = staff_client.post(_url(program), {"file": upload})

    assert [(e.line, e.column) for e in response.context["report"].errors] == [(2, "id")]
    assert Participant.objects.filter(program=program).count() == 0


def test_the_import_stops_when_the_delegation_changed_since_the_preview(staff_client, program):
    lucia = ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", email="lucia@example.com")
    upload = csv_file("email,first_name,last_name,country,role\nlucia@example.com,Lucía,Fernández,PE,Judge\n")
    preview = staff_client.post(_url(program), {"file": upload})
    Participant.objects.filter(pk=lucia.pk).update(role="Prosecutor")  # a colleague's edit meanwhile

    response = staff_client.post(_url(program), preview.context["carried"])

    lucia.refresh_from_db()
    assert lucia.role == "Prosecutor"
    assert response.context["report"].to_update[0].changes == [("role", "Prosecutor", "Judge")]
    assert "changed since the preview" in response.content.decode()


def test_the_preview_page_shows_what_will_be_written_and_the_bad_rows(staff_client, program):
    ParticipantFactory(program=program, first_name="Grace", last_name="Young", email="grace@example.com")
    upload = csv_file(
        "first_name,last_name,country,email,role\n"
        "Lucía,Fernández,Peru,lucia@example.com,\n"
        "Grace,Young,Belize,grace@example.com,Detective\n"
        "Ana,,Bolivia,ana@example.com,\n"
    )

    page = staff_client.post(_url(program), {"file": upload}).content.decode()

    assert "Preview: nothing is imported yet" in page
    assert "1 to add, 1 to update, 0 unchanged, 1 with errors." in page
    assert "Line 4: <code>last_name</code>: This field is required." in page
    assert "<code>role</code>: — → Detective" in page
    assert "Import the 2 valid rows" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file("x" * (2 * 1024 * 1024 + 1)), "The file is larger than 2 MB."),
        (csv_file("\x00PNG", "photo.png"), "The file is neither CSV nor an Excel workbook (.xlsx)."),
        (csv_file("PK\x03\x04broken", "broken.xlsx"), "The file could not be read as an Excel workbook (.xlsx)."),
        (csv_file("", "empty.csv"), "The submitted file is empty."),
        (csv_file("\n ,, \n", "blank.csv"), "The file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(staff_client, program, upload, message):
    response = staff_client.post(_url(program), {"file": upload})

    form = response.context["form"]
    assert [error for errors in form.errors.values() for error in errors] == [message]
    assert message in response.content.decode()


def test_missing_and_unknown_columns_are_reported_on_the_header_line(staff_client, program):
    upload = xlsx_file([[], ["Given name", "Birthday", "country"], ["Lucía", "1980-01-01", "PE"]])

    response = staff_client.post(_url(program), {"file": upload})

    assert [(e.line, e.message) for e in response.context["report"].errors] == [
        (2, "Missing columns: last_name."),
        (2, "Unknown columns: birthday."),
    ]


def test_another_councils_program_is_not_found(staff_client, other_council):
    theirs = ProgramFactory(council=other_council)
    ParticipantFactory(program=theirs)

    imported = staff_client.post(_url(theirs), {"file": csv_file("first_name,last_name,country\nA,B,PE\n")})
    exported = _export(staff_client, theirs, "csv")

    assert (imported.status_code, exported.status_code) == (404, 404)
    assert Participant.objects.filter(program=theirs).count() == 1


def test_a_preview_cannot_be_imported_into_another_program(staff_client, program, council):
    upload = csv_file("first_name,last_name,country\nLucía,Fernández,PE\n")
    carried = staff_client.post(_url(program), {"file": upload}).context["carried"]
    other_program = ProgramFactory(council=council)

    response = staff_client.post(_url(other_program), carried)

    assert response.context["form"].errors["__all__"] == ["The preview could not be read: upload the file again."]
    assert Participant.objects.count() == 0


def test_formula_cells_are_neutralised_in_both_exports(staff_client, program):
    ParticipantFactory(program=program, first_name="=cmd|'/C calc'!A0", last_name="@SUM(A1)", phone="+51 1 4112000")

    as_csv = list(csv.DictReader(io.StringIO(_export(staff_client, program, "csv").content.decode())))
    cells, sheet = xlsx_rows(_export(staff_client, program, "xlsx").content)

    assert (as_csv[0]["first_name"], as_csv[0]["last_name"], as_csv[0]["phone"]) == (
        "'=cmd|'/C calc'!A0",
        "'@SUM(A1)",
        "+5114112000",
    )
    assert (cells[1][1], cells[1][2]) == ("=cmd|'/C calc'!A0", "@SUM(A1)")
    assert (sheet["B2"].data_type, sheet["C2"].data_type) == ("s", "s")  # text, never a formula
    assert sheet["B2"].quotePrefix is True


@pytest.mark.parametrize("rows", [2, 20])
def test_the_preview_and_the_export_cost_the_same_queries_for_any_length(
    staff_client, program, django_assert_num_queries, rows
):
    for n in range(rows):
        ParticipantFactory(program=program, first_name=f"Visitor{n:02}", email=f"v{n}@example.com")
    lines = "".join(f"v{n}@example.com,Visitor{n:02},Renamed,Peru,+51 1 4112000\n" for n in range(rows))
    upload = csv_file("email,first_name,last_name,country,phone\n" + lines)

    # session, user (with council), the program, its participants (with program and council)
    with django_assert_num_queries(4):
        preview = staff_client.post(_url(program), {"file": upload})
    # session, user (with council), the program, its participants
    with django_assert_num_queries(4):
        _export(staff_client, program, "xlsx")

    assert len(preview.context["report"].to_update) == rows
