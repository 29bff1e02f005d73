import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    ProgramFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC)


def _meeting(program, title, day, **extra):
    stop = program.stops.first() or StopFactory(program=program)
    return ItineraryItemFactory(
        program=program, stop=stop, title=title, starts_at=local(day, 9), ends_at=local(day, 10), **extra
    )


@pytest.fixture
def organization(council):
    return HostOrganizationFactory(council=council, name="Alamo Area Coalition Against Trafficking", city="San Antonio")


def test_the_list_searches_by_name_city_or_contact(staff_client, council, organization, other_council):
    ContactFactory(organization=organization, name="David Ramos")
    HostOrganizationFactory(council=council, name="Casa de Misericordia", city="Laredo")
    HostOrganizationFactory(council=other_council, name="Alamo Area Other Council")

    by_contact = staff_client.get(reverse("directory:list"), {"q": "ramos"})
    by_city = staff_client.get(reverse("directory:list"), {"q": "laredo"})
    everything = staff_client.get(reverse("directory:list"))

    assert [o.name for o in by_contact.context["page"]] == ["Alamo Area Coalition Against Trafficking"]
    assert [o.name for o in by_city.context["page"]] == ["Casa de Misericordia"]
    assert [o.name for o in everything.context["page"]] == [
        "Alamo Area Coalition Against Trafficking",
        "Casa de Misericordia",
    ]


def test_the_organization_page_shows_contacts_and_meetings_across_programs(staff_client, staff, council, organization):
    ContactFactory(organization=organization, name="David Ramos", email="david@example.org")
    attending = ContactFactory(organization=organization, name="Ana Villarreal")
    spring = ProgramFactory(council=council, title="Spring program", arrival_date=dt.date(2027, 3, 1))
    autumn = ProgramFactory(council=council, title="Autumn program", arrival_date=dt.date(2027, 9, 1))
    _meeting(spring, "Coalition briefing", dt.date(2027, 3, 2), host_organization=organization)
    visit = _meeting(autumn, "Panel with the coalition's partners", dt.date(2027, 9, 3))
    visit.contacts.add(attending)
    _meeting(autumn, "Coalition follow-up", dt.date(2027, 9, 2), host_organization=organization)
    _meeting(autumn, "Another host", dt.date(2027, 9, 4))

    with time_machine.travel(TODAY, tick=False):
        staff_client.force_login(staff)
        response = staff_client.get(reverse("directory:organization", kwargs={"organization_id": organization.pk}))

    assert [c.name for c in response.context["contacts"]] == ["Ana Villarreal", "David Ramos"]
    assert [i.title for i in response.context["future_meetings"]] == [
        "Coalition follow-up",
        "Panel with the coalition's partners",
    ]
    assert [i.title for i in response.context["past_meetings"]] == ["Coalition briefing"]
    body = response.content.decode()
    assert "david@example.org" in body
    assert "2 Mar 2027, 09:00 CST" in body
    assert "Spring program" in body


def test_another_councils_items_with_a_same_named_contact_are_not_shown(staff_client, organization, other_council):
    stranger_org = HostOrganizationFactory(council=other_council, name="Alamo Area Coalition Against Trafficking")
    ContactFactory(organization=stranger_org, name="Hidden Person")
    _meeting(
        ProgramFactory(council=other_council), "Their meeting", dt.date(2027, 3, 2), host_organization=stranger_org
    )

    response = staff_client.get(reverse("directory:organization", kwargs={"organization_id": organization.pk}))

    body = response.content.decode()
    assert "Hidden Person" not in body
    assert "Their meeting" not in body


@pytest.mark.parametrize("name", ["directory:organization"])
def test_another_councils_staff_get_404(other_staff_client, organization, name):
    ContactFactory(organization=organization, name="David Ramos")

    response = other_staff_client.get(reverse(name, kwargs={"organization_id": organization.pk}))

    assert response.status_code == 404


def test_another_councils_staff_do_not_see_the_organization_in_their_list(other_staff_client, organization):
    response = other_staff_client.get(reverse("directory:list"))

    assert list(response.context["page"]) == []


@pytest.mark.parametrize("meetings", [2, 20])
def test_organization_page_query_count_does_not_grow(
    staff_client, council, organization, django_assert_num_queries, meetings
):
    program = ProgramFactory(council=council)
    for n in range(meetings):
        item = _meeting(program, f"Meeting {n}", program.arrival_date, host_organization=organization)
        item.contacts.add(ContactFactory(organization=organization))

    # session, user (with council) (the navbar reuses them), organisation, its meetings (program, stop and
    # venue joined), its contacts
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("directory:organization", kwargs={"organization_id": organization.pk}))

    assert response.content.decode().count('data-item="') == meetings


@pytest.mark.parametrize("organizations", [2, 20])
def test_list_query_count_does_not_grow(staff_client, council, django_assert_num_queries, organizations):
    for _n in range(organizations):
        ContactFactory(organization=HostOrganizationFactory(council=council))

    # session, user (with council), count (pagination), one page of organisations with their counts
    with django_assert_num_queries(4):
        response = staff_client.get(reverse("directory:list"))

    assert response.content.decode().count('data-organization="') == organizations
