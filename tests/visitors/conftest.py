import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    ProgramStaffMemberFactory,
    VenueFactory,
    local,
)

# Tuesday 2 March 2027, 10:30 in San Antonio (Central Standard Time, UTC-6): the second day of the program.
NOW = dt.datetime(2027, 3, 2, 16, 30, tzinfo=dt.UTC)
DAY_1 = dt.date(2027, 3, 1)
DAY_2 = dt.date(2027, 3, 2)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def interpreter(program):
    return ProgramStaffMemberFactory(program=program, name="Marta Ruiz", preferred_language="en")


def make_item(program, stop, title, day, hour, minute=0, **extra):
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        title=title,
        starts_at=local(day, hour, minute),
        ends_at=local(day, hour, minute) + dt.timedelta(hours=1),
        **extra,
    )


@pytest.fixture
def day_items(program, stop, council):
    """Three whole-group items on day 2 (one running at 10:30), one the next morning."""
    host = HostOrganizationFactory(council=council, name="San Antonio Express-News")
    venue = VenueFactory(council=council, name="Express-News building", address="200 Avenue E", city="San Antonio")
    contact = ContactFactory(organization=host, name="Dana Reyes", title="Data editor", phone="+1 210 555 0199")
    newsroom = make_item(
        program,
        stop,
        "Newsroom: a labor-trafficking case study",
        DAY_2,
        11,
        venue=venue,
        host_organization=host,
        dress_code="Business attire",
        what_to_bring="Photo ID",
        visitor_notes="Meet in the lobby.",
        internal_notes="Parking validated at the front desk; invoice the sponsor.",
    )
    newsroom.contacts.add(contact)
    return {
        "briefing": make_item(program, stop, "Program briefing", DAY_2, 10),
        "newsroom": newsroom,
        "lunch": make_item(program, stop, "Lunch on the River Walk", DAY_2, 13, kind="meal"),
        "tomorrow": make_item(program, stop, "Coach to Laredo", DAY_2 + dt.timedelta(days=1), 7),
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep work in the cache under the data version; a test starts with none from another."""
    cache.clear()
    yield
    cache.clear()
