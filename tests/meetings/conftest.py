import datetime as dt

import pytest
from django.core.cache import cache

from tests.factories import PROGRAM_START, ParticipantFactory, ProgramFactory, StopFactory, VenueFactory

DAY = PROGRAM_START + dt.timedelta(days=1)  # Tuesday, March 2 2027


@pytest.fixture
def program(council):
    return ProgramFactory(council=council, title="Combating Trafficking in Persons", sponsor_reference="IVLP-2027-17")


@pytest.fixture
def stop(program):
    return StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")


@pytest.fixture
def ana(program):
    return ParticipantFactory(program=program, first_name="Ana", last_name="Ruiz")


@pytest.fixture
def venue(council):
    return VenueFactory(council=council, name="Witte Museum")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep work in the cache under the data version; a test starts with none from another."""
    cache.clear()
    yield
    cache.clear()
