"""Who is asking, read through the shared cache (``councils.read_through``) while the council's data version stands.

These tests run against the real Redis (CI sets it) with the shared cache on, and commit their changes (tests
otherwise run in a transaction that never commits, and the version moves on commit).
"""

import time
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from councils import read_through, sessions
from councils.backends import StaffBackend
from councils.feed import channel, feed
from exchange.redis_cache import RedisCache
from programs.links import make_token, reissue_link, resolve_token, revoke_link
from programs.models import Participant
from tests.factories import (
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
)
from visitors.services import record_visit

pytestmark = pytest.mark.django_db


def wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def shared_cache(require_redis, settings):
    settings.CACHE_URL = require_redis
    settings.CACHES = {
        **settings.CACHES,
        # A prefix (and so a change channel) of its own: nothing another test or process keeps or publishes can be
        # mistaken for this test's.
        "default": {
            "BACKEND": "exchange.redis_cache.RedisCache",
            "LOCATION": require_redis,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    settings.SESSION_ENGINE = "councils.sessions"
    feed.ensure_listening()
    wait_for(lambda: feed.live)
    yield cache
    cache.clear()
    feed.drop_copies()


@pytest.fixture
def no_local_copies(monkeypatch):
    """Only what Redis holds: this process keeps no copy of its own."""
    monkeypatch.setattr(read_through, "_local_copy", lambda key: None)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def participant(council):
    return ParticipantFactory(program=ProgramFactory(council=council))


def test_a_link_holder_is_read_from_the_database_once_while_nothing_changes(
    shared_cache, participant, django_assert_num_queries
):
    token = make_token(participant)
    assert resolve_token(token) == participant

    with django_assert_num_queries(0):
        holder = resolve_token(token)

    assert holder == participant
    assert holder.program.council.pk == participant.program.council_id


def test_a_revoked_link_stops_at_once(shared_cache, participant, commit):
    token = make_token(participant)
    resolve_token(token)

    with commit():
        revoke_link(participant)

    assert resolve_token(token) is None


def test_a_reissued_link_replaces_the_old_one_at_once(shared_cache, participant, commit):
    old = make_token(participant)
    resolve_token(old)

    with commit():
        reissue_link(participant)

    assert resolve_token(old) is None
    assert resolve_token(make_token(participant)) == participant


def test_any_committed_change_in_the_council_sends_the_next_read_to_the_database(
    shared_cache, participant, commit, django_assert_num_queries
):
    token = make_token(participant)
    resolve_token(token)

    with commit():
        ItineraryItemFactory(program=participant.program)

    with django_assert_num_queries(1):
        resolve_token(token)


def test_a_change_in_another_council_does_not(
    shared_cache, participant, other_council, commit, django_assert_num_queries
):
    with commit():  # what creating the participant left pending moves now
        participant.save()
    token = make_token(participant)
    resolve_token(token)

    with commit():
        ProgramFactory(council=other_council)

    with django_assert_num_queries(0):
        resolve_token(token)


def test_without_a_published_version_the_database_answers(shared_cache, participant, django_assert_num_queries):
    token = make_token(participant)
    resolve_token(token)
    shared_cache.delete(read_through.version_key(participant.program.council_id))  # evicted or expired

    with django_assert_num_queries(1):
        assert resolve_token(token) == participant


def test_a_published_version_only_rises(shared_cache):
    key = read_through.version_key(12345)

    read_through.publish_versions({12345: 7})
    read_through.publish_versions({12345: 6})  # a commit that published late

    assert shared_cache.get(key) == 7


def test_a_recorded_visit_is_in_the_next_read(shared_cache, participant):
    token = make_token(participant)
    holder = resolve_token(token)

    record_visit(holder=holder)

    assert resolve_token(token).last_seen_at == holder.last_seen_at is not None


def test_staff_are_read_from_the_database_once_while_nothing_changes(shared_cache, council, django_assert_num_queries):
    staff = StaffMembershipFactory(council=council).user
    backend = StaffBackend()
    backend.get_user(str(staff.pk))

    with django_assert_num_queries(0):
        user = backend.get_user(str(staff.pk))

    assert user == staff
    assert user.membership.council == council


def test_a_deactivated_staff_member_is_refused_at_once(shared_cache, council, commit):
    staff = StaffMembershipFactory(council=council).user
    backend = StaffBackend()
    backend.get_user(staff.pk)

    with commit():
        staff.is_active = False
        staff.save()

    assert backend.get_user(staff.pk) is None


def test_a_removed_membership_shows_at_once(shared_cache, council, commit):
    membership = StaffMembershipFactory(council=council)
    backend = StaffBackend()
    backend.get_user(membership.user_id)

    with commit():
        membership.delete()

    assert getattr(backend.get_user(membership.user_id), "membership", None) is None


def test_someone_of_no_council_is_always_read_from_the_database(shared_cache, django_assert_num_queries):
    user = get_user_model().objects.create_user("volunteer@example.org")
    StaffBackend().get_user(user.pk)

    with django_assert_num_queries(1):
        assert StaffBackend().get_user(user.pk) == user


def test_without_a_shared_cache_every_read_goes_to_the_database(settings, participant, django_assert_num_queries):
    settings.CACHE_URL = ""
    token = make_token(participant)
    resolve_token(token)

    with django_assert_num_queries(1):
        resolve_token(token)


def test_a_link_revoked_by_staff_stops_the_cached_today_page_at_once(
    shared_cache, page_cache, participant, council, commit, client
):
    staff = StaffMembershipFactory(council=council).user
    today = reverse("visitors:today", kwargs={"token": make_token(participant)})
    for _ in range(3):  # the page is now in the cache, and who is asking in Redis
        assert client.get(today).status_code == 200

    client.force_login(staff)
    with commit():
        response = client.post(reverse("links:revoke", kwargs={"kind": "participant", "pk": participant.pk}))
    client.logout()

    assert response.status_code == 302
    assert client.get(today).status_code == 404


def test_a_deactivated_staff_member_is_signed_out_of_the_cached_dashboard_at_once(
    shared_cache, page_cache, council, commit, client
):
    staff = StaffMembershipFactory(council=council).user
    client.force_login(staff)
    for _ in range(3):
        assert client.get(reverse("programs:home")).status_code == 200

    with commit():
        staff.is_active = False
        staff.save()

    response = client.get(reverse("programs:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _other_process():
    """A Redis connection of its own, as another web process has."""
    return redis.Redis.from_url(read_through.settings.CACHE_URL)


def test_a_copy_read_once_is_served_from_this_process_without_a_round_trip(
    shared_cache, participant, monkeypatch, django_assert_num_queries
):
    token = make_token(participant)
    resolve_token(token)
    resolve_token(token)  # the published version is now known to this process
    monkeypatch.setattr(RedisCache, "get_stamped", lambda self, key: pytest.fail("asked Redis"))

    with django_assert_num_queries(0):
        assert resolve_token(token) == participant


def test_a_version_published_by_another_process_outdates_this_processs_copy(shared_cache, participant, commit):
    with commit():
        participant.save()  # what creating the participant left pending moves now
    token = make_token(participant)
    resolve_token(token)
    council_id = participant.program.council_id
    current = feed.version(council_id)

    _other_process().publish(channel(), f"v:{council_id}:{current + 1}")
    wait_for(lambda: feed.version(council_id) == current + 1)

    assert read_through._local_copy(read_through._copy_key(Participant, participant.pk, ("program", "council"))) is None


def test_copies_are_not_used_while_the_feed_is_lost_and_are_dropped_when_it_is_back(shared_cache, participant):
    token = make_token(participant)
    resolve_token(token)
    resolve_token(token)
    key = read_through._copy_key(Participant, participant.pk, ("program", "council"))
    assert read_through._local_copy(key) is not None

    other = _other_process()
    for client in other.client_list():
        if client["name"] == "exchange-feed":
            other.client_kill(client["addr"])
    wait_for(lambda: not feed.live or read_through._local_copy(key) is None)

    assert read_through._local_copy(key) is None
    wait_for(lambda: feed.live)
    assert read_through._local_copy(key) is None  # events missed meanwhile: nothing kept is trusted


def test_a_staff_session_is_read_once_then_from_this_processs_memory(shared_cache, council, client, monkeypatch):
    client.force_login(StaffMembershipFactory(council=council).user)
    assert client.get(reverse("programs:home")).status_code == 200
    monkeypatch.setattr(CachedDBStore, "load", lambda self: pytest.fail("read the session from Redis"))

    assert client.get(reverse("programs:home")).status_code == 200


def test_signing_out_in_another_process_ends_the_session_here_at_once(shared_cache, council, client):
    client.force_login(StaffMembershipFactory(council=council).user)
    assert client.get(reverse("programs:home")).status_code == 200
    session_key = client.session.session_key

    # Another process signs the browser out: the session goes from the database and Redis, and it says so.
    Session.objects.filter(session_key=session_key).delete()
    shared_cache.delete(CachedDBStore.cache_key_prefix + session_key)
    _other_process().publish(channel(), f"f:session:{sessions._digest(session_key)}")
    wait_for(lambda: sessions._digest(session_key) not in sessions._local)

    response = client.get(reverse("programs:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
