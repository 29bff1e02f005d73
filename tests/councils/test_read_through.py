"""Who is asking, read through the shared cache (``councils.read_through``) while the council's data version stands.

These tests run against the real Redis (CI sets it) with the shared cache on, and commit their changes (tests
otherwise run in a transaction that never commits, and the version moves on commit).
"""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from councils import read_through
from councils.backends import StaffBackend
from programs.links import make_token, reissue_link, resolve_token, revoke_link
from tests.factories import (
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
)
from visitors.services import record_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(require_redis, settings):
    settings.CACHE_URL = require_redis
    settings.CACHES = {
        **settings.CACHES,
        # A prefix of its own: nothing another test or process keeps can be mistaken for this test's copies.
        "default": {
            "BACKEND": "exchange.redis_cache.RedisCache",
            "LOCATION": require_redis,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    yield cache
    cache.clear()


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
