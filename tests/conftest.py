from types import SimpleNamespace

import pytest
from django.core.cache import caches

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


@pytest.fixture
def page_cache(settings, django_capture_on_commit_callbacks):
    """The page cache on, as in production. A test runs in a transaction that is never committed, so the council's
    data version (moved on commit) moves only for changes made inside ``page_cache.commit()``."""
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    yield SimpleNamespace(commit=lambda: django_capture_on_commit_callbacks(execute=True))
    caches["pages"].clear()
