import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from demo.loader import load_demo
from logistics.models import Hotel
from meetings.enums import ItemStatus
from programs.links import personal_link_url
from programs.models import Program
from tests.factories import (
    ContactFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 2)


@pytest.fixture
def program(council, staff):
    program = ProgramFactory(council=council, title="Combating Trafficking in Persons", coordinator=staff)
    hotel = Hotel.objects.create(council=council, name="Riverwalk Plaza Hotel", address="100 Villita St", city="SA")
    StopFactory(program=program, city="San Antonio", hotel=hotel)
    return program


def _item(program, **extra):
    return ItineraryItemFactory(program=program, stop=program.stops.get(), **extra)


def _book(client, program):
    return client.get(reverse("book:html", kwargs={"program_id": program.pk})).content.decode()


def test_the_book_shows_the_schedule_in_local_time_with_places_and_hosts(staff_client, program):
    venue = VenueFactory(council=program.council, name="Bexar County Justice Center", address="101 W Nueva St")
    contact = ContactFactory(
        organization__council=program.council,
        organization__name="Bexar County DA",
        name="Rebecca Torres",
        title="Assistant DA",
        email="rebecca@example.org",
    )
    item = _item(
        program,
        title="The anti-trafficking task force",
        venue=venue,
        host_organization=contact.organization,
        starts_at=local(DAY, 15, 45),
        ends_at=local(DAY, 17),
        internal_notes="Send the list 48 hours ahead.",
        what_to_bring="Photo ID",
    )
    item.contacts.add(contact)
    _item(program, title="Cancelled visit", status=ItemStatus.CANCELLED)

    body = _book(staff_client, program)

    assert "Tuesday 2 March 2027 · San Antonio" in body
    assert "times in CST" in body
    assert "15:45–17:00 <small>CST</small>" in body
    assert "Bexar County Justice Center, 101 W Nueva St" in body
    assert "<strong>Rebecca Torres</strong>, Assistant DA · Bexar County DA · rebecca@example.org" in body
    assert "What to bring: Photo ID" in body
    assert "Riverwalk Plaza Hotel" in body
    assert "Send the list 48 hours ahead." not in body
    assert "Cancelled visit" not in body


def test_the_book_shows_only_what_participants_agreed_to_share(staff_client, program):
    ParticipantFactory(
        program=program,
        first_name="Lucía",
        last_name="Fernández",
        bio="Federal prosecutor.",
        share_bio=True,
        email="lucia@example.com",
        share_contact=True,
    )
    ParticipantFactory(
        program=program,
        first_name="Julio",
        last_name="Vargas",
        bio="Public defender.",
        share_bio=False,
        email="julio@example.com",
        share_contact=False,
        dietary_needs="Vegetarian",
    )
    ProgramStaffMemberFactory(program=program, name="Elena Ruiz", email="elena@example.com", share_contact=True)

    body = _book(staff_client, program)

    assert "Federal prosecutor." in body
    assert "lucia@example.com" in body
    assert "Julio Vargas" in body
    assert "Public defender." not in body
    assert "julio@example.com" not in body
    assert "Vegetarian" not in body
    assert "Elena Ruiz</strong>, Interpreter" in body


def test_each_participant_gets_a_page_with_the_qr_code_of_their_personal_link(staff_client, program):
    lucia = ParticipantFactory(program=program, first_name="Lucía")
    julio = ParticipantFactory(program=program, first_name="Julio")

    body = _book(staff_client, program)

    assert body.count("<svg") == 2
    assert personal_link_url(lucia) in body
    assert personal_link_url(julio) in body
    assert f'data-personal-page="{lucia.pk}"' in body


@pytest.mark.parametrize("items", [10, 200])
def test_the_book_query_count_does_not_grow_with_items(staff_client, program, django_assert_num_queries, items):
    venue = VenueFactory(council=program.council)
    contact = ContactFactory(organization__council=program.council)
    people = ParticipantFactory.create_batch(3, program=program)
    interpreter = ProgramStaffMemberFactory(program=program)
    for n in range(items):
        item = _item(
            program,
            starts_at=local(DAY, 8) + dt.timedelta(minutes=n),
            ends_at=local(DAY, 9) + dt.timedelta(minutes=n),
            venue=venue,
            host_organization=contact.organization,
            interpreter=interpreter,
            whole_group=n % 2 == 0,
        )
        item.contacts.add(contact)
        item.participants.add(people[0])

    # session, user (with council) (the navbar reuses them), program (sponsor, council, coordinator joined),
    # items (stop, venue, host, interpreter, vendor joined), their contacts, their participants, stops with hotels,
    # participants, program staff
    with django_assert_num_queries(9):
        body = _book(staff_client, program)

    assert body.count('class="item"') == items


@pytest.mark.parametrize("name", ["book:html", "book:pdf"])
def test_another_councils_staff_get_404(other_staff_client, program, name):
    response = other_staff_client.get(reverse(name, kwargs={"program_id": program.pk}))

    assert response.status_code == 404


def test_the_demo_programs_book_renders_as_pdf(client):
    load_demo(today=dt.date(2027, 6, 19))
    program = Program.objects.get(sponsor_reference="E/VRC-2019-0618")
    client.force_login(get_user_model().objects.get(username="coordinator"))

    response = client.get(reverse("book:pdf", kwargs={"program_id": program.pk}))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Labor trafficking case study with the Express-News data desk" in text
    assert "Combating Trafficking in Persons" in text
    # cover, schedule pages, places/people and one page per participant (eleven visitors)
    assert len(reader.pages) >= 14


def test_the_book_prints_in_the_language_staff_choose(staff_client, program):
    _item(program, title="Coalition", starts_at=local(DAY, 9), ends_at=local(DAY, 10))

    body = staff_client.get(
        reverse("book:html", kwargs={"program_id": program.pk}), {"language": "es"}
    ).content.decode()

    assert '<html lang="es">' in body
    assert "Día a día" in body
    assert "martes 2 de marzo de 2027 · San Antonio" in body


def test_an_unknown_book_language_falls_back_to_the_staff_members(staff_client, program):
    body = staff_client.get(
        reverse("book:html", kwargs={"program_id": program.pk}), {"language": "xx"}
    ).content.decode()

    assert '<html lang="en">' in body
