"""Staff cancel a hospitality slot: answers stop, hosts are told, the guests' dinners show as cancelled."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from notifications.models import Notification
from notifications.services import send_due
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 2, 20, 12, 0, tzinfo=dt.UTC)


def _signed_in_at_now(client, user):
    # Signed in at the test's moment, so that the session has not expired when the clock is set there.
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff):
    return _signed_in_at_now(client, staff)


@pytest.fixture
def other_staff_client(client, other_staff):
    return _signed_in_at_now(client, other_staff)


@pytest.fixture
def answered(slot, guests):
    """Ana (Spanish) accepted and seats Lucía and João; Bob has not answered; Cara declined."""
    with time_machine.travel(NOW, tick=False):
        council = slot.program.council
        ana = make_volunteer(council, household_name="Ana's home", contact_name="Ana", preferred_language="es")
        bob = make_volunteer(council, household_name="Bob's home", contact_name="Bob")
        cara = make_volunteer(council, household_name="Cara's home", contact_name="Cara")
        ana_invitation, bob_invitation, cara_invitation = services.invite(slot=slot, volunteers=[ana, bob, cara])
        services.accept(invitation=ana_invitation)
        services.decline(invitation=cara_invitation)
        services.assign_guests(invitation=ana_invitation, participants=guests[:2])
        send_due()  # the invitations
    mail.outbox.clear()
    return ana_invitation, bob_invitation, cara_invitation


@time_machine.travel(NOW, tick=False)
def test_the_cancel_page_says_what_cancelling_will_do_and_changes_nothing(staff_client, slot, answered):
    response = staff_client.get(reverse("hospitality:slot_cancel", args=[slot.pk]))

    page = response.content.decode()
    assert "Cancel Dinner on Tuesday 2 March 2027, 18:00 CST?" in page
    assert "1 accepted host will be told by email that the dinner is cancelled. (Ana&#x27;s home)" in page
    assert "1 open invitation will be withdrawn, and the volunteer told by email." in page
    assert HospitalitySlot.objects.get(pk=slot.pk).cancelled_at is None


@time_machine.travel(NOW, tick=False)
def test_cancelling_a_slot_closes_open_and_accepted_invitations_and_frees_the_counter(staff_client, slot, answered):
    ana_invitation, bob_invitation, cara_invitation = answered

    response = staff_client.post(reverse("hospitality:slot_cancel", args=[slot.pk]), follow=True)

    slot.refresh_from_db()
    assert (slot.cancelled_at, slot.accepted_hosts) == (NOW, 0)
    statuses = dict(Invitation.objects.filter(slot=slot).values_list("pk", "status"))
    assert statuses == {
        ana_invitation.pk: InvitationStatus.CANCELLED,
        bob_invitation.pk: InvitationStatus.CANCELLED,
        cara_invitation.pk: InvitationStatus.DECLINED,
    }
    assert GuestAssignment.objects.filter(slot=slot).count() == 0
    page = response.content.decode()
    assert "The slot is cancelled; its hosts and the volunteers still invited are being told by email." in page
    assert "Cancelled on Sat 20 Feb, 06:00 CST." in page
    assert 'id="invite-form"' not in page


@time_machine.travel(NOW, tick=False)
def test_cancelling_a_slot_cancels_the_dinners_on_the_guests_schedules(slot, answered, guests):
    item = Invitation.objects.get(pk=answered[0].pk).item
    sequence, version = item.sequence, item.version

    services.cancel_slot(slot=slot)

    item = ItineraryItem.objects.get(pk=item.pk)
    assert (item.status, item.sequence, item.version) == (ItemStatus.CANCELLED, sequence + 1, version + 1)
    assert sorted(p.first_name for p in item.participants.all()) == ["João", "Lucía"]
    assert Invitation.objects.get(pk=answered[0].pk).item is None


@time_machine.travel(NOW, tick=False)
def test_hosts_and_open_invitees_are_told_once_in_their_language_and_nobody_else(slot, answered):
    ana_invitation, bob_invitation, _cara_declined = answered

    services.cancel_slot(slot=slot)
    with pytest.raises(services.HospitalityError, match="This slot is already cancelled."):
        services.cancel_slot(slot=slot)
    send_due()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted(
        [f"Ana <{ana_invitation.volunteer.email}>", f"Bob <{bob_invitation.volunteer.email}>"]
    )
    to_ana = by_recipient[f"Ana <{ana_invitation.volunteer.email}>"]
    assert to_ana.subject == "Se cancela la cena del martes 2 de marzo"
    assert "se ha cancelado la cena del martes 2 de marzo, 18:00 CST" in to_ana.body
    to_bob = by_recipient[f"Bob <{bob_invitation.volunteer.email}>"]
    assert to_bob.subject == "Invitation withdrawn: dinner on Tuesday 2 March"
    assert "the dinner on Tuesday 2 March, 18:00 CST" in to_bob.body
    assert "There is nothing to answer any more." in to_bob.body
    assert Notification.objects.filter(dedupe_key=f"hospitality:cancelled:{ana_invitation.pk}").count() == 1
    assert Notification.objects.filter(dedupe_key=f"hospitality:invitation-withdrawn:{bob_invitation.pk}").count() == 1


@time_machine.travel(NOW, tick=False)
def test_accepting_an_invitation_of_a_cancelled_slot_is_refused_kindly(slot, answered, volunteer_client):
    bob_invitation = answered[1]
    services.cancel_slot(slot=slot)
    client = volunteer_client(bob_invitation.volunteer)

    response = client.post(reverse("hospitality:portal_accept", args=[bob_invitation.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Thank you for thinking of our visitors! This dinner has been cancelled, so it needs no hosts any more."
    ]
    assert Invitation.objects.get(pk=bob_invitation.pk).status == InvitationStatus.CANCELLED
    assert HospitalitySlot.objects.get(pk=slot.pk).accepted_hosts == 0


@time_machine.travel(NOW, tick=False)
def test_a_cancelled_slot_takes_no_new_invitations(staff_client, slot, answered):
    services.cancel_slot(slot=slot)
    dora = make_volunteer(slot.program.council, household_name="Dora's home")

    response = staff_client.post(reverse("hospitality:invite", args=[slot.pk]), {"volunteers": [dora.pk]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["This slot is cancelled; nobody can be invited to it."]
    assert Invitation.objects.filter(volunteer=dora).count() == 0


@time_machine.travel(NOW, tick=False)
def test_staff_of_another_council_cannot_cancel_the_slot(other_staff_client, slot, answered):
    response = other_staff_client.post(reverse("hospitality:slot_cancel", args=[slot.pk]))

    assert response.status_code == 404
    slot.refresh_from_db()
    assert (slot.cancelled_at, slot.accepted_hosts) == (None, 1)
    assert len(mail.outbox) == 0


@time_machine.travel(NOW, tick=False)
def test_a_cancelled_slot_cannot_be_edited(staff_client, slot, answered):
    services.cancel_slot(slot=slot)

    response = staff_client.post(
        reverse("hospitality:slot_edit", args=[slot.pk]), {"meal": "lunch", "hosts_needed": "5"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["This slot is cancelled."]
    slot.refresh_from_db()
    assert (slot.meal, slot.hosts_needed) == ("dinner", 2)


def test_a_dinner_that_has_started_cannot_be_cancelled(slot, answered):
    with time_machine.travel(slot.starts_at, tick=False):
        with pytest.raises(services.HospitalityError, match="This dinner has already started."):
            services.cancel_slot(slot=slot)

    slot.refresh_from_db()
    assert (slot.cancelled_at, slot.accepted_hosts) == (None, 1)
