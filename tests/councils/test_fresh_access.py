"""Who is asking is read from the database on every request, in every process, whatever Redis is doing.

Two real web processes (gunicorn, each with its own memory) share the cache in Redis through a proxy that the tests
stall, take down and restart (``tests/redis_proxy.py``). Each test first has both processes serve and cache every
subject's pages, then breaks Redis, then signs out, revokes, re-issues, deactivates, removes a membership and moves
a staff member to another council, and then asks both processes again with the old cookie or link: every one is
refused, while a bystander whose access did not change is still served.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import redis_url
from councils.enums import StaffRole
from councils.models import StaffMembership
from programs.links import personal_link_path
from tests.factories import (
    CouncilFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
)
from tests.redis_proxy import RedisProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebProcess:
    """One gunicorn process serving the test database."""

    def __init__(self, cache_url):
        self.port = _free_port()
        database = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.server_settings",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CACHE_URL": cache_url,
            "SECRET_KEY": settings.SECRET_KEY,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "exchange.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/ping/", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def request(self, path, cookies, *, data=None, headers=None):
        """``(status, body)``; redirects are not followed. ``cookies`` (a dict) takes the cookies the answer sets."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **(headers or {})},
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        cookies.update({name: morsel.value for name, morsel in jar.items() if morsel.value})
        return response.status, response.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def proxy(require_postgres, require_redis):
    parsed = urlparse(redis_url())
    proxy = RedisProxy(target=(parsed.hostname, parsed.port or 6379)).start()
    redis.Redis(host=parsed.hostname, port=parsed.port or 6379, db=5).flushdb()
    yield proxy
    proxy.stop()


@pytest.fixture
def processes(proxy):
    started = [WebProcess(proxy.url), WebProcess(proxy.url)]
    yield started
    for process in started:
        process.stop()


class Staff:
    """A staff member signed in in one browser, and the program of their council they look at."""

    def __init__(self, council, name, role=StaffRole.COORDINATOR):
        self.membership = StaffMembershipFactory(council=council, role=role, user__username=name)
        self.user = self.membership.user
        self.program = ProgramFactory(council=council, title=f"Program seen by {name}")
        StopFactory(program=self.program)
        client = Client()
        client.force_login(self.user)
        self.cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    def dashboard(self, process):
        return process.request("/", dict(self.cookies))

    def program_page(self, process):
        return process.request(reverse("programs:program", args=[self.program.pk]), dict(self.cookies))

    def sees_their_program(self, process):
        status, body = self.dashboard(process)
        program_status, _ = self.program_page(process)
        return status == 200 and self.program.title in body and program_status == 200

    def warm(self, processes):
        for process in processes:
            # The first answer sets the CSRF cookie the kept dashboard is keyed by; the next ones are kept.
            process.request("/", self.cookies)
            assert self.sees_their_program(process)


class Holder:
    """A participant with their personal link, opened in a phone."""

    def __init__(self, council, name):
        program = ProgramFactory(council=council, title=f"Program of {name}")
        StopFactory(program=program)
        self.participant = ParticipantFactory(program=program, first_name=name)
        self.path = personal_link_path(self.participant)
        self.cookies = {}

    def served(self, process):
        today, _ = process.request(self.path, dict(self.cookies))
        feed, _ = process.request(f"{self.path}calendar.ics", dict(self.cookies))
        return today == 200 and feed == 200

    def warm(self, processes):
        for process in processes:
            process.request(self.path, self.cookies)
            assert self.served(process)


def _staff_post(process, staff, path):
    """A staff member's POST (with the CSRF token) through ``process``, or through this test's own process."""
    if process is None:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = staff.cookies[settings.SESSION_COOKIE_NAME]
        assert client.post(path).status_code == 302
        return
    cookies = dict(staff.cookies)
    process.request("/", cookies)
    status, _ = process.request(path, cookies, data=b"", headers={"X-CSRFToken": cookies[settings.CSRF_COOKIE_NAME]})
    assert status == 302


def _redis():
    parsed = urlparse(redis_url())
    return redis.Redis(host=parsed.hostname, port=parsed.port or 6379, db=5)


def _cached_values_holding(secrets):
    """The keys of the shared cache whose values hold any of ``secrets``."""
    client = _redis()
    found = []
    for key in client.keys("*"):
        value = client.get(key) or b""
        if any(secret.encode() in value for secret in secrets):
            found.append(key)
    return found


def _kept_pages():
    return _redis().keys("*page:*")


@pytest.mark.parametrize("outage", ["stalled", "down", "restarted"])
def test_every_loss_of_access_holds_at_the_next_request_in_every_process(outage, proxy, processes):
    council, other_council = CouncilFactory(), CouncilFactory()
    signed_out = Staff(council, "signed-out")
    deactivated = Staff(council, "deactivated")
    removed = Staff(council, "removed")
    moved = Staff(council, "moved")
    bystander = Staff(council, "bystander")
    links_officer = Staff(council, "links-officer")
    revoked, reissued, untouched = Holder(council, "Ana"), Holder(council, "Bruno"), Holder(council, "Chloé")
    everyone = [signed_out, deactivated, removed, moved, bystander, links_officer, revoked, reissued, untouched]
    for person in everyone:
        person.warm(processes)
    assert _kept_pages(), "the pages were not kept in Redis: the drill would prove nothing"
    assert _cached_values_holding([staff.user.password for staff in everyone if isinstance(staff, Staff)]) == []

    # During a stall or an outage the web processes do the staff actions themselves; across a restart this test's
    # own process does them, so that the web processes meet Redis again only once it is back with its pages.
    first, second = processes if outage != "restarted" else (None, None)
    {"stalled": proxy.stall, "down": proxy.go_down, "restarted": proxy.go_down}[outage]()

    _staff_post(first, signed_out, reverse("logout"))
    _staff_post(first, links_officer, reverse("links:revoke", args=["participant", revoked.participant.pk]))
    _staff_post(second, links_officer, reverse("links:reissue", args=["participant", reissued.participant.pk]))
    type(deactivated.user).objects.filter(pk=deactivated.user.pk).update(is_active=False)
    StaffMembership.objects.filter(pk=removed.membership.pk).delete()
    StaffMembership.objects.filter(pk=moved.membership.pk).update(council=other_council)
    if outage == "restarted":
        proxy.come_back()  # with every page it kept before

    for process in processes:
        assert signed_out.dashboard(process)[0] == 302
        assert deactivated.dashboard(process)[0] == 302
        assert removed.dashboard(process)[0] == 403
        status, body = moved.dashboard(process)
        assert status == 200
        assert moved.program.title not in body
        assert moved.program_page(process)[0] == 404
        assert not revoked.served(process)
        assert not reissued.served(process)
        # Whose access did not change is still served, from the database if not from the cache.
        assert bystander.sees_their_program(process)
        assert untouched.served(process)


def test_a_hung_redis_costs_one_request_at_most_one_timeout_and_the_next_ones_nothing(proxy, processes):
    council = CouncilFactory()
    staff = Staff(council, "coordinator")
    staff.warm(processes)
    process = processes[0]
    proxy.stall()

    started = time.monotonic()
    assert staff.sees_their_program(process)  # the dashboard and the program page: several cache operations
    first = time.monotonic() - started
    asked_while_hung = proxy.commands_seen
    for _ in range(5):
        assert staff.sees_their_program(process)

    assert asked_while_hung == 1  # one operation waited for its timeout; the breaker then stopped asking
    assert proxy.commands_seen == 1
    assert first < 3  # one half-second timeout, not one per cache operation
