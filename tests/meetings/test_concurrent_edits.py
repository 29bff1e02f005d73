"""Two staff saving the same item at the same moment: the row lock makes the second one see the first."""

import threading

import pytest
from django.db import connection, transaction

from meetings import services
from tests.factories import ItineraryItemFactory, ProgramFactory, StaffMembershipFactory, StopFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_the_one_in_progress_and_is_then_refused_as_stale(require_postgres):
    membership = StaffMembershipFactory()
    program = ProgramFactory(council=membership.council)
    item = ItineraryItemFactory(program=program, stop=StopFactory(program=program), title="Briefing")
    outcome = {}

    def second_save():
        try:
            services.update_item(item=item, data={"title": "Second"}, expected_version=1, user=membership.user)
            outcome["second"] = "saved"
        except services.StaleItemError as stale:
            outcome["second"] = ("stale", stale.item.title, stale.item.version)
        finally:
            connection.close()

    with transaction.atomic():
        services.update_item(item=item, data={"title": "First"}, expected_version=1, user=membership.user)
        other = threading.Thread(target=second_save)
        other.start()
        other.join(timeout=1)
        # Still waiting for the row lock held by this transaction.
        assert other.is_alive()
    other.join(timeout=10)

    item.refresh_from_db()
    assert outcome["second"] == ("stale", "First", 2)
    assert (item.title, item.version) == ("First", 2)
