"""The demo shows every part of the app to the San Antonio staff who sign in first: requests answered and pending
behind the requested items, volunteers and dinner slots with invitations in every state, a thanked meeting with
its feedback; and loading it again changes nothing."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.loader import PAST_REFERENCE, SAN_ANTONIO_REFERENCE, load_demo
from hospitality.enums import InvitationStatus, Meal
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation, Volunteer
from lifecycle.models import Feedback
from meetings.enums import ItemKind, ItemStatus, RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import RecipientType
from notifications.models import Notification
from programs.enums import ProgramStatus
from programs.models import Program

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 19)
CENTRAL = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def demo():
    load_demo(today=TODAY)
    return Program.objects.get(sponsor_reference=SAN_ANTONIO_REFERENCE)


def test_every_requested_item_has_a_request_behind_it_and_one_request_was_answered(demo):
    requested = ItineraryItem.objects.filter(status=ItemStatus.REQUESTED)

    assert requested.exists()
    assert [item.title for item in requested if not item.requests.exists()] == []
    answered = MeetingRequest.objects.get(item__program=demo, status=RequestStatus.ACCEPTED)
    assert answered.item.status == ItemStatus.CONFIRMED
    assert answered.responded_at is not None
    assert answered.item.changes.filter(actor_label=answered.contact.name).exists()  # the answer is in the history
    pending = MeetingRequest.objects.get(item__program=demo, status=RequestStatus.PENDING)
    assert pending.item.status == ItemStatus.REQUESTED
    assert pending.deadline > dt.datetime.combine(TODAY, dt.time(8), tzinfo=CENTRAL)
    assert Notification.objects.filter(
        recipient_type=RecipientType.CONTACT, recipient_id=pending.contact_id, kind="meeting_request"
    ).exists()


def test_san_antonio_has_volunteers_and_a_dinner_with_invitations_in_every_state(demo):
    slots = HospitalitySlot.objects.filter(program=demo)
    dinner = slots.get(meal=Meal.DINNER)
    lunch = slots.get(meal=Meal.LUNCH)

    assert demo.has_home_hospitality
    assert Volunteer.objects.filter(council=demo.council).count() == 8
    assert {i.status for i in Invitation.objects.filter(slot__program=demo)} == set(InvitationStatus.values)
    assert sorted(dinner.invitations.values_list("status", flat=True)) == sorted(
        [
            InvitationStatus.ACCEPTED,
            InvitationStatus.ACCEPTED,
            InvitationStatus.WITHDRAWN,
            InvitationStatus.FILLED,
            InvitationStatus.DECLINED,
            InvitationStatus.EXPIRED,
            InvitationStatus.PENDING,
        ]
    )
    assert (dinner.accepted_hosts, dinner.hosts_needed) == (2, 3)  # one host withdrew: one more is needed
    assert dinner.starts_at == dt.datetime(2027, 6, 20, 18, 30, tzinfo=CENTRAL)
    assert lunch.is_cancelled
    assert set(lunch.invitations.values_list("status", flat=True)) == {InvitationStatus.CANCELLED}


def test_the_dinner_guests_are_seated_and_the_withdrawn_hosts_dinner_is_cancelled(demo):
    dinner = HospitalitySlot.objects.get(program=demo, meal=Meal.DINNER)
    hosts = dinner.invitations.filter(status=InvitationStatus.ACCEPTED)
    withdrawn = dinner.invitations.get(status=InvitationStatus.WITHDRAWN)

    assert all(host.item is not None and host.item.status == ItemStatus.CONFIRMED for host in hosts)
    seated = GuestAssignment.objects.filter(slot=dinner).count()
    assert 0 < seated < demo.participants.count()  # some guests still wait for a table
    cancelled = ItineraryItem.objects.get(
        program=demo, kind=ItemKind.HOME_HOSPITALITY, status=ItemStatus.CANCELLED, starts_at=dinner.starts_at
    )
    assert withdrawn.volunteer.household_name in cancelled.title
    pending = dinner.invitations.get(status=InvitationStatus.PENDING)
    assert pending.expires_at > dt.datetime.combine(TODAY, dt.time(8), tzinfo=CENTRAL)


def test_a_completed_program_has_thanked_meetings_and_a_hosts_feedback(demo):
    past = Program.objects.get(sponsor_reference=PAST_REFERENCE)

    assert past.council == demo.council
    assert past.status == ProgramStatus.COMPLETED
    assert past.arrival_date.year == TODAY.year - 1  # the statistics of this year stay the current programs'
    thanked = past.items.filter(status=ItemStatus.THANKED)
    assert thanked.count() == 2
    assert all(item.changes.filter(changes__status__1="Thanked").exists() for item in thanked)
    feedback = Feedback.objects.get(program=past)
    assert (feedback.respondent_name, feedback.rating, feedback.would_host_again) == ("Kaylla Lanier", 5, True)
    assert Notification.objects.filter(program=past, dedupe_key__startswith="lifecycle:thanks:").count() == 2


def test_the_coordinator_sees_hospitality_requests_and_feedback(demo, client):
    client.force_login(get_user_model().objects.get(username="coordinator"))
    past = Program.objects.get(sponsor_reference=PAST_REFERENCE)

    hospitality = client.get(reverse("hospitality:index")).content.decode()
    registry = client.get(reverse("hospitality:volunteers")).content.decode()
    requests = client.get(reverse("meeting_requests:list", args=[demo.pk])).content.decode()
    feedback = client.get(reverse("lifecycle:feedback_list", args=[past.pk])).content.decode()

    assert demo.title in hospitality
    assert "The Garza household" in registry
    assert "Texas RioGrande Legal Aid" in requests
    assert "Kaylla Lanier" in feedback


def _states():
    return {
        "items": sorted(ItineraryItem.objects.values_list("program__title", "title", "starts_at", "status")),
        "invitations": sorted(Invitation.objects.values_list("slot__starts_at", "volunteer__email", "status")),
        "requests": sorted(MeetingRequest.objects.values_list("item__title", "status", "deadline")),
        "notifications": Notification.objects.count(),
        "feedback": list(Feedback.objects.values_list("respondent_name", "rating")),
    }


def test_loading_the_demo_again_later_changes_none_of_it():
    load_demo(today=TODAY)
    first = _states()

    load_demo(today=TODAY + dt.timedelta(days=3))

    assert _states() == first
