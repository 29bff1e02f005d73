"""The delegation: council staff add, edit and remove a program's participants from its own pages.

The Django admin only shows participants; these pages go through ``programs.participants``, which keeps the
itinerary's history, the outbox and the audit log consistent with the change.
"""

import datetime as dt

import pytest
from django.db import models
from django.urls import reverse

from audit.models import AuditEvent
from hospitality.models import GuestAssignment
from logistics.enums import FlightDirection
from logistics.models import Flight, HotelBooking
from meetings.models import ItemChange
from notifications.enums import NotificationState, RecipientType
from programs.models import Participant
from tests.factories import (
    InvitationFactory,
    ItineraryItemFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
)

pytestmark = pytest.mark.django_db


def participant_data(**changes):
    data = {
        "first_name": "Rosa",
        "last_name": "Quispe",
        "country": "PE",
        "role": "Prosecutor",
        "organization": "Public Ministry",
        "email": "rosa.quispe@example.pe",
        "phone": "+51 1 555 0100",
        "preferred_language": "es",
        "dietary_needs": "vegetarian",
        "accessibility_needs": "",
        "bio": "Leads the trafficking unit in Lima.",
        "share_bio": "on",
        "media_consent": "yes",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def list_url(program):
    return reverse("programs:participants", kwargs={"program_id": program.pk})


def new_url(program):
    return reverse("programs:participant_new", kwargs={"program_id": program.pk})


def edit_url(participant, program=None):
    program_id = (program or participant.program).pk
    return reverse("programs:participant_edit", kwargs={"program_id": program_id, "person_id": participant.pk})


def remove_url(participant, program=None):
    program_id = (program or participant.program).pk
    return reverse("programs:participant_remove", kwargs={"program_id": program_id, "person_id": participant.pk})


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def flight_of(participant):
    return Flight.objects.create(
        participant=participant,
        direction=FlightDirection.ARRIVAL,
        carrier="LATAM",
        number="LA 2468",
        from_airport="LIM",
        to_airport="SAT",
        departs_at=dt.datetime(2027, 3, 1, 5, tzinfo=dt.UTC),
        arrives_at=dt.datetime(2027, 3, 1, 15, tzinfo=dt.UTC),
    )


# The delegation page


def test_the_delegation_page_lists_each_participant_with_a_link_to_edit(staff_client, program, participant):
    ParticipantFactory(program=program, first_name="Julio", last_name="Mendes", country="BR", email="")
    participant.country = "AR"
    participant.email = "lucia@example.ar"
    participant.save()

    response = staff_client.get(list_url(program))

    body = response.content.decode()
    rows = [(p.full_name, p.country) for p in response.context["participants"]]
    assert rows == [("Lucía Fernández", "AR"), ("Julio Mendes", "BR")]
    assert "Argentina" in body  # the codes are shown by name
    assert "Brazil" in body
    assert "lucia@example.ar" in body
    assert "English" in body  # Lucía's preferred language
    assert "Spanish" in body  # the factory's default for Julio
    assert edit_url(participant) in body
    assert new_url(program) in body


def test_the_program_page_leads_to_its_delegation(staff_client, program):
    body = staff_client.get(reverse("programs:program", args=[program.pk])).content.decode()

    assert list_url(program) in body


# Adding and editing


def test_staff_add_a_participant_to_the_program(staff_client, program, staff):
    response = staff_client.post(new_url(program), participant_data())

    assert response.status_code == 302
    assert response.url == list_url(program)
    rosa = Participant.objects.get()
    assert (rosa.program, rosa.full_name, rosa.country, rosa.email, rosa.preferred_language) == (
        program,
        "Rosa Quispe",
        "PE",
        "rosa.quispe@example.pe",
        "es",
    )
    assert (rosa.role, rosa.organization, rosa.dietary_needs) == ("Prosecutor", "Public Ministry", "vegetarian")
    assert (rosa.share_bio, rosa.share_contact, rosa.media_consent) == (True, False, "yes")
    # System-managed: a fresh personal link, never opened
    assert (rosa.link_version, rosa.link_revoked_at, rosa.last_seen_at) == (1, None, None)
    [event] = events("create participant")
    assert (event.user, event.council, event.object_type, event.object_id, event.object_label) == (
        staff,
        program.council,
        "programs.Participant",
        str(rosa.pk),
        "Rosa Quispe",
    )


def test_staff_edit_a_participant(staff_client, participant, staff):
    response = staff_client.post(
        edit_url(participant),
        participant_data(first_name="Lucía", last_name="Fernández", country="AR", preferred_language="pt"),
    )

    assert response.url == list_url(participant.program)
    participant.refresh_from_db()
    assert (participant.full_name, participant.country, participant.preferred_language) == (
        "Lucía Fernández",
        "AR",
        "pt",
    )
    [event] = events("edit participant")
    assert (event.user, event.object_id) == (staff, str(participant.pk))
    assert {"country", "preferred_language", "email"} <= set(event.details["fields"])


def test_an_invalid_edit_is_shown_again_with_its_errors_and_the_input_kept(staff_client, participant):
    saved = (participant.last_name, participant.email)
    data = participant_data(
        first_name="Lucía", last_name="Fernández-Ruiz", email="lucia-at-example.org", preferred_language="xx"
    )

    response = staff_client.post(edit_url(participant), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == ["Enter a valid email address."]
    assert form.errors["preferred_language"] == ["Select a valid choice. xx is not one of the available choices."]
    body = response.content.decode()
    assert 'value="lucia-at-example.org"' in body
    assert 'value="Fernández-Ruiz"' in body
    assert "Leads the trafficking unit in Lima." in body
    assert "Edit Lucía Fernández" in body  # the heading names the participant as saved, not as typed
    participant.refresh_from_db()
    assert (participant.last_name, participant.email) == saved
    assert events("edit participant") == []


def test_a_new_participant_needs_a_name_and_a_country(staff_client, program):
    response = staff_client.post(new_url(program), participant_data(first_name="", country=""))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_name", "country"}
    assert not Participant.objects.exists()


def test_two_participants_of_a_program_do_not_share_an_email(staff_client, program):
    ParticipantFactory(program=program, email="Rosa.Quispe@example.pe")
    ParticipantFactory(program=ProgramFactory(council=program.council), email="rosa.quispe@example.pe")

    response = staff_client.post(new_url(program), participant_data())

    assert response.context["form"].errors["email"] == ["Another participant of this program has this email."]
    assert Participant.objects.filter(program=program).count() == 1


def test_a_participant_keeps_their_own_email_when_edited(staff_client, participant):
    participant.email = "lucia@example.ar"
    participant.save()

    response = staff_client.post(edit_url(participant), participant_data(email="Lucia@example.ar"))

    assert response.status_code == 302


# Removing


@pytest.fixture
def attended(program, participant):
    """Lucía on a subset item with Julio, alone on another, and on the whole-group welcome."""
    stop = StopFactory(program=program)
    julio = ParticipantFactory(program=program, first_name="Julio", last_name="Mendes")
    shared = ItineraryItemFactory(program=program, stop=stop, title="Court visit", whole_group=False)
    shared.participants.add(participant, julio)
    alone = ItineraryItemFactory(program=program, stop=stop, title="Embassy briefing", whole_group=False)
    alone.participants.add(participant)
    welcome = ItineraryItemFactory(program=program, stop=stop, title="Welcome lunch", whole_group=True)
    return {"stop": stop, "julio": julio, "shared": shared, "alone": alone, "welcome": welcome}


def test_the_confirmation_page_warns_about_the_items_they_attend(staff_client, participant, attended):
    flight_of(participant)

    response = staff_client.get(remove_url(participant))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Remove Lucía Fernández from the delegation?" in body
    assert "Lucía Fernández is named on 2 items and will no longer attend them" in body
    assert "Court visit" in body
    assert "Embassy briefing" in body
    assert "nobody: the item will have no participant" in body  # the briefing was for her alone
    assert "The program's 1 whole-group item stays on the schedule of the rest of the group." in body
    assert "1 flight" in body
    assert "hotel booking" not in body  # only what she has is listed
    assert f'action="{remove_url(participant)}"' in body
    assert Participant.objects.filter(pk=participant.pk).exists()  # a GET removes nothing


def test_staff_remove_a_participant(staff_client, staff, program, participant, attended):
    flight_of(participant)
    HotelBooking.objects.create(stop=attended["stop"], participant=participant, confirmation_number="H-1")
    invitation = InvitationFactory(
        slot__program=program, slot__stop=attended["stop"], volunteer__council=program.council
    )
    GuestAssignment.objects.create(slot=invitation.slot, invitation=invitation, participant=participant)
    waiting = NotificationFactory(
        council=program.council, recipient_type=RecipientType.PARTICIPANT, recipient_id=participant.pk
    )
    sent = NotificationFactory(
        council=program.council,
        recipient_type=RecipientType.PARTICIPANT,
        recipient_id=participant.pk,
        state=NotificationState.SENT,
    )
    shared_version = attended["shared"].version

    response = staff_client.post(remove_url(participant))

    assert response.status_code == 302
    assert response.url == list_url(program)
    assert not Participant.objects.filter(pk=participant.pk).exists()
    # Their flights, hotel bookings and dinner seats go with them
    assert not Flight.objects.exists()
    assert not HotelBooking.objects.exists()
    assert not GuestAssignment.objects.exists()
    # The items stay for the rest of the group; each one that named her records that she no longer attends
    shared = attended["shared"]
    shared.refresh_from_db()
    assert list(shared.participants.all()) == [attended["julio"]]
    assert shared.version == shared_version + 1
    [change] = ItemChange.objects.filter(item=shared)
    assert (change.user, change.changes) == (staff, {"participants": ["Julio Mendes, Lucía Fernández", "Julio Mendes"]})
    assert list(attended["alone"].participants.all()) == []
    assert not ItemChange.objects.filter(item=attended["welcome"]).exists()
    # Nothing more goes out to her; what was sent stays in the outbox
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert (waiting.state, sent.state) == (NotificationState.CANCELLED, NotificationState.SENT)
    [event] = events("remove participant")
    assert (event.user, event.object_id, event.object_label) == (staff, str(participant.pk), "Lucía Fernández")
    assert event.details == {
        "program": program.pk,
        "items": sorted([attended["shared"].pk, attended["alone"].pk]),
        "flights": 1,
        "hotel_bookings": 1,
        "dinner_seats": 1,
        "cancelled_messages": 1,
    }
    page = staff_client.get(response.url).content.decode()
    assert "Lucía Fernández is removed from the delegation." in page
    assert "Julio Mendes" in page


@pytest.fixture
def flights_must_stay(monkeypatch):
    """As if flights were records that must be kept (declared ``on_delete=PROTECT``)."""
    monkeypatch.setattr(Flight._meta.get_field("participant").remote_field, "on_delete", models.PROTECT)


@pytest.mark.usefixtures("flights_must_stay")
def test_a_participant_that_records_which_must_stay_refer_to_is_not_removed(staff_client, participant, attended):
    flight_of(participant)

    page = staff_client.get(remove_url(participant)).content.decode()
    response = staff_client.post(remove_url(participant), follow=True)

    assert "Lucía Fernández cannot be removed: these records must be kept and refer to them." in page
    assert "LATAM LA 2468" in page
    assert f'action="{remove_url(participant)}"' not in page  # no button to press
    assert "Lucía Fernández cannot be removed: records that must be kept refer to them (flights: 1)." in (
        response.content.decode()
    )
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert Flight.objects.filter(participant=participant).exists()
    assert set(attended["alone"].participants.all()) == {participant}
    assert not ItemChange.objects.exists()
    assert events("remove participant") == []


# Who may


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["list", "new", "edit", "remove"])
def test_another_councils_staff_get_404_for_our_program_and_participant(other_staff_client, participant, page, method):
    url = {
        "list": list_url(participant.program),
        "new": new_url(participant.program),
        "edit": edit_url(participant),
        "remove": remove_url(participant),
    }[page]

    response = getattr(other_staff_client, method)(url, participant_data())

    assert response.status_code == 404
    assert Participant.objects.filter(pk=participant.pk, first_name="Lucía").exists()
    assert Participant.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", ["participant_edit", "participant_remove"])
def test_a_participant_is_not_found_under_another_program_of_the_council(staff_client, participant, name):
    elsewhere = ProgramFactory(council=participant.program.council)
    url = reverse(f"programs:{name}", kwargs={"program_id": elsewhere.pk, "person_id": participant.pk})

    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, participant_data()).status_code == 404
    assert Participant.objects.filter(pk=participant.pk, program=participant.program).exists()


@pytest.mark.parametrize("page", ["list", "new", "edit", "remove"])
def test_anonymous_visitors_are_sent_to_sign_in(client, participant, page):
    url = {
        "list": list_url(participant.program),
        "new": new_url(participant.program),
        "edit": edit_url(participant),
        "remove": remove_url(participant),
    }[page]

    for response in (client.get(url), client.post(url, participant_data())):
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    assert Participant.objects.filter(pk=participant.pk, first_name="Lucía").exists()


# Cost


PAGE_QUERIES = 4  # session, user (with membership and council), program, participants


def test_the_delegation_page_runs_as_many_queries_for_30_participants_as_for_3(
    staff_client, program, django_assert_max_num_queries
):
    ParticipantFactory.create_batch(3, program=program)
    with django_assert_max_num_queries(PAGE_QUERIES) as few:
        staff_client.get(list_url(program))

    ParticipantFactory.create_batch(27, program=program)
    with django_assert_max_num_queries(PAGE_QUERIES) as many:
        response = staff_client.get(list_url(program))

    assert len(many) == len(few)
    assert response.content.decode().count('href="mailto:') == 30
