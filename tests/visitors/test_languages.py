"""The visitor pages in the visitor's language, down to the names of languages and the words that agree with an
item's kind."""

import pytest

from meetings.enums import ItemKind, ItemStatus
from programs.links import personal_link_path
from tests.factories import ParticipantFactory, ProgramStaffMemberFactory
from tests.visitors.conftest import DAY_2, make_item
from tests.visitors.test_pages import page_text, visitor_url

pytestmark = pytest.mark.django_db


def test_the_people_page_names_languages_in_the_readers_language(client, program):
    reader = ParticipantFactory(program=program, preferred_language="es")
    ProgramStaffMemberFactory(program=program, name="Marta Ruiz", languages="fr,ar, en")

    text = page_text(client.get(visitor_url("people", reader)))

    assert "Marta Ruiz Intérprete · francés, árabe, inglés" in text
    assert "fr,ar" not in text


def test_a_french_reader_reads_them_in_french(client, program):
    reader = ParticipantFactory(program=program, preferred_language="fr")
    ProgramStaffMemberFactory(program=program, name="Marta Ruiz", languages="es,pt")

    assert "espagnol, portugais" in page_text(client.get(visitor_url("people", reader)))


def test_a_cancelled_item_is_flagged_in_agreement_with_its_kind(client, program, stop, frozen_now):
    reader = ParticipantFactory(program=program, preferred_language="es")
    make_item(program, stop, "Tribunal del condado", DAY_2, 15, status=ItemStatus.CANCELLED, kind=ItemKind.MEETING)
    make_item(program, stop, "Autobús a Laredo", DAY_2, 17, status=ItemStatus.CANCELLED, kind=ItemKind.TRAVEL)

    text = page_text(client.get(personal_link_path(reader)))

    assert "Tribunal del condado Reunión Cancelada" in text
    assert "Autobús a Laredo Traslado Cancelado" in text
    assert "Reunión Cancelado" not in text
