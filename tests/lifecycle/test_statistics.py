import collections
import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from demo.loader import load_demo
from directory.enums import Sector
from directory.models import HostOrganization
from hospitality.enums import InvitationStatus
from hospitality.models import Invitation
from lifecycle.impact import compute, programs_in_year
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from programs.models import Program
from tests.factories import (
    HostOrganizationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 19)
# A moment after every 2027 program of these tests: their meetings have been held.
AFTER_THE_YEAR = dt.datetime(2027, 12, 31, 12, tzinfo=dt.UTC)


def _expected(council, year, only=None):
    """The figures counted by hand from the rows, without the statistics module: a meeting is held once it has
    ended, confirmed or thanked. ``only``: one program of the year instead of all."""
    now = timezone.now()
    programs = [
        p
        for p in Program.objects.filter(council=council)
        if p.arrival_date.year == year and (only is None or p == only)
    ]
    held = [
        item
        for item in ItineraryItem.objects.filter(program__in=programs)
        if item.kind in (ItemKind.MEETING, ItemKind.SITE_VISIT)
        and item.status in (ItemStatus.CONFIRMED, ItemStatus.THANKED)
        and item.ends_at <= now
    ]
    hosts = {item.host_organization for item in held if item.host_organization}
    first_in_year = {host: min(i.program.arrival_date for i in held if i.host_organization == host) for host in hosts}
    earlier = {
        item.host_organization
        for item in ItineraryItem.objects.filter(program__council=council)
        if item.kind in (ItemKind.MEETING, ItemKind.SITE_VISIT)
        and item.status in (ItemStatus.CONFIRMED, ItemStatus.THANKED)
        and item.ends_at <= now
        and item.host_organization in hosts
        and item.program.arrival_date < first_in_year[item.host_organization]
    }
    accepted = [
        invitation
        for invitation in Invitation.objects.filter(slot__program__in=programs)
        if invitation.status == InvitationStatus.ACCEPTED
    ]
    hours = sum((i.slot.ends_at - i.slot.starts_at).total_seconds() for i in accepted) / 3600
    countries = collections.Counter(p.country for program in programs for p in program.participants.all())
    return {
        "meetings_held": len(held),
        "host_organizations": len(hosts),
        "sectors": dict(collections.Counter(str(Sector(host.sector).label) for host in hosts)),
        "returning": len(earlier),
        "new": len(hosts) - len(earlier),
        "households": len({i.volunteer_id for i in accepted}),
        "hours": round(hours, 1),
        "visitors": dict(countries),
        "cities": sorted({stop.city for program in programs for stop in program.stops.all()}),
    }


def _actual(figures):
    return {
        "meetings_held": figures.meetings_held,
        "host_organizations": figures.host_organizations,
        "sectors": {str(label): n for label, n in figures.hosts_by_sector},
        "returning": figures.returning_hosts,
        "new": figures.new_hosts,
        "households": figures.volunteer_households,
        "hours": figures.volunteer_hours,
        "visitors": dict(figures.visitors_by_country),
        "cities": [city for city, _n in figures.cities],
    }


@pytest.mark.parametrize("reference", ["E/VRC-2019-0618", "E/VRC-2019-0920"])
def test_statistics_of_the_demo_programs_equal_counts_made_by_hand(reference):
    load_demo(today=TODAY)
    program = Program.objects.get(sponsor_reference=reference)
    council = program.council
    # A program of the year before, where one of this year's hosts already met visitors: a returning host.
    returning_host = (
        ItineraryItem.objects.filter(program=program, kind=ItemKind.MEETING, status=ItemStatus.CONFIRMED)
        .first()
        .host_organization
    )
    earlier = ProgramFactory(council=council, arrival_date=dt.date(2026, 5, 4))
    ItineraryItemFactory(program=earlier, host_organization=returning_host, status=ItemStatus.THANKED)

    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        year = compute(council, programs_in_year(council, 2027))
        single = compute(council, Program.objects.filter(pk=program.pk))
        expected = _expected(council, 2027)
        expected_single = _expected(council, 2027, only=program)

    assert _actual(year) == expected
    # St. Louis also builds the second city of the demo's national program that year.
    assert _actual(single) == expected_single
    assert expected["returning"] == 1
    assert expected["meetings_held"] > 0


def test_the_demo_counts_the_volunteer_hours_of_the_st_louis_dinners():
    load_demo(today=TODAY)
    program = Program.objects.get(sponsor_reference="E/VRC-2019-0920")

    figures = compute(program.council, Program.objects.filter(pk=program.pk))

    assert (figures.volunteer_households, figures.visitors) == (2, 9)
    assert figures.volunteer_hours > 0


def test_statistics_csv_lists_each_figure(client, staff, council):
    program = ProgramFactory(council=council, arrival_date=dt.date(2027, 3, 1))
    ParticipantFactory.create_batch(2, program=program, country="PE")
    ItineraryItemFactory(
        program=program, host_organization=HostOrganizationFactory(council=council, sector=Sector.MEDIA)
    )

    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        client.force_login(staff)
        response = client.get(reverse("lifecycle:statistics_csv"), {"year": "2027"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "key", "value"]
    assert ["meetings_held", "", "1"] in rows
    assert ["hosts_by_sector", "Media", "1"] in rows
    assert ["visitors_by_country", "PE", "2"] in rows
    assert ["meetings_held_by_program", program.title, "1"] in rows


def test_statistics_of_another_councils_program_are_not_found(staff_client, other_council):
    program = ProgramFactory(council=other_council)

    response = staff_client.get(reverse("lifecycle:statistics"), {"program": program.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_statistics_page_keeps_its_query_count(client, staff, council, django_assert_num_queries, size):
    for index in range(size):
        program = ProgramFactory(council=council, arrival_date=dt.date(2027, 3, 1) + dt.timedelta(days=10 * index))
        ParticipantFactory.create_batch(2, program=program)
        ItineraryItemFactory.create_batch(
            2,
            program=program,
            stop=StopFactory(program=program),
            host_organization=HostOrganizationFactory(council=council),
        )

    # session, user (with council); programs with meetings held, meetings held, hosts in scope, hosts' first
    # meetings, accepted invitations, visitors by country, cities; the program choices of the filter form
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        client.force_login(staff)
        with django_assert_num_queries(10):
            response = client.get(reverse("lifecycle:statistics"), {"year": "2027"})

    assert response.context["figures"].meetings_held == 2 * size
    assert HostOrganization.objects.filter(council=council).count() == size
