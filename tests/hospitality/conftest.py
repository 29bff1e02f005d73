import datetime as dt

import pytest

from hospitality.enums import VettingStatus
from tests.factories import HospitalitySlotFactory, ParticipantFactory, StaffMembershipFactory, VolunteerFactory


@pytest.fixture
def slot(council, staff):
    """A Tuesday dinner (2027-03-02, 18:00–21:00 Central) for two hosts of two guests each."""
    return HospitalitySlotFactory(
        program__council=council,
        program__coordinator=staff,
        hosts_needed=2,
        guests_per_host=2,
        meeting_point="Hotel lobby, 100 Main St",
        invitation_deadline=dt.datetime(2027, 2, 25, 23, 59, tzinfo=dt.UTC),
    )


@pytest.fixture
def guests(slot):
    return [
        ParticipantFactory(program=slot.program, first_name="Lucía", country="PE", preferred_language="es"),
        ParticipantFactory(
            program=slot.program,
            first_name="João",
            country="BR",
            preferred_language="pt",
            dietary_needs="vegetarian",
        ),
        ParticipantFactory(program=slot.program, first_name="Grace", country="BZ", preferred_language="en"),
    ]


def make_volunteer(council, **kwargs):
    """A vetted, active volunteer usually free on Tuesdays (the slot's weekday)."""
    defaults = {"vetting_status": VettingStatus.VETTED, "available_weekdays": [2], "languages": "en"}
    return VolunteerFactory(council=council, **{**defaults, **kwargs})


@pytest.fixture
def volunteer_client(client):
    """Sign a client in as a volunteer's user, as the sesame link would."""

    def sign_in(volunteer):
        from hospitality.services import ensure_user

        client.force_login(ensure_user(volunteer), backend="sesame.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture
def other_staff_member(other_council):
    return StaffMembershipFactory(council=other_council).user
