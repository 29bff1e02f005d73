from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connection

from councils import changes
from tests.factories import CouncilFactory, ParticipantFactory, ProgramFactory, StaffMembershipFactory, StopFactory


@pytest.fixture
def council(db):
    return CouncilFactory(name="San Antonio CIV", slug="saciv")


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="St. Louis CIV", slug="stl-civ")


# A program of the council with one stop and one participant; areas whose tests need another shape define their own.
@pytest.fixture
def program(council):
    return ProgramFactory(council=council, title="Combating Trafficking in Persons")


@pytest.fixture
def stop(program):
    return StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")


@pytest.fixture
def participant(program):
    return ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", preferred_language="en")


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


@contextmanager
def _committing(capture_on_commit_callbacks):
    """A commit point in a test, which runs in a transaction that is never committed: what was written before
    counts as committed (a later change moves the council's data version again, as the next transaction would),
    and the block's on-commit callbacks run at its end, as a real commit would run them."""
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, changes._Moved):
            callback()
    with capture_on_commit_callbacks(execute=True):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` makes the block a transaction of its own, committed at its end."""
    return lambda: _committing(django_capture_on_commit_callbacks)


@pytest.fixture
def page_cache(settings, commit):
    """The page cache on, as in production. A test runs in a transaction that is never committed; changes made
    inside ``page_cache.commit()`` are what another request would see committed."""
    settings.PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield SimpleNamespace(commit=commit)
    caches["default"].clear()
