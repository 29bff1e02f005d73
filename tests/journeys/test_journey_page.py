"""A council's journey page: its own segment linked to its program, the other cities read-only through the
whitelist (``journeys.sharing``), the hand-over between them, and the invitation on the dashboard."""

import datetime as dt

import pytest
from django.urls import reverse

from journeys import services
from journeys.enums import SegmentState
from journeys.models import HandOver, Segment
from lifecycle.models import ProgramTask
from meetings.enums import ItemKind
from tests.factories import (
    ContactFactory,
    CouncilFactory,
    HostOrganizationFactory,
    InvitationFactory,
    ItineraryItemFactory,
    StaffMembershipFactory,
    local,
)
from tests.journeys.journey_world import agency_officer, council_admin, national_program

pytestmark = pytest.mark.django_db

SECRETS = (
    "Internal: bring the gift",  # an item's internal notes
    "Private Contact Person",  # a host contact's name
    "private@da.example",  # and email
    "+12105550100",  # and phone
    "210-555-0100",
    "Hidden Household",  # a volunteer household
    "Volunteer Host Name",
    "lucia@example.com",  # a participant's email
    "+5491155550100",  # phone
    "Vegetarian",  # dietary needs (only through the hand-over note)
    "Private bio, not shared.",  # a bio without consent
    "Bexar County District Attorney",  # host organisations are the agency's to see, not another council's
)


@pytest.fixture
def world(council, other_council):
    officer = agency_officer()
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    san_antonio_admin, st_louis_admin = council_admin(council), council_admin(other_council)
    first = services.accept_segment(
        segment_id=journey.segments.get(order=1).pk, council=council, user=san_antonio_admin
    )
    second = services.accept_segment(
        segment_id=journey.segments.get(order=2).pk, council=other_council, user=st_louis_admin
    )
    stop = first.program.stops.get()
    host = HostOrganizationFactory(council=council, name="Bexar County District Attorney")
    contact = ContactFactory(
        organization=host, name="Private Contact Person", email="private@da.example", phone="+12105550100"
    )
    item = ItineraryItemFactory(
        program=first.program,
        stop=stop,
        title="District attorney's office",
        kind=ItemKind.MEETING,
        host_organization=host,
        internal_notes="Internal: bring the gift",
        starts_at=local(dt.date(2027, 3, 2), 10),
    )
    item.contacts.add(contact)
    invitation = InvitationFactory(
        slot__program=first.program,
        slot__stop=stop,
        volunteer__council=council,
        volunteer__household_name="Hidden Household",
        volunteer__contact_name="Volunteer Host Name",
    )
    assert invitation.volunteer.contact_name == "Volunteer Host Name"
    return {
        "journey": journey,
        "first": first,
        "second": second,
        "officer": officer,
        "san_antonio": san_antonio_admin,
        "st_louis": st_louis_admin,
    }


def journey_url(world):
    return reverse("journeys:journey", kwargs={"national_program_id": world["journey"].pk})


def test_the_next_council_sees_the_other_city_read_only_and_nothing_private(client, world):
    client.force_login(world["st_louis"])

    response = client.get(journey_url(world))

    page = response.content.decode()
    san_antonio = response.context["journey"].segments[0]
    assert san_antonio["items"] == [
        {
            "title": "District attorney's office",
            "kind": "Professional meeting",
            "status": "confirmed",
            "status_label": "Confirmed",
            "when": "Tue 2 Mar, 10:00–11:00 CST",
            "city": "San Antonio",
        }
    ]
    assert "Prosecutor in Buenos Aires." in page  # a bio shared with consent
    assert [secret for secret in SECRETS if secret in page] == []


def test_the_journey_page_shows_the_previous_departure_and_the_next_arrival(client, world):
    client.force_login(world["st_louis"])

    st_louis = client.get(journey_url(world)).content.decode()
    client.force_login(world["san_antonio"])
    san_antonio = client.get(journey_url(world)).content.decode()

    assert "Departure: Flight WN 2210 Thu 4 Mar 2027, 09:05 CST" in " ".join(st_louis.split())
    assert "Arrival: Flight WN 2210 Thu 4 Mar 2027, 11:05 CST" in " ".join(san_antonio.split())
    assert f'href="{reverse("programs:program", kwargs={"program_id": world["first"].program_id})}"' in san_antonio


def test_a_council_outside_the_journey_cannot_see_it(client, world):
    client.force_login(StaffMembershipFactory(council=CouncilFactory(name="Laredo CIV", slug="laredo")).user)

    response = client.get(journey_url(world))

    assert response.status_code == 404


def test_the_hand_over_note_reaches_the_next_council_and_the_agency_only(client, world):
    client.force_login(world["san_antonio"])
    client.post(
        reverse("journeys:hand_over", kwargs={"segment_id": world["first"].pk}),
        {
            "health": "Rafael sprained an ankle",
            "diet": "Lucía: vegetarian",
            "interpreter": "",
            "group_changes": "",
            "other": "",
            "version": "1",
        },
    )

    client.force_login(world["st_louis"])
    st_louis = client.get(journey_url(world)).content.decode()
    client.force_login(world["officer"])
    agency = client.get(reverse("agency:program", kwargs={"national_program_id": world["journey"].pk})).content.decode()
    client.force_login(world["san_antonio"])

    assert "Rafael sprained an ankle" in st_louis
    assert "Lucía: vegetarian" in agency
    sending_task = HandOver.objects.get(from_segment=world["first"]).sending_task
    assert sending_task.done_at is not None


def test_the_receiving_council_marks_the_note_read_and_its_task_is_done(client, world):
    note = HandOver.objects.get(from_segment=world["first"])
    HandOver.objects.filter(pk=note.pk).update(health="All well", sent_at=dt.datetime(2027, 3, 3, tzinfo=dt.UTC))
    client.force_login(world["st_louis"])

    client.post(reverse("journeys:hand_over_read", kwargs={"segment_id": world["second"].pk}))

    task = ProgramTask.objects.get(pk=note.receiving_task_id)
    assert (task.program.council_id, task.done_by) == (world["second"].council_id, world["st_louis"])


def test_a_council_cannot_write_the_note_of_another_councils_segment(client, world):
    client.force_login(world["st_louis"])

    response = client.post(
        reverse("journeys:hand_over", kwargs={"segment_id": world["first"].pk}),
        {"health": "Forged", "diet": "", "interpreter": "", "group_changes": "", "other": "", "version": "1"},
    )

    assert response.status_code == 404
    assert HandOver.objects.get(from_segment=world["first"]).health == ""


def test_a_stale_note_is_refused_with_a_message_and_the_newer_kept(client, world):
    client.force_login(world["san_antonio"])
    url = reverse("journeys:hand_over", kwargs={"segment_id": world["first"].pk})
    blank = {"health": "", "diet": "", "interpreter": "", "group_changes": "", "other": ""}
    client.post(url, {**blank, "health": "First", "version": "1"})

    response = client.post(url, {**blank, "health": "Second", "version": "1"}, follow=True)

    assert "Someone sent a newer note meanwhile" in response.content.decode()
    assert HandOver.objects.get(from_segment=world["first"]).health == "First"


@pytest.mark.parametrize("size", [1, 15])
def test_the_journey_page_query_count_does_not_grow_with_items(client, world, django_assert_num_queries, size):
    second = world["second"]
    for index in range(size):
        ItineraryItemFactory(
            program=second.program,
            stop=second.program.stops.get(),
            starts_at=local(dt.date(2027, 3, 5), 8) + dt.timedelta(minutes=index),
        )
    client.force_login(world["san_antonio"])

    # session, user (with council); the national program; segments (councils, programs); items (stops, hosts);
    # travellers; hand-over notes (with the read task)
    with django_assert_num_queries(7):
        response = client.get(journey_url(world))

    assert len(response.context["journey"].segments[1]["items"]) == size


def test_an_invitation_shows_on_the_dashboard_and_accepting_opens_the_new_program(client, council, other_council):
    officer = agency_officer()
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    segment = journey.segments.get(order=1)
    client.force_login(StaffMembershipFactory(council=council).user)  # a coordinator may answer

    dashboard = client.get(reverse("programs:home")).content.decode()
    response = client.post(reverse("journeys:answer", kwargs={"segment_id": segment.pk}), {"answer": "accept"})

    assert reverse("journeys:answer", kwargs={"segment_id": segment.pk}) in dashboard
    assert "Combating Trafficking in Persons" in dashboard
    segment.refresh_from_db()
    assert segment.state == SegmentState.ACCEPTED
    assert response["Location"] == reverse("programs:program", kwargs={"program_id": segment.program_id})


def test_declining_records_the_reason_for_the_agency(client, council, other_council):
    officer = agency_officer()
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    segment = journey.segments.get(order=2)
    client.force_login(council_admin(other_council))

    client.post(
        reverse("journeys:answer", kwargs={"segment_id": segment.pk}),
        {"answer": "decline", "reason": "Our staff are away that week"},
    )
    client.force_login(officer)
    agency = client.get(reverse("agency:program", kwargs={"national_program_id": journey.pk})).content.decode()

    assert Segment.objects.get(pk=segment.pk).state == SegmentState.DECLINED
    assert "Our staff are away that week" in agency


def test_another_council_cannot_answer_an_invitation_not_theirs(client, council, other_council):
    officer = agency_officer()
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    segment = journey.segments.get(order=1)
    client.force_login(council_admin(other_council))

    response = client.post(reverse("journeys:answer", kwargs={"segment_id": segment.pk}), {"answer": "accept"})

    assert response.status_code == 404
    assert Segment.objects.get(pk=segment.pk).state == SegmentState.INVITED


@pytest.mark.parametrize("answer", ["invited", "declined"])
def test_a_council_that_has_not_accepted_sees_no_itineraries(client, council, other_council, answer):
    officer = agency_officer()
    journey = national_program(officer.agency_membership.agency, first_council=council, second_council=other_council)
    services.accept_segment(segment_id=journey.segments.get(order=1).pk, council=council, user=council_admin(council))
    if answer == "declined":
        services.decline_segment(
            segment_id=journey.segments.get(order=2).pk, council=other_council, user=council_admin(other_council)
        )
    client.force_login(council_admin(other_council))

    response = client.get(reverse("journeys:journey", kwargs={"national_program_id": journey.pk}))

    assert response.status_code == 404
