import datetime as dt

import pytest
from django.urls import reverse

from hospitality import services
from hospitality.models import HospitalitySlot, Invitation
from tests.factories import HospitalitySlotFactory, ProgramFactory, StopFactory
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db


def test_staff_create_a_slot_in_the_stops_local_time(staff_client, council):
    program = ProgramFactory(council=council, has_home_hospitality=True)
    stop = StopFactory(program=program, city="St. Louis", time_zone="America/Chicago")

    response = staff_client.post(
        reverse("hospitality:slot_create", args=[program.pk]),
        {
            "stop": stop.pk,
            "meal": "dinner",
            "guests_per_host": "3",
            "hosts_needed": "3",
            "meeting_point": "Hotel lobby",
            "date": "2027-03-07",
            "start_time": "18:30",
            "end_time": "21:00",
            "deadline_date": "2027-02-28",
        },
    )

    slot = HospitalitySlot.objects.get(program=program)
    assert response["Location"] == reverse("hospitality:slot", args=[slot.pk])
    assert slot.starts_at == dt.datetime(2027, 3, 8, 0, 30, tzinfo=dt.UTC)
    assert slot.ends_at == dt.datetime(2027, 3, 8, 3, 0, tzinfo=dt.UTC)
    assert slot.invitation_deadline == dt.datetime(2027, 3, 1, 5, 59, tzinfo=dt.UTC)


def test_a_slot_outside_its_stop_or_ending_before_it_starts_is_refused(staff_client, council):
    program = ProgramFactory(council=council)
    stop = StopFactory(program=program)

    response = staff_client.post(
        reverse("hospitality:slot_create", args=[program.pk]),
        {
            "stop": stop.pk,
            "meal": "dinner",
            "guests_per_host": "2",
            "hosts_needed": "1",
            "date": "2027-04-01",
            "start_time": "19:00",
            "end_time": "18:00",
        },
    )

    assert response.context["form"].errors == {
        "date": ["The date must fall within the stop's dates."],
        "end_time": ["The end must be after the start."],
    }
    assert HospitalitySlot.objects.count() == 0


def test_hosts_needed_cannot_drop_below_those_who_accepted(staff_client, slot):
    for invitation in services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council) for _ in range(2)]):
        services.accept(invitation=invitation, now=slot.invitation_deadline - dt.timedelta(days=1))

    response = staff_client.post(
        reverse("hospitality:slot_edit", args=[slot.pk]),
        {
            "stop": slot.stop.pk,
            "meal": "dinner",
            "guests_per_host": "2",
            "hosts_needed": "1",
            "date": "2027-03-02",
            "start_time": "18:00",
            "end_time": "21:00",
        },
    )

    assert response.context["form"].errors == {"hosts_needed": ["2 hosts have already accepted."]}
    assert HospitalitySlot.objects.get(pk=slot.pk).hosts_needed == 2


def test_staff_invite_suggested_volunteers_from_the_slot_page(staff_client, slot, guests):
    spanish = make_volunteer(slot.program.council, household_name="Casa Ruiz", languages="es")
    english = make_volunteer(slot.program.council, household_name="The Smiths", languages="en")

    page = staff_client.get(reverse("hospitality:slot", args=[slot.pk]))
    staff_client.post(reverse("hospitality:invite", args=[slot.pk]), {"volunteers": [spanish.pk, english.pk]})

    assert [s.volunteer for s in page.context["suggestions"]] == [spanish, english]
    assert "18:00–21:00 CST" in page.content.decode()
    assert sorted(Invitation.objects.filter(slot=slot).values_list("volunteer__household_name", flat=True)) == [
        "Casa Ruiz",
        "The Smiths",
    ]


@pytest.mark.parametrize("slots", [1, 6])
def test_the_board_shows_each_slot_and_who_has_not_answered_in_constant_queries(
    staff_client, council, django_assert_num_queries, slots
):
    program = ProgramFactory(council=council, has_home_hospitality=True)
    stop = StopFactory(program=program)
    for n in range(slots):
        slot = HospitalitySlotFactory(program=program, stop=stop, hosts_needed=2)
        accepted, waiting = services.invite(
            slot=slot,
            volunteers=[make_volunteer(council), make_volunteer(council, household_name=f"Waiting {n}")],
        )
        services.accept(invitation=accepted, now=slot.starts_at - dt.timedelta(days=3))

    # session, user (with council), program, slots with counts, their pending invitations with volunteers
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("hospitality:board", args=[program.pk]))

    body = response.content.decode()
    rows = list(response.context["slots"])
    assert [(s.hosts_needed, s.invited_count, s.accepted_hosts, s.guest_count) for s in rows] == [(2, 2, 1, 0)] * slots
    assert [[i.volunteer.household_name for i in s.pending_invitations] for s in rows] == [
        [f"Waiting {n}"] for n in range(slots)
    ]
    assert body.count(">Remind</button>") == slots


def test_moving_a_slot_moves_the_seated_dinner_and_the_open_invitations_deadline(staff_client, slot, guests):
    invitation, waiting = services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council) for _ in "ab"])
    services.accept(invitation=invitation, now=slot.invitation_deadline - dt.timedelta(days=1))
    services.assign_guests(invitation=invitation, participants=guests[:2])

    staff_client.post(
        reverse("hospitality:slot_edit", args=[slot.pk]),
        {
            "stop": slot.stop.pk,
            "meal": "dinner",
            "guests_per_host": "2",
            "hosts_needed": "2",
            "meeting_point": "Museum steps",
            "date": "2027-03-03",
            "start_time": "19:00",
            "end_time": "21:30",
            "deadline_date": "2027-03-01",
        },
    )

    item = Invitation.objects.get(pk=invitation.pk).item
    assert (item.starts_at, item.ends_at) == (
        dt.datetime(2027, 3, 4, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 4, 3, 30, tzinfo=dt.UTC),
    )
    assert item.pickup_location == "Museum steps"
    assert item.participants.count() == 2
    assert Invitation.objects.get(pk=waiting.pk).expires_at == dt.datetime(2027, 3, 2, 5, 59, tzinfo=dt.UTC)


def test_staff_can_invite_a_volunteer_the_suggestions_leave_out(staff_client, slot):
    unvetted = make_volunteer(slot.program.council, household_name="New family", vetting_status="in_progress")

    page = staff_client.get(reverse("hospitality:slot", args=[slot.pk]))
    staff_client.post(reverse("hospitality:invite", args=[slot.pk]), {"volunteers": [unvetted.pk]})

    assert list(page.context["others"]) == [unvetted]
    assert Invitation.objects.get(slot=slot).volunteer == unvetted


def test_a_reminder_works_for_an_invitation_made_without_the_service(staff_client, slot):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(slot=slot, volunteer=make_volunteer(slot.program.council))

    staff_client.post(reverse("hospitality:remind", args=[invitation.pk]))

    invitation.volunteer.refresh_from_db()
    assert invitation.volunteer.user is not None
    assert invitation.volunteer.invitations.get().reminded_at is not None


@pytest.mark.parametrize("hosts", [1, 4])
def test_the_slot_page_reads_a_constant_number_of_queries(staff_client, council, django_assert_num_queries, hosts):
    from tests.factories import ParticipantFactory

    slot = HospitalitySlotFactory(program__council=council, hosts_needed=hosts, invitation_deadline=None)
    ParticipantFactory.create_batch(hosts * 2, program=slot.program)
    for invitation in services.invite(slot=slot, volunteers=[make_volunteer(council) for _ in range(hosts)]):
        services.accept(invitation=invitation)
    services.apply_suggested_split(slot=slot)
    make_volunteer(council, household_name="Not invited yet")
    make_volunteer(council, household_name="Not vetted", vetting_status="in_progress")

    # session, user (with council), slot (program, stop), participants, invitations, their guests,
    # suggested volunteers (with last hosted), other volunteers
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("hospitality:slot", args=[slot.pk]))

    assert len(response.context["assign_forms"]) == hosts
    assert response.content.decode().count(" checked>") == hosts * 2  # each table shows its two seated guests
    assert [s.volunteer.household_name for s in response.context["suggestions"]] == ["Not invited yet"]
