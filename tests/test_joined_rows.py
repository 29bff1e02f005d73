"""exchange.joined_rows: an object with its chain of related objects, as select_related gives it, in one query."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from exchange.joined_rows import get_with_related
from programs.models import Participant
from tests.factories import ParticipantFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_a_link_holder_comes_with_program_and_council_in_one_query(django_assert_num_queries):
    participant = ParticipantFactory(last_seen_at=timezone.now() - dt.timedelta(hours=3))
    expected = Participant.objects.select_related("program__council").get(pk=participant.pk)

    with django_assert_num_queries(1):
        holder = get_with_related(Participant, participant.pk, "program", "council")
        program, council = holder.program, holder.program.council

    assert _fields(holder) == _fields(expected)
    assert _fields(program) == _fields(expected.program)
    assert _fields(council) == _fields(expected.program.council)
    assert isinstance(holder.last_seen_at, dt.datetime)
    assert timezone.is_aware(holder.last_seen_at)
    assert isinstance(program.arrival_date, dt.date)


def test_staff_come_with_membership_and_council_both_ways(django_assert_num_queries):
    membership = StaffMembershipFactory()

    with django_assert_num_queries(1):
        user = get_with_related(get_user_model(), str(membership.user.pk), "membership", "council")
        assert user.membership.council == membership.council
        assert user.membership.user is user

    assert user.check_password("password") == membership.user.check_password("password")


def test_someone_without_a_membership_reads_as_having_none_without_another_query(django_assert_num_queries):
    volunteer_user = UserFactory()

    with django_assert_num_queries(1):
        user = get_with_related(get_user_model(), volunteer_user.pk, "membership", "council")
        assert getattr(user, "membership", None) is None

    assert user == volunteer_user


@pytest.mark.parametrize("pk", [987654321, "not-a-number", None])
def test_an_unknown_or_malformed_key_finds_nothing(pk):
    assert get_with_related(Participant, pk, "program", "council") is None
