import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from api.enums import TokenScope
from api.models import ApiToken
from api.services import PREFIX_LENGTH, SECRET_START, digest_of
from councils.enums import StaffRole
from tests.factories import StaffMembershipFactory


def make_token(council, *, scope=TokenScope.READ_WRITE, name=None, creator=None):
    """A token of ``council`` and its secret, created by an admin of the council (as the tokens page does)."""
    secret = SECRET_START + secrets.token_urlsafe(32)
    creator = creator or StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user
    token = ApiToken.objects.create(
        council=council,
        name=name or f"Token {secret[4:10]}",
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        created_by=creator,
    )
    return token, secret


class ApiClient:
    """Requests to the API with a token (or none), JSON in and out."""

    def __init__(self, secret=None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _send(self, method, path, body=None, headers=None):
        call = getattr(self.client, method)
        kwargs = {"headers": {**self.headers, **(headers or {})}}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return call(path, **kwargs)

    def get(self, path, **kwargs):
        return self._send("get", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self._send("post", path, {} if body is None else body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._send("patch", path, {} if body is None else body, **kwargs)


@pytest.fixture
def token(council):
    return make_token(council)


@pytest.fixture
def api(token):
    """The owning council's read-and-write client."""
    return ApiClient(token[1])


@pytest.fixture(autouse=True)
def _no_request_counts():
    """Each test starts with no request counted against any token."""
    cache.clear()
    yield
    cache.clear()
