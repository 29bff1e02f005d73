"""Participants are added and changed through the API by the Delegation page's form and service: its rules, its
audit events."""

import pytest

from audit.models import AuditEvent
from programs.models import Participant
from tests.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(council):
    return ProgramFactory(council=council, title="Combating Trafficking in Persons")


def test_a_participant_is_added_as_the_delegation_page_adds_one(api, token, program):
    body = {
        "program": program.pk,
        "first_name": "Lucía",
        "last_name": "Fernández",
        "country": "AR",
        "email": "lucia@example.com",
        "phone": "+54 11 5555 0100",
        "preferred_language": "es",
    }

    response = api.post("/api/v1/participants/", body)

    assert response.status_code == 201, response.json()
    participant = Participant.objects.get(pk=response.json()["id"])
    assert (participant.full_name, participant.country.code, participant.phone.as_e164) == (
        "Lucía Fernández",
        "AR",
        "+541155550100",
    )
    assert response.json()["phone"] == "+541155550100"
    assert list(AuditEvent.objects.values_list("action", "details__api_token")) == [
        ("create participant", token[0].prefix)
    ]


def test_a_change_keeps_what_was_not_sent(api, program):
    participant = ParticipantFactory(program=program, first_name="Ana", role="Prosecutor", share_bio=True)

    response = api.patch(f"/api/v1/participants/{participant.pk}/", {"dietary_needs": "Vegetarian"})

    assert response.status_code == 200, response.json()
    participant.refresh_from_db()
    assert (participant.first_name, participant.role, participant.share_bio, participant.dietary_needs) == (
        "Ana",
        "Prosecutor",
        True,
        "Vegetarian",
    )
    assert AuditEvent.objects.get().action == "edit participant"


def test_the_forms_rules_refuse_bad_input_with_each_fields_message(api, program):
    ParticipantFactory(program=program, email="taken@example.com")

    response = api.post(
        "/api/v1/participants/",
        {
            "program": program.pk,
            "first_name": "Ana",
            "last_name": "Ruiz",
            "country": "ZZ",
            "email": "taken@example.com",
        },
    )

    assert response.status_code == 400
    assert response.json() == {
        "country": ["Select a valid choice. ZZ is not one of the available choices."],
        "email": ["Another participant of this program has this email."],
    }
    assert Participant.objects.count() == 1


def test_another_councils_program_or_participant_is_not_reached(api, other_council):
    stranger = ParticipantFactory(program=ProgramFactory(council=other_council))

    added = api.post(
        "/api/v1/participants/", {"program": stranger.program_id, "first_name": "A", "last_name": "B", "country": "PE"}
    )
    changed = api.patch(f"/api/v1/participants/{stranger.pk}/", {"role": "Changed"})

    assert added.json() == {"program": [f'Invalid pk "{stranger.program_id}" - object does not exist.']}
    assert changed.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == ""
