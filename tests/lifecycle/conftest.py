import pytest

from councils.enums import StaffRole
from tests.factories import StaffMembershipFactory


@pytest.fixture
def council_admin_client(client, council):
    """A council admin of ``council``, signed in."""
    user = StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user
    client.force_login(user)
    return client
