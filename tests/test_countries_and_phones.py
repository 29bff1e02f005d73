"""Countries are ISO codes and phone numbers E.164: statistics do not split by spelling, and ``tel:`` links dial
from abroad. Free text from before is read by the migrations (``exchange/data_migrations.py``); forms and the
volunteer import read numbers typed without "+" in the council's country."""

import csv
import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from exchange.countries import country_code, country_names
from exchange.phones import normalise
from hospitality.models import Volunteer
from lifecycle.impact import compute
from programs.models import Participant, Program
from tests.factories import ParticipantFactory, ProgramFactory, StaffMembershipFactory
from tests.visitors.test_pages import visitor_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Peru", "PE"),
        ("perú", "PE"),
        ("PE", "PE"),
        ("per", "PE"),
        ("Pérou", "PE"),
        ("Brasil", "BR"),
        ("Brazil", "BR"),
        ("República Dominicana", "DO"),
        ("the Dominican Republic", "DO"),
        ("EE.UU.", "US"),
        ("USA", "US"),
        ("Bolivia", "BO"),
        ("Venezuela", "VE"),
        ("Deutschland", "DE"),  # a language the site does not speak, from django-countries' catalogue
        ("  El   Salvador ", "SV"),
        ("Perru", ""),
        ("Kosovo", ""),
        ("", ""),
    ],
)
def test_a_country_is_read_from_a_name_in_any_language_a_code_or_an_alias(typed, code):
    assert country_code(typed) == code


def test_country_names_are_in_the_readers_language():
    with translation.override("es"):
        assert country_names(["PE", "US", "PE", ""]) == ["Estados Unidos", "Perú"]
    assert country_names(["PE", "BR"], "fr") == ["Brésil", "Pérou"]
    assert country_names(["PE", "BR"], "pt") == ["Brasil", "Peru"]


@pytest.mark.parametrize(
    ("typed", "region", "stored", "ok"),
    [
        ("(210) 555-0142", "US", "+12105550142", True),
        ("210.555.0142", "US", "+12105550142", True),
        ("+51 987 654 321", "US", "+51987654321", True),
        ("55 1234 5678", "MX", "+525512345678", True),
        ("555", "US", "555", False),
        ("+1 210 555 0100 ext. 5", "US", "+1 210 555 0100 ext. 5", False),  # E.164 has no extension: kept
        ("call the hotel", "US", "call the hotel", False),
    ],
)
def test_a_phone_number_is_normalised_in_the_councils_country_or_kept_as_typed(typed, region, stored, ok):
    assert normalise(typed, region) == (stored, ok)


# The migrations


@pytest.mark.django_db(transaction=True)
def test_the_migrations_turn_free_text_into_codes_and_numbers_and_keep_what_they_cannot_read(caplog):
    before = [
        ("councils", "0003_data_version"),
        ("programs", "0002_stop_nights_do_not_overlap"),
        ("directory", "0001_initial"),
        ("hospitality", "0004_slot_cancellation"),
        ("logistics", "0002_initial"),
    ]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        council = old.get_model("councils", "Council").objects.create(
            name="SACIV", slug="saciv-old", city="San Antonio", time_zone="America/Chicago", phone="(210) 555-0100"
        )
        program = old.get_model("programs", "Program").objects.create(
            council=council, title="Old", arrival_date=dt.date(2027, 6, 3), departure_date=dt.date(2027, 6, 8)
        )
        people = old.get_model("programs", "Participant").objects
        rows = {
            "Peru": ("Peru", "+51 987 654 321"),
            "perú": ("perú", "210 555 0142"),
            "code": ("PE", ""),
            "Brasil": ("Brasil", "555"),
            "Kosovo": ("Kosovo", "+1 210 555 0100 ext. 5"),
        }
        ids = {
            key: people.create(program=program, first_name=key, last_name="X", country=country, phone=phone).pk
            for key, (country, phone) in rows.items()
        }
        organization = old.get_model("directory", "HostOrganization").objects.create(
            council=council, name="Express-News", phone="210.555.0199"
        )
        old.get_model("directory", "Contact").objects.create(
            organization=organization, name="Dana", phone="+54 11 5555"
        )

        with caplog.at_level(logging.WARNING, logger="exchange.migrations"):
            MigrationExecutor(connection).migrate(latest)

        stored = {key: Participant.objects.get(pk=pk) for key, pk in ids.items()}
        assert {key: (p.country.code, p.country_as_typed) for key, p in stored.items()} == {
            "Peru": ("PE", ""),
            "perú": ("PE", ""),
            "code": ("PE", ""),
            "Brasil": ("BR", ""),
            "Kosovo": ("", "Kosovo"),  # nothing matches: kept for staff to choose
        }
        assert {key: str(p.phone) for key, p in stored.items()} == {
            "Peru": "+51 987 654 321",
            "perú": "+1 210-555-0142",  # read in the council's country, stored in E.164
            "code": "",
            "Brasil": "555",  # no valid number: kept as typed
            "Kosovo": "+1 210-555-0100 ext. 5",  # kept with its extension (stored as typed)
        }
        from councils.models import Council
        from directory.models import Contact, HostOrganization

        migrated = Council.objects.get(slug="saciv-old")
        assert (migrated.country.code, migrated.phone.as_e164) == ("US", "+12105550100")
        assert HostOrganization.objects.get().phone.as_e164 == "+12105550199"
        assert str(Contact.objects.get().phone) == "+54 11 5555"
        logged = caplog.text
        assert "the country 'Kosovo' matches no country" in logged
        assert "the phone '555' is not a valid phone number" in logged
        assert "the phone '+54 11 5555' is not a valid phone number" in logged
    finally:
        MigrationExecutor(connection).migrate(latest)


# Forms and pages


def test_the_participant_form_offers_countries_and_reads_a_national_number_in_the_councils_country(
    staff_client, program
):
    data = {
        "first_name": "Rosa",
        "last_name": "Quispe",
        "country": "PE",
        "phone": "(210) 555-0142",
        "preferred_language": "es",
        "media_consent": "unknown",
    }

    response = staff_client.post(reverse("programs:participant_new", args=[program.pk]), data)

    assert response.status_code == 302
    rosa = Participant.objects.get()
    assert (rosa.country.code, rosa.phone.as_e164) == ("PE", "+12105550142")
    assert "Peru" in staff_client.get(reverse("programs:participants", args=[program.pk])).content.decode()


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("555", "Enter a valid phone number (e.g. (201) 555-0123) or a number with an international call prefix."),
        ("+1 210 555 0142 ext. 12", "Type the number without an extension (E.164 has no room for one)."),
    ],
)
def test_the_participant_form_says_what_is_wrong_with_a_phone_number(staff_client, program, phone, error):
    data = {"first_name": "Rosa", "last_name": "Quispe", "country": "PE", "phone": phone, "media_consent": "unknown"}

    response = staff_client.post(reverse("programs:participant_new", args=[program.pk]), data)

    assert response.context["form"].errors["phone"] == [error]


def test_a_council_in_mexico_reads_mexican_numbers(client, council):
    council.country = "MX"
    council.save()
    admin = StaffMembershipFactory(council=council, role="admin").user
    client.force_login(admin)
    program = ProgramFactory(council=council)

    response = client.post(
        reverse("programs:participant_new", args=[program.pk]),
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "country": "MX",
            "phone": "55 1234 5678",
            "preferred_language": "es",
            "media_consent": "yes",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Participant.objects.get().phone.as_e164 == "+525512345678"


def test_a_country_typed_before_is_shown_until_staff_choose_it(staff_client, program):
    kept = ParticipantFactory(program=program, country="", country_as_typed="Kosovo")

    listing = staff_client.get(reverse("programs:participants", args=[program.pk])).content.decode()
    form = staff_client.get(reverse("programs:participant_edit", args=[program.pk, kept.pk])).content.decode()

    assert "“Kosovo”: choose the country" in listing
    assert "Was typed as “Kosovo”; choose the country." in form


def test_the_people_page_links_a_phone_number_in_e164_and_shows_a_number_kept_as_typed_without_a_link(
    client, program, participant
):
    ParticipantFactory(program=program, first_name="Rafael", phone="+51 987 654 321", share_contact=True)
    ParticipantFactory(program=program, first_name="Sofía", phone="call the hotel", share_contact=True)

    body = client.get(visitor_url("people", participant)).content.decode()

    assert '<a href="tel:+51987654321">+51 987 654 321</a>' in body
    assert "call the hotel" in body
    assert 'href="tel:call' not in body


# Imports, exports and statistics


def _import(client, text):
    upload = SimpleUploadedFile("volunteers.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("hospitality:volunteer_import"), {"file": upload})


def test_the_volunteer_import_reads_numbers_in_the_councils_country_and_reports_a_bad_one_by_line(
    staff_client, council
):
    header = "household_name,contact_name,email,phone\n"
    bad = _import(staff_client, header + "The Lees,Min Lee,min@example.net,(314) 555-0100\nThe Kims,Jo,jo@x.net,555\n")

    assert [(e.line, e.message) for e in bad.context["report"].errors] == [
        (3, "phone: Enter a valid phone number (e.g. (201) 555-0123) or a number with an international call prefix.")
    ]
    assert Volunteer.objects.count() == 0

    good = _import(staff_client, header + "The Lees,Min Lee,min@example.net,(314) 555-0100\n")

    assert good.status_code == 302
    assert Volunteer.objects.get().phone.as_e164 == "+13145550100"
    export = staff_client.get(reverse("hospitality:volunteer_export")).content.decode()
    assert next(csv.DictReader(io.StringIO(export)))["phone"] == "+13145550100"


def test_statistics_group_visitors_by_country_whatever_the_spelling_and_name_them_in_the_readers_language(
    client, staff, council
):
    program = ProgramFactory(council=council, arrival_date=dt.date(2027, 3, 1))
    for typed in ("Peru", "perú", "PE"):
        ParticipantFactory(program=program, country=country_code(typed))
    ParticipantFactory(program=program, country="BR")

    figures = compute(council, Program.objects.filter(pk=program.pk))

    assert figures.visitors_by_country == [("PE", 3), ("BR", 1)]
    with translation.override("es"):
        assert figures.countries_named() == [("Perú", 3), ("Brasil", 1)]
    with time_machine.travel(dt.datetime(2027, 12, 31, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(staff)
        page = client.get(reverse("lifecycle:statistics"), {"year": 2027}, HTTP_ACCEPT_LANGUAGE="es")
        rows = list(
            csv.reader(io.StringIO(client.get(reverse("lifecycle:statistics_csv"), {"year": 2027}).content.decode()))
        )
    assert "Perú: 3" in page.content.decode()
    assert ["visitors_by_country", "PE", "3"] in rows
