"""Real PostgreSQL, real concurrent transactions: capacity holds because the database holds it."""

import pytest

from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation
from meetings.models import ItineraryItem
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import HospitalitySlotFactory, ParticipantFactory
from tests.hospitality.conftest import make_volunteer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_more_volunteers_accept_at_once_than_the_slot_needs(require_postgres, council):
    slot = HospitalitySlotFactory(program__council=council, hosts_needed=3, invitation_deadline=None)
    invitations = services.invite(slot=slot, volunteers=[make_volunteer(council) for _ in range(8)])

    results = run_at_once([lambda i=i: services.accept(invitation=i).status for i in invitations])

    assert sorted(results) == sorted([InvitationStatus.ACCEPTED] * 3 + [InvitationStatus.FILLED] * 5)
    slot.refresh_from_db()
    assert slot.accepted_hosts == 3
    assert Invitation.objects.filter(slot=slot, status=InvitationStatus.ACCEPTED).count() == 3
    assert Invitation.objects.filter(slot=slot, status=InvitationStatus.FILLED).count() == 5
    # Each of the five who came too late is thanked once, and nobody else is.
    losers = Invitation.objects.filter(slot=slot, status=InvitationStatus.FILLED)
    thanked = Notification.objects.filter(dedupe_key__startswith="hospitality:filled:")
    assert sorted(thanked.values_list("recipient_id", flat=True)) == sorted(
        losers.values_list("volunteer_id", flat=True)
    )


def test_the_database_refuses_to_overfill_a_slot_even_without_the_service(require_postgres, council):
    from django.db import IntegrityError
    from django.db.models import F

    slot = HospitalitySlotFactory(program__council=council, hosts_needed=1)
    HospitalitySlot.objects.filter(pk=slot.pk).update(accepted_hosts=1)

    with pytest.raises(IntegrityError, match="slot_never_overfilled"):
        HospitalitySlot.objects.filter(pk=slot.pk).update(accepted_hosts=F("accepted_hosts") + 1)


def test_one_guest_seated_at_two_tables_at_once_lands_at_one(require_postgres, council):
    slot = HospitalitySlotFactory(program__council=council, hosts_needed=2, invitation_deadline=None)
    guest = ParticipantFactory(program=slot.program, first_name="Lucía")
    first, second = services.invite(slot=slot, volunteers=[make_volunteer(council), make_volunteer(council)])
    services.accept(invitation=first)
    services.accept(invitation=second)

    results = run_at_once(
        [lambda inv=inv: services.assign_guests(invitation=inv, participants=[guest]) for inv in (first, second)]
    )

    errors = [r for r in results if isinstance(r, services.HospitalityError)]
    assert len(errors) == 1
    assert str(errors[0]) == "Already seated at another table of this slot: Lucía Example."
    assignment = GuestAssignment.objects.get(slot=slot)
    assert assignment.participant == guest
    items = ItineraryItem.objects.filter(program=slot.program)
    assert [list(item.participants.all()) for item in items] == [[guest]]
    assert items.get().invitation == assignment.invitation


def test_a_slot_cancelled_while_volunteers_accept_ends_with_no_host_and_tells_those_who_got_in(
    require_postgres, council
):
    slot = HospitalitySlotFactory(program__council=council, hosts_needed=2, invitation_deadline=None)
    invitations = services.invite(slot=slot, volunteers=[make_volunteer(council) for _ in range(5)])

    results = run_at_once(
        [lambda: services.cancel_slot(slot=slot)]
        + [lambda i=i: services.accept(invitation=i).status for i in invitations]
    )

    accepted_before_cancel = [r for r in results[1:] if r == InvitationStatus.ACCEPTED]
    refused = [r for r in results[1:] if isinstance(r, services.HospitalityError)]
    assert len(accepted_before_cancel) + len(refused) + results[1:].count(InvitationStatus.FILLED) == 5
    slot.refresh_from_db()
    assert (slot.accepted_hosts, slot.cancelled_at is not None) == (0, True)
    left = set(Invitation.objects.filter(slot=slot).values_list("status", flat=True))
    assert left <= {InvitationStatus.CANCELLED, InvitationStatus.FILLED}
    told = Notification.objects.filter(dedupe_key__startswith="hospitality:cancelled:").count()
    assert told == len(accepted_before_cancel)
