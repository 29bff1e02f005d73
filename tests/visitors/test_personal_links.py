import pytest
import time_machine

from programs.links import make_token, personal_link_url, reissue_link

pytestmark = pytest.mark.django_db


def test_a_holders_link_is_the_same_every_time_until_reissued(participant):
    with time_machine.travel("2027-03-01 12:00:00Z", tick=False):
        first = personal_link_url(participant)
    with time_machine.travel("2027-03-02 18:30:05Z", tick=False):
        later = personal_link_url(participant)

    reissued = reissue_link(participant)

    assert later == first
    assert reissued != first
    assert reissued == personal_link_url(participant)


def test_a_token_names_nothing_private(participant):
    token = make_token(participant)

    assert participant.email not in token
    assert participant.last_name not in token
