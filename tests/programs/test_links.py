import datetime as dt

import pytest

from programs.links import make_token, reissue_link, resolve_token, revoke_link
from tests.factories import ParticipantFactory, ProgramStaffMemberFactory

pytestmark = pytest.mark.django_db


def test_a_link_grants_its_participant():
    participant = ParticipantFactory()

    assert resolve_token(make_token(participant)) == participant


def test_a_link_grants_a_program_staff_member():
    interpreter = ProgramStaffMemberFactory()

    assert resolve_token(make_token(interpreter)) == interpreter


def test_a_forged_link_grants_nothing():
    participant = ParticipantFactory()
    token = make_token(participant)

    assert resolve_token(token[:-2] + ("aa" if not token.endswith("aa") else "bb")) is None
    assert resolve_token("not-a-token") is None


def test_a_revoked_link_grants_nothing():
    participant = ParticipantFactory()
    token = make_token(participant)

    revoke_link(participant)

    assert resolve_token(token) is None


def test_reissuing_invalidates_older_links_and_restores_access():
    participant = ParticipantFactory()
    old = make_token(participant)
    revoke_link(participant)

    reissue_link(participant)

    assert resolve_token(old) is None
    assert resolve_token(make_token(participant)) == participant


def test_a_link_expires_a_month_after_the_program_ends():
    participant = ParticipantFactory(program__departure_date=dt.date(2027, 3, 7))
    token = make_token(participant)

    assert resolve_token(token, now=dt.datetime(2027, 4, 6, 12, tzinfo=dt.UTC)) == participant
    assert resolve_token(token, now=dt.datetime(2027, 4, 7, 12, tzinfo=dt.UTC)) is None
