import pytest

from councils.enums import StaffRole
from tests.factories import StaffMembershipFactory
from tests.webhooks.receiver import Receiver
from webhooks import signing
from webhooks.enums import WebhookEvent
from webhooks.models import WebhookEndpoint


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    # The receiver of these tests listens on 127.0.0.1, which production refuses.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def make_endpoint(council, url, *, events=tuple(WebhookEvent.values), name="Case management system", **fields):
    return WebhookEndpoint.objects.create(
        council=council, name=name, url=url, events=list(events), secret=signing.make_secret(), **fields
    )


@pytest.fixture
def endpoint(council, receiver):
    return make_endpoint(council, receiver.url)


@pytest.fixture
def admin(council):
    return StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
