"""The sign-in lockout counts every failure once, even simultaneous ones, and counts it against the real client.

Simultaneous failures used to create duplicate ``AccessAttempt`` rows (a link sign-in names no username, and NULLs
escape axes' unique constraint), after which every attempt of that client was a server error and nothing more was
counted. Behind a proxy, every client was counted under the proxy's address, so five failures locked out everyone;
the audit log recorded the proxy too. See ``exchange.lockout``.
"""

import os
import subprocess
import sys

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from sesame.utils import get_query_string

from audit.models import AuditEvent
from councils.enums import StaffRole
from exchange.lockout import client_address
from tests.concurrency import run_at_once
from tests.factories import ParticipantFactory, ProgramFactory, StaffMembershipFactory, VolunteerFactory

CLIENT = "203.0.113.7"
PROXY = "10.0.0.2"


def _sign_in(client, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", CLIENT)
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _link_sign_in(client, query, address=CLIENT):
    return client.get(reverse("hospitality:sign_in") + "?" + query.lstrip("?"), REMOTE_ADDR=address)


def _volunteer_with_link(council):
    volunteer = VolunteerFactory(council=council)
    volunteer.user = get_user_model().objects.create_user(f"volunteer-{volunteer.pk}")
    volunteer.save(update_fields=["user"])
    return volunteer


def _statuses(results):
    """Each thread's status code; a server error (raised by the test client) shows as the exception itself."""
    return [result if isinstance(result, Exception) else result.status_code for result in results]


# Simultaneous failures (real concurrent transactions)


@pytest.mark.postgres
def test_ten_simultaneous_failed_sign_ins_are_all_counted_and_then_locked_out(require_postgres, transactional_db):
    StaffMembershipFactory(user__username="maya")

    results = run_at_once([lambda i=i: _sign_in(Client(), "maya", f"guess-{i}") for i in range(10)])

    # 200 (wrong password) until the fifth failure is counted, 429 (locked out) after; never a server error.
    assert set(_statuses(results)) <= {200, 429}, _statuses(results)
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("maya", CLIENT, 10)
    ]
    client = Client()
    response = _sign_in(client, "maya", "secret-password-1")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.postgres
def test_ten_simultaneous_failed_link_sign_ins_are_all_counted_and_then_locked_out(
    require_postgres, transactional_db, council
):
    volunteer = _volunteer_with_link(council)

    results = run_at_once([lambda i=i: _link_sign_in(Client(), f"sesame=forged-link-{i}") for i in range(10)])

    # 403 (a bad link) until the fifth failure is counted, 429 after; never a server error.
    assert set(_statuses(results)) <= {403, 429}, _statuses(results)
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("", CLIENT, 10)
    ]
    # The next attempt from that address, even with a good link, is refused as locked out, not a server error.
    assert _link_sign_in(Client(), get_query_string(volunteer.user)).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 11


# Link sign-ins have no account


@pytest.mark.django_db
def test_bad_links_from_other_addresses_do_not_lock_out_a_volunteers_good_link(council, settings):
    volunteer = _volunteer_with_link(council)

    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _link_sign_in(Client(), f"sesame=forged-{attempt}", f"198.51.100.{attempt}").status_code == 403

    assert _link_sign_in(Client(), get_query_string(volunteer.user), "192.0.2.50").status_code == 302


# Behind a proxy


@pytest.mark.django_db
def test_behind_a_proxy_clients_are_counted_separately(settings):
    settings.AXES_TRUSTED_PROXY_COUNT = 1
    StaffMembershipFactory(user__username="maya")

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(
            Client(), f"nobody{attempt}", "guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
        assert response.status_code in (200, 429)

    # The first client is locked out; another one, through the same proxy, is not.
    locked = _sign_in(Client(), "maya", "secret-password-1", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert locked.status_code == 429
    other = Client()
    response = _sign_in(other, "maya", "secret-password-1", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 302
    assert "_auth_user_id" in other.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


@pytest.mark.django_db
def test_what_a_client_writes_before_the_proxys_entry_is_not_trusted(settings):
    settings.AXES_TRUSTED_PROXY_COUNT = 1

    for attempt in range(3):
        # The client sends its own X-Forwarded-For each time; the proxy appends the address it saw.
        _sign_in(Client(), "maya", "guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 198.51.100.1")

    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("198.51.100.1", 3)]


@pytest.mark.django_db
def test_without_a_proxy_x_forwarded_for_is_ignored(settings):
    settings.AXES_TRUSTED_PROXY_COUNT = 0

    _sign_in(Client(), "maya", "guess", REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT]


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": CLIENT, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, CLIENT),
        (0, {}, None),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.9, 198.51.100.1"}, "198.51.100.1"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "garbage, 198.51.100.1"}, "198.51.100.1"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.1.2.3"}, "10.1.2.3"),  # a client on the intranet
        (1, {"REMOTE_ADDR": PROXY}, PROXY),  # came around the proxy
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.9, 198.51.100.1, 10.0.0.1"}, "198.51.100.1"),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, PROXY),  # fewer hops than proxies
    ],
)
def test_the_client_address_is_the_entry_the_nearest_trusted_proxy_wrote(settings, proxies, meta, expected):
    settings.AXES_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    request.META.update(meta)

    assert client_address(request) == expected
    # The lockout reads the same address (an unknown one as 0.0.0.0, so that it is never NULL).
    assert get_client_ip_address(request) == (expected or "0.0.0.0")


# The audit log


@pytest.mark.django_db
@pytest.mark.parametrize(("proxies", "recorded"), [(1, "198.51.100.1"), (0, PROXY)])
def test_the_audit_log_records_the_address_the_lockout_counts(settings, council, proxies, recorded):
    settings.AXES_TRUSTED_PROXY_COUNT = proxies
    participant = ParticipantFactory(program=ProgramFactory(council=council))
    client = Client()
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)

    response = client.get(
        reverse("audit:export", kwargs={"kind": "participant", "person_id": participant.pk}),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert response.status_code == 200
    assert AuditEvent.objects.get().ip_address == recorded


# Settings from the environment


def _proxy_count(**env):
    environ = {
        key: value for key, value in os.environ.items() if key not in ("BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT")
    }
    result = subprocess.run(
        [sys.executable, "-c", "from exchange import settings_test as s; print(s.AXES_TRUSTED_PROXY_COUNT)"],
        env={**environ, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else result.stderr.strip().splitlines()[-1]


def test_the_proxy_count_comes_from_the_environment():
    assert _proxy_count() == "0"
    assert _proxy_count(BEHIND_TLS_PROXY="true") == "1"
    assert _proxy_count(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="2") == "2"
    assert _proxy_count(BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="0") == "0"
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in _proxy_count(TRUSTED_PROXY_COUNT="-1")
    assert "TRUSTED_PROXY_COUNT must be an integer" in _proxy_count(TRUSTED_PROXY_COUNT="one")
