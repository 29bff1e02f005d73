from types import SimpleNamespace

import pytest
from django.core.cache import caches

from tests.factories import CouncilFactory, StaffMembershipFactory


@pytest.fixture
def council(db):
    return CouncilFactory(name="San Antonio CIV", slug="saciv")


@pytest.fixture
def other_council(db):
    return CouncilFactory(name="St. Louis CIV", slug="stl-civ")


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
