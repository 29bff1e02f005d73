"""Personal data on request: export and erasure, audited, for the council admin of the person's council only."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from councils.enums import StaffRole
from hospitality.enums import InvitationStatus
from hospitality.models import HospitalitySlot, Invitation, Volunteer
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from notifications.enums import NotificationState, RecipientType
from programs.models import Participant
from tests.factories import (
    InvitationFactory,
    ItineraryItemFactory,
    NotificationFactory,
    ParticipantFactory,
    StaffMembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, council):
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)
    return client


def test_export_holds_the_participants_data_and_is_audited(admin_client, council):
    participant = ParticipantFactory(program__council=council, first_name="Lucía", dietary_needs="Vegetarian")
    ItineraryItemFactory(program=participant.program, title="Meeting at the DA's office")

    response = admin_client.get(reverse("audit:export", args=["participant", participant.pk]))

    data = json.loads(response.content)
    assert data["participant"]["first_name"] == "Lucía"
    assert data["participant"]["dietary_needs"] == "Vegetarian"
    assert [item["title"] for item in data["items"]] == ["Meeting at the DA's office"]
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.ip_address) == (
        "export personal data",
        str(participant.pk),
        "127.0.0.1",
    )


def test_erasing_a_participant_removes_them_and_keeps_the_itinerary(admin_client, council):
    participant = ParticipantFactory(program__council=council, email="lucia@example.com")
    other = ParticipantFactory(program=participant.program)
    item = ItineraryItemFactory(program=participant.program, whole_group=False)
    item.participants.set([participant, other])
    NotificationFactory(
        council=council,
        recipient_type=RecipientType.PARTICIPANT,
        recipient_id=participant.pk,
        recipient_email="lucia@example.com",
        body_text="Hola Lucía",
    )

    admin_client.post(reverse("audit:erase", args=["participant", participant.pk]), {"confirm": "lucia@example.com"})

    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert list(ItineraryItem.objects.get(pk=item.pk).participants.all()) == [other]
    message = council.notifications.get()
    assert (message.state, message.recipient_email, message.body_text) == (
        NotificationState.CANCELLED,
        "erased@example.invalid",
        "[erased on request]",
    )
    assert AuditEvent.objects.get().action == "erase personal data"


def test_erasure_needs_the_email_typed_and_changes_nothing_otherwise(admin_client, council):
    participant = ParticipantFactory(program__council=council, email="lucia@example.com")

    response = admin_client.post(reverse("audit:erase", args=["participant", participant.pk]), {"confirm": "x@y.z"})

    assert "This is not the person&#x27;s email address." in response.content.decode()
    assert Participant.objects.filter(pk=participant.pk).exists()


def test_erasing_a_volunteer_gives_back_their_place_at_a_future_dinner(admin_client, council):
    invitation = InvitationFactory(
        slot__program__council=council, status=InvitationStatus.ACCEPTED, volunteer__email="host@example.net"
    )
    HospitalitySlot.objects.filter(pk=invitation.slot_id).update(accepted_hosts=1)

    admin_client.post(
        reverse("audit:erase", args=["volunteer", invitation.volunteer_id]), {"confirm": "host@example.net"}
    )

    assert not Volunteer.objects.filter(pk=invitation.volunteer_id).exists()
    assert HospitalitySlot.objects.get(pk=invitation.slot_id).accepted_hosts == 0


def test_coordinators_can_neither_export_nor_erase(staff_client, council):
    participant = ParticipantFactory(program__council=council, email="lucia@example.com")

    response = staff_client.post(
        reverse("audit:erase", args=["participant", participant.pk]), {"confirm": "lucia@example.com"}
    )

    assert response.status_code == 403
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert staff_client.get(reverse("audit:export", args=["participant", participant.pk])).status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("url_name", ["audit:export", "audit:erase"])
def test_another_councils_person_is_not_found(other_council, client, council, url_name):
    client.force_login(StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user)
    participant = ParticipantFactory(program__council=council)

    assert client.get(reverse(url_name, args=["participant", participant.pk])).status_code == 404


def test_the_audit_log_shows_only_the_councils_events_to_its_admin(admin_client, council, other_council):
    AuditEvent.objects.create(council=council, username="maya", action="revoke link", object_type="x")
    AuditEvent.objects.create(council=other_council, username="grace", action="secret action", object_type="x")

    response = admin_client.get(reverse("audit:log"))

    assert [e.action for e in response.context["page"]] == ["revoke link"]


def test_erasing_a_volunteer_cancels_their_future_dinner_through_the_itinerary_and_clears_their_name(
    admin_client, council, participant
):
    from hospitality import services as hospitality

    invitation = InvitationFactory(
        slot__program=participant.program,
        slot__program__council=council,
        volunteer__council=council,
        volunteer__household_name="Whitfield Household",
        volunteer__email="host@example.net",
    )
    hospitality.accept(invitation=invitation, now=invitation.slot.starts_at - dt.timedelta(days=3))
    hospitality.assign_guests(invitation=invitation, participants=[participant])
    item = ItineraryItem.objects.get(pk=Invitation.objects.get(pk=invitation.pk).item_id)
    assert "Whitfield Household" in item.title

    admin_client.post(
        reverse("audit:erase", args=["volunteer", invitation.volunteer_id]), {"confirm": "host@example.net"}
    )

    item.refresh_from_db()
    assert (item.status, item.title) == (ItemStatus.CANCELLED, "Home hospitality dinner")
    assert item.version > 1
    assert item.sequence > 0  # calendars replace their copy
    history = [change.changes for change in item.changes.all()]
    assert "Whitfield" not in str(history)
    assert item.changes.first().note == "Volunteer's personal data erased."
