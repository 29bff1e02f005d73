"""Answering an invitation, the hand-over note and its checklist tasks (``journeys.services``)."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from journeys import services
from journeys.enums import SegmentState
from journeys.forms import HandOverForm
from journeys.models import HandOver, Segment
from lifecycle.models import ProgramTask
from notifications.models import Notification
from programs.models import Participant, Stop
from tests.factories import StaffMembershipFactory
from tests.journeys.journey_world import HAND_OVER_DAY, agency_officer, council_admin, national_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(council, other_council):
    officer = agency_officer()
    return national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)


def segment(journey, order):
    return Segment.objects.get(national_program=journey, order=order)


def test_accepting_creates_the_councils_program_with_its_stop_and_the_travellers(journey, council):
    admin = council_admin(council)

    accepted = services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=admin)

    program = accepted.program
    assert (accepted.state, program.council, program.title) == (
        SegmentState.ACCEPTED,
        council,
        "Combating Trafficking in Persons",
    )
    assert (program.arrival_date, program.departure_date, program.sponsor.name, program.sponsor_reference) == (
        dt.date(2027, 3, 1),
        HAND_OVER_DAY,
        "Northfield International Programs",
        "NIP-2027-CTIP",
    )
    assert list(Stop.objects.filter(program=program).values_list("city", "time_zone", "start_date", "end_date")) == [
        ("San Antonio", "America/Chicago", dt.date(2027, 3, 1), HAND_OVER_DAY)
    ]
    assert sorted(
        Participant.objects.filter(program=program).values_list("first_name", "last_name", "traveller__full_name")
    ) == [("Lucía", "Fernández", "Lucía Fernández"), ("Rafael", "Quispe", "Rafael Quispe")]
    assert list(AuditEvent.objects.filter(council=council).values_list("action", "username")) == [
        ("accept segment", admin.username)
    ]


def test_both_councils_accepting_links_one_traveller_to_a_participant_in_each_city(journey, council, other_council):
    services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=council_admin(council))
    services.accept_segment(segment_id=segment(journey, 2).pk, council=other_council, user=council_admin(other_council))

    lucia = journey.travellers.get(full_name="Lucía Fernández")
    assert sorted(lucia.participants.values_list("program__council__name", "email")) == [
        ("San Antonio CIV", "lucia@example.com"),
        ("St. Louis CIV", "lucia@example.com"),
    ]


def test_an_answered_invitation_cannot_be_answered_again(journey, council):
    services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=council_admin(council))

    with pytest.raises(services.SegmentNotOpen):
        services.decline_segment(segment_id=segment(journey, 1).pk, council=council, user=council_admin(council))

    assert Segment.objects.get(pk=segment(journey, 1).pk).state == SegmentState.ACCEPTED


def test_a_council_cannot_accept_another_councils_segment(journey, council, other_council):
    with pytest.raises(Segment.DoesNotExist):
        services.accept_segment(segment_id=segment(journey, 2).pk, council=council, user=council_admin(council))

    assert segment(journey, 2).state == SegmentState.INVITED


def test_accepting_adds_the_hand_over_tasks_on_both_sides(journey, council, other_council):
    services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=council_admin(council))
    services.accept_segment(segment_id=segment(journey, 2).pk, council=other_council, user=council_admin(other_council))

    hand_over = HandOver.objects.get(from_segment=segment(journey, 1))
    assert (hand_over.sending_task.program.council, hand_over.sending_task.title, hand_over.sending_task.due_date) == (
        council,
        "Write the hand-over note for St. Louis",
        HAND_OVER_DAY - dt.timedelta(days=1),
    )
    assert (hand_over.receiving_task.program.council, hand_over.receiving_task.title) == (
        other_council,
        "Read the hand-over note from San Antonio",
    )


def test_inviting_emails_the_councils_admins_only(journey, council, commit):
    admin = council_admin(council)
    StaffMembershipFactory(council=council)  # a coordinator: the invitation is the admins' to answer

    with commit():
        services.invite_segment(segment=segment(journey, 1))

    assert list(Notification.objects.values_list("recipient_email", "council", "subject")) == [
        (
            admin.email,
            council.pk,
            "Northfield International Programs asks you to host Combating Trafficking in Persons in San Antonio",
        )
    ]
    assert f"/journeys/segments/{segment(journey, 1).pk}/answer/" in Notification.objects.get().body_text


def _note_form(version, **fields):
    data = {"health": "", "diet": "", "interpreter": "", "group_changes": "", "other": "", "version": version}
    form = HandOverForm({**data, **fields})
    assert form.is_valid(), form.errors
    return form


def test_sending_the_hand_over_note_ticks_off_the_senders_task(journey, council, other_council):
    admin = council_admin(council)
    first = services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=admin)
    services.accept_segment(segment_id=segment(journey, 2).pk, council=other_council, user=council_admin(other_council))

    note = services.save_hand_over(
        segment=first, form=_note_form(1, health="Rafael sprained an ankle"), expected_version=1, user=admin
    )

    assert (note.health, note.version, note.is_sent) == ("Rafael sprained an ankle", 2, True)
    assert ProgramTask.objects.get(pk=note.sending_task_id).done_by == admin
    assert ProgramTask.objects.get(pk=note.receiving_task_id).done_at is None


def test_a_note_sent_from_an_older_form_never_overwrites_the_newer(journey, council):
    admin = council_admin(council)
    first = services.accept_segment(segment_id=segment(journey, 1).pk, council=council, user=admin)
    services.save_hand_over(segment=first, form=_note_form(1, diet="Two vegetarians"), expected_version=1, user=admin)

    with pytest.raises(services.StaleEdit):
        services.save_hand_over(segment=first, form=_note_form(1, diet="None"), expected_version=1, user=admin)

    assert HandOver.objects.get(from_segment=first).diet == "Two vegetarians"
