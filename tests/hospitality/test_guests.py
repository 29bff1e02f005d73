import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, Invitation, VolunteerAvailability
from hospitality.suggestions import suggest_volunteers
from meetings.enums import ItemKind, ItemStatus
from meetings.queries import items_for_participant
from tests.factories import HospitalitySlotFactory, InvitationFactory, local
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 2, 20, 12, 0, tzinfo=dt.UTC)


def _accepted(slot, **volunteer_fields):
    with time_machine.travel(NOW, tick=False):
        (invitation,) = services.invite(
            slot=slot, volunteers=[make_volunteer(slot.program.council, **volunteer_fields)]
        )
        return services.accept(invitation=invitation)


def test_seating_guests_puts_a_confirmed_home_hospitality_item_on_their_schedules(slot, guests):
    host = _accepted(slot, household_name="The Moraleses")

    services.assign_guests(invitation=host, participants=guests[:2])

    item = Invitation.objects.get(pk=host.pk).item
    assert (item.kind, item.status, item.whole_group) == (ItemKind.HOME_HOSPITALITY, ItemStatus.CONFIRMED, False)
    assert item.title == "Dinner with The Moraleses"
    assert (item.starts_at, item.ends_at, item.stop) == (slot.starts_at, slot.ends_at, slot.stop)
    assert (item.pickup_at, item.pickup_location) == (slot.starts_at, "Hotel lobby, 100 Main St")
    assert sorted(p.first_name for p in item.participants.all()) == ["João", "Lucía"]
    assert item in items_for_participant(guests[0])
    assert item not in items_for_participant(guests[2])


def test_reseating_updates_the_same_items_guests(slot, guests):
    host = _accepted(slot)
    services.assign_guests(invitation=host, participants=guests[:2])
    item_id = Invitation.objects.get(pk=host.pk).item_id

    services.assign_guests(invitation=host, participants=[guests[2]])

    invitation = Invitation.objects.get(pk=host.pk)
    assert invitation.item_id == item_id
    assert [p.first_name for p in invitation.item.participants.all()] == ["Grace"]
    assert list(GuestAssignment.objects.filter(slot=slot).values_list("participant__first_name", flat=True)) == [
        "Grace"
    ]


def test_a_guest_cannot_sit_at_two_tables_of_a_slot(slot, guests):
    first, second = _accepted(slot), _accepted(slot)
    services.assign_guests(invitation=first, participants=[guests[0]])

    with pytest.raises(services.HospitalityError, match="Already seated at another table of this slot: Lucía Example."):
        services.assign_guests(invitation=second, participants=[guests[0], guests[1]])

    assert GuestAssignment.objects.filter(invitation=second).count() == 0


def test_a_table_takes_no_more_than_guests_per_host_and_the_hosts_own_limit(slot, guests):
    small = _accepted(slot, household_name="Small flat", max_guests=1)

    with pytest.raises(services.HospitalityError, match="Small flat can seat 1 guests."):
        services.assign_guests(invitation=small, participants=guests[:2])


def test_guests_are_only_seated_with_a_host_who_accepted(slot, guests):
    pending = InvitationFactory(slot=slot)

    with pytest.raises(services.HospitalityError, match="host who accepted"):
        services.assign_guests(invitation=pending, participants=guests[:1])


def test_the_suggested_split_matches_language_and_diet(staff_client, slot, guests):
    spanish = _accepted(slot, household_name="Casa", languages="es,en")
    veggie = _accepted(slot, household_name="Veggie", languages="pt,en", dietary_accommodations="Vegetarian, vegan")

    staff_client.post(reverse("hospitality:assign_suggested", args=[slot.pk]))

    seated = {
        a.participant.first_name: a.invitation.volunteer.household_name
        for a in GuestAssignment.objects.select_related("participant", "invitation__volunteer")
    }
    assert seated == {"João": "Veggie", "Lucía": "Casa", "Grace": "Casa"}
    assert Invitation.objects.get(pk=spanish.pk).item.participants.count() == 2
    assert Invitation.objects.get(pk=veggie.pk).item.participants.count() == 1


def test_suggestions_rank_shared_languages_then_capacity_diet_and_least_recent_host(council, slot, guests):
    make_volunteer(council, household_name="Both", languages="es,pt")
    make_volunteer(council, household_name="English", languages="en")
    offered_that_date = make_volunteer(council, household_name="Date", languages="es", available_weekdays=[])
    VolunteerAvailability.objects.create(volunteer=offered_that_date, date=dt.date(2027, 3, 2))
    hosted_lately = make_volunteer(council, household_name="Recent", languages="es,pt")
    InvitationFactory(
        volunteer=hosted_lately,
        slot=HospitalitySlotFactory(program__council=council, starts_at=local(dt.date(2027, 1, 5), 18)),
        status=InvitationStatus.ACCEPTED,
    )
    make_volunteer(council, household_name="Friday only", languages="es", available_weekdays=[5])
    make_volunteer(council, household_name="Not vetted", languages="es", vetting_status="in_progress")
    make_volunteer(council, household_name="Inactive", languages="es", active=False)
    InvitationFactory(slot=slot, volunteer=make_volunteer(council, household_name="Invited", languages="es,pt"))

    suggestions = suggest_volunteers(slot, guests)

    # Both and Recent speak with two guests (Both never hosted, so first); Date and English with one each.
    assert [s.volunteer.household_name for s in suggestions] == ["Both", "Recent", "Date", "English"]
    assert suggestions[0].shared_languages == ["es", "pt"]
    assert suggestions[1].last_hosted_at == local(dt.date(2027, 1, 5), 18)
