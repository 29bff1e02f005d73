"""Two staff members acting at the same moment (PostgreSQL: real concurrent transactions)."""

import pytest

from lifecycle.models import ItineraryVersion
from lifecycle.prepared_messages import send_thank_yous
from lifecycle.sponsor_review import publish_version
from meetings.enums import ItemStatus
from meetings.models import ItemChange
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import ContactFactory, ItineraryItemFactory, ProgramFactory, StaffMembershipFactory, StopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(action, times=2):
    """Run ``action`` in ``times`` concurrent transactions; the exceptions any of them raised."""
    return [result for result in run_at_once([action] * times) if isinstance(result, Exception)]


def test_two_versions_published_at_once_get_two_numbers(require_postgres):
    staff = StaffMembershipFactory().user
    program = ProgramFactory(council=staff.membership.council, program_officer_email="officer@example.gov")

    errors = _at_once(lambda: publish_version(program=program, user=staff))

    assert errors == []
    assert sorted(ItineraryVersion.objects.filter(program=program).values_list("number", flat=True)) == [1, 2]


def test_thank_yous_sent_twice_at_once_reach_each_host_once(require_postgres):
    program = ProgramFactory()
    stop = StopFactory(program=program)
    item = ItineraryItemFactory(program=program, stop=stop, status=ItemStatus.CONFIRMED)
    item.contacts.set(ContactFactory.create_batch(3, organization__council=program.council))
    after = item.ends_at.replace(year=item.ends_at.year + 1)

    errors = _at_once(lambda: send_thank_yous(program=program, now=after))

    item.refresh_from_db()
    assert errors == []
    assert Notification.objects.filter(dedupe_key__startswith=f"lifecycle:thanks:{program.pk}:").count() == 3
    assert item.status == ItemStatus.THANKED
    assert ItemChange.objects.filter(item=item).count() == 1
