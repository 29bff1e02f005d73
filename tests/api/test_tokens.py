"""Council admins create, scope and revoke the council's API tokens; a token opens the API while it lives."""

import hashlib
import re

import pytest
import time_machine
from django.urls import reverse

from api.enums import TokenScope
from api.models import ApiToken
from audit.models import AuditEvent
from councils.enums import StaffRole
from councils.models import StaffMembership
from tests.api.conftest import ApiClient, make_token
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db

PROGRAMS = "/api/v1/programs/"


@pytest.fixture
def admin(council):
    return StaffMembershipFactory(council=council, role=StaffRole.ADMIN, user__username="council-admin").user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_an_admin_creates_a_token_and_sees_its_secret_once(admin_client, council, admin):
    response = admin_client.post(reverse("api:tokens"), {"name": "Sponsor CRM sync", "scope": "read"})

    secret = re.search(r"data-token-secret>(exk_[A-Za-z0-9_-]+)<", response.content.decode()).group(1)
    token = ApiToken.objects.get(council=council)
    assert (token.name, token.scope, token.created_by) == ("Sponsor CRM sync", TokenScope.READ, admin)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert response["Cache-Control"] == "no-store"
    assert secret not in admin_client.get(reverse("api:tokens")).content.decode()
    assert f"{token.prefix}…" in admin_client.get(reverse("api:tokens")).content.decode()
    assert list(AuditEvent.objects.values_list("action", "object_id", "username")) == [
        ("create API token", str(token.pk), "council-admin")
    ]


def test_a_token_name_in_use_is_refused_with_a_message(admin_client, council):
    make_token(council, name="Sponsor CRM sync")

    response = admin_client.post(reverse("api:tokens"), {"name": "Sponsor CRM sync", "scope": "read"})

    assert response.context["form"].errors == {"name": ["A token of this name is in use: choose another name."]}
    assert ApiToken.objects.filter(council=council).count() == 1


def test_revoking_stops_the_token_at_the_next_request(admin_client, council):
    token, secret = make_token(council)
    api = ApiClient(secret)
    assert api.get(PROGRAMS).status_code == 200

    admin_client.post(reverse("api:token_revoke", kwargs={"api_token_id": token.pk}))
    response = api.get(PROGRAMS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["revoke API token"]


def test_revoking_twice_records_once(admin_client, council):
    token, _secret = make_token(council)
    url = reverse("api:token_revoke", kwargs={"api_token_id": token.pk})

    admin_client.post(url)
    admin_client.post(url)

    assert AuditEvent.objects.filter(action="revoke API token").count() == 1


def test_another_councils_token_cannot_be_revoked(admin_client, other_council):
    token, secret = make_token(other_council)

    response = admin_client.post(reverse("api:token_revoke", kwargs={"api_token_id": token.pk}))

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert ApiClient(secret).get(PROGRAMS).status_code == 200


def test_a_coordinator_may_not_manage_tokens(client, council):
    token, _secret = make_token(council)
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user)

    listed = client.get(reverse("api:tokens"))
    created = client.post(reverse("api:tokens"), {"name": "Mine", "scope": "read_write"})
    revoked = client.post(reverse("api:token_revoke", kwargs={"api_token_id": token.pk}))

    assert (listed.status_code, created.status_code, revoked.status_code) == (403, 403, 403)
    assert list(ApiToken.objects.values_list("name", "revoked_at")) == [(token.name, None)]


def test_the_tokens_page_shows_only_the_councils_own_tokens(admin_client, council, other_council):
    make_token(council, name="Our CRM")
    make_token(other_council, name="Their CRM")

    shown = admin_client.get(reverse("api:tokens")).content.decode()

    assert "Our CRM" in shown
    assert "Their CRM" not in shown


def test_the_council_settings_page_leads_to_the_tokens(admin_client):
    shown = admin_client.get(reverse("councils:settings")).content.decode()

    assert f'href="{reverse("api:tokens")}"' in shown


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer exk_not-a-real-token", "Bearer exk_a exk_b", "Token exk_x", "Basic dXNlcjpwYXNz"],
)
def test_a_missing_or_unknown_token_is_refused_with_401(client, header):
    response = client.get(PROGRAMS, headers={"Authorization": header})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_staff_session_does_not_open_the_api(staff_client):
    assert staff_client.get(PROGRAMS).status_code == 401


def test_a_token_dies_with_its_creators_place_in_the_council(council):
    token, secret = make_token(council)

    StaffMembership.objects.filter(user=token.created_by).delete()

    assert ApiClient(secret).get(PROGRAMS).status_code == 401


def test_the_last_use_is_written_at_most_once_a_minute(council, django_assert_num_queries):
    token, secret = make_token(council)
    api = ApiClient(secret)

    with time_machine.travel("2027-03-02 15:00:00Z", tick=False):
        api.get(PROGRAMS)
    with time_machine.travel("2027-03-02 15:00:30Z", tick=False):
        api.get(PROGRAMS)
        seen_at_30s = ApiToken.objects.get(pk=token.pk).last_used_at
    with time_machine.travel("2027-03-02 15:01:10Z", tick=False):
        api.get(PROGRAMS)

    assert seen_at_30s.isoformat() == "2027-03-02T15:00:00+00:00"
    assert ApiToken.objects.get(pk=token.pk).last_used_at.isoformat() == "2027-03-02T15:01:10+00:00"
