"""A meeting counts as held only once it has ended, and only if it was confirmed and not cancelled: on the page,
in the charts and in the CSV."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from lifecycle.impact import compute
from meetings.enums import ItemKind, ItemStatus
from programs.models import Program
from tests.factories import (
    HostOrganizationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2027, 3, 1)
# The third day of the program, 12:00 in San Antonio: day 1 is over, day 3's afternoon and day 4 are ahead.
MIDDLE = local(ARRIVAL + dt.timedelta(days=2), 12)


@pytest.fixture
def world(council):
    program = ProgramFactory(council=council, title="Rule of Law", arrival_date=ARRIVAL)
    stop = StopFactory(program=program)

    def meeting(title, day, hour, status=ItemStatus.CONFIRMED, kind=ItemKind.MEETING, hours=1):
        starts = local(ARRIVAL + dt.timedelta(days=day), hour)
        return ItineraryItemFactory(
            program=program,
            stop=stop,
            title=title,
            kind=kind,
            status=status,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            host_organization=HostOrganizationFactory(council=council, name=f"Host of {title}"),
        )

    items = {
        "past": meeting("District attorney", 1, 9),
        "past site visit": meeting("Shelter visit", 1, 14, kind=ItemKind.SITE_VISIT, status=ItemStatus.THANKED),
        "future": meeting("Coalition", 3, 9),
        "cancelled past": meeting("Newspaper", 1, 11, status=ItemStatus.CANCELLED),
        "requested past": meeting("City manager", 0, 15, status=ItemStatus.REQUESTED),
        # Started at 11:00, ends at 13:00: under way at noon, not held yet.
        "under way": meeting("Task force", 2, 11, hours=2),
    }
    ParticipantFactory(program=program, country="PE")
    return program, items


def test_only_meetings_that_ended_and_were_not_cancelled_are_held(council, world):
    program, _items = world

    figures = compute(council, Program.objects.filter(pk=program.pk), now=MIDDLE)

    assert figures.meetings_held == 2  # the district attorney and the shelter visit
    assert figures.host_organizations == 2
    assert figures.new_hosts == 2
    assert figures.programs[0].meetings_held == 2
    assert figures.chart_data()["meetings"]["values"] == [2]
    assert figures.as_of == MIDDLE


def test_a_meeting_counts_once_it_has_ended(council, world):
    program, items = world
    programs = Program.objects.filter(pk=program.pk)
    under_way = items["under way"]

    just_before = compute(council, programs, now=under_way.ends_at - dt.timedelta(minutes=1))
    at_its_end = compute(council, programs, now=under_way.ends_at)
    after_the_program = compute(council, programs, now=local(ARRIVAL + dt.timedelta(days=10), 9))

    assert (just_before.meetings_held, at_its_end.meetings_held, after_the_program.meetings_held) == (2, 3, 4)


def test_a_host_is_returning_only_for_a_meeting_held_before(council, world):
    """A host's meeting planned in an earlier program that has not happened yet does not make it returning."""
    program, items = world
    earlier = ProgramFactory(council=council, arrival_date=ARRIVAL - dt.timedelta(days=20))
    host = items["past"].host_organization
    ItineraryItemFactory(program=earlier, host_organization=host, status=ItemStatus.CONFIRMED)  # held 19 days before
    programs = Program.objects.filter(pk=program.pk)

    figures = compute(council, programs, now=MIDDLE)
    before_the_earlier_meeting = compute(council, programs, now=local(ARRIVAL - dt.timedelta(days=30), 9))

    assert (figures.returning_hosts, figures.new_hosts) == (1, 1)
    assert (before_the_earlier_meeting.meetings_held, before_the_earlier_meeting.returning_hosts) == (0, 0)


def test_the_page_and_the_csv_count_what_was_held_by_now(client, staff, world):
    program, _items = world

    with time_machine.travel(MIDDLE, tick=False):
        client.force_login(staff)  # a session of that day
        page = client.get(reverse("lifecycle:statistics"), {"year": "2027"})
        response = client.get(reverse("lifecycle:statistics_csv"), {"year": "2027"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert page.context["figures"].meetings_held == 2
    assert page.context["chart_data"]["meetings"] == {"labels": ["Rule of Law"], "values": [2]}
    assert 'id="figure-meetings">2<' in page.content.decode()
    assert "Figures as of 3 Mar 2027, 12:00 CST." in page.content.decode()
    assert ["meetings_held", "", "2"] in rows
    assert ["meetings_held_by_program", "Rule of Law", "2"] in rows
    assert ["host_organizations", "", "2"] in rows
    assert ["as_of", "", "2027-03-03T18:00:00+00:00"] in rows


@pytest.mark.parametrize("size", [1, 4])
def test_the_page_keeps_its_query_count_once_meetings_were_held(
    client, staff, council, django_assert_num_queries, size
):
    for index in range(size):
        program = ProgramFactory(council=council, arrival_date=ARRIVAL + dt.timedelta(days=10 * index))
        ParticipantFactory.create_batch(2, program=program)
        ItineraryItemFactory.create_batch(
            2,
            program=program,
            stop=StopFactory(program=program),
            host_organization=HostOrganizationFactory(council=council),
        )

    with time_machine.travel(dt.datetime(2027, 12, 1, tzinfo=dt.UTC), tick=False):
        client.force_login(staff)
        # session, user (with council); programs with meetings held, meetings held, hosts in scope, hosts' first
        # meetings, accepted invitations, visitors by country, cities; the program choices of the filter form
        with django_assert_num_queries(10):
            response = client.get(reverse("lifecycle:statistics"), {"year": "2027"})

    assert response.context["figures"].meetings_held == 2 * size
