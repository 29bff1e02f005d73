"""A council's admins never see nor pick another council's rows in the admin.

Only a council's admins (and superusers) use the admin at all (``tests/councils/test_admin_access.py``), so these
tests sign in as council admins; they signed in as coordinators while coordinators could use the admin.
"""

import pytest
from django.urls import reverse

from councils.enums import StaffRole
from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_admin_client(client, council):
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)
    return client


@pytest.fixture
def other_admin_client(client, other_council):
    client.force_login(StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user)
    return client


def test_another_councils_program_cannot_be_opened(other_admin_client, council):
    program = ProgramFactory(council=council, title="Secret delegation")

    response = other_admin_client.get(reverse("admin:programs_program_change", args=[program.pk]), follow=True)

    assert b"Secret delegation" not in response.content
    assert b"doesn\xe2\x80\x99t exist" in response.content


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (ParticipantFactory, "admin:programs_participant_change"),
        (ItineraryItemFactory, "admin:meetings_itineraryitem_change"),
        (ContactFactory, "admin:directory_contact_change"),
    ],
)
def test_another_councils_records_cannot_be_opened(other_admin_client, council, factory, url_name):
    obj = factory(
        **({"organization__council": council} if factory is ContactFactory else {"program__council": council})
    )

    response = other_admin_client.get(reverse(url_name, args=[obj.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_changelist_shows_only_the_councils_programs(council_admin_client, council, other_council):
    ProgramFactory(council=council, title="Our program")
    ProgramFactory(council=other_council, title="Their program")

    response = council_admin_client.get(reverse("admin:programs_program_changelist"))

    assert [p.title for p in response.context["cl"].result_list] == ["Our program"]


def test_venue_form_offers_only_the_councils_host_organizations(council_admin_client, council, other_council):
    # Itinerary items are read-only in the admin; a venue's host organization is a choice the admin still offers.
    venue = VenueFactory(council=council)
    HostOrganizationFactory(council=council, name="Our host")
    HostOrganizationFactory(council=other_council, name="Their host")

    response = council_admin_client.get(reverse("admin:directory_venue_change", args=[venue.pk]))

    organizations = [o.name for o in response.context["adminform"].form.fields["organization"].queryset]
    assert organizations == ["Our host"]


def test_admin_cannot_give_a_venue_another_councils_host_organization(council_admin_client, council, other_council):
    venue = VenueFactory(council=council, name="Our venue")
    theirs = HostOrganizationFactory(council=other_council)
    url = reverse("admin:directory_venue_change", args=[venue.pk])
    data = {"council": council.pk, "name": "Our venue", "address": venue.address, "organization": theirs.pk}

    response = council_admin_client.post(url, data)

    venue.refresh_from_db()
    assert venue.organization_id is None
    assert "organization" in response.context["adminform"].form.errors
