import pytest

from tests.factories import CouncilFactory, StaffMembershipFactory


@pytest.fixture
def council(db):
    return CouncilFactory(name="San Antonio CIV", slug="saciv")


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="St. Louis CIV", slug="stl-civ")


@pytest.fixture
def staff(council):
    return StaffMembershipFactory(council=council).user


@pytest.fixture
def other_staff(other_council):
    return StaffMembershipFactory(council=other_council).user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def other_staff_client(client, other_staff):
    client.force_login(other_staff)
    return client
