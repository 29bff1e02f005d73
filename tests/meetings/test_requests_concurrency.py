"""Real PostgreSQL, real concurrent transactions: a request is answered once, however many answers race."""

import datetime as dt

import pytest

from meetings import requests
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItemChange
from notifications.enums import NotificationKind
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import ContactFactory, ItineraryItemFactory, ProgramFactory, StaffMembershipFactory, local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_accept_and_a_withdrawal_at_once_leave_one_outcome(require_postgres, council):
    staff = StaffMembershipFactory(council=council).user
    item = ItineraryItemFactory(
        program=ProgramFactory(council=council, coordinator=staff),
        status=ItemStatus.IDEA,
        starts_at=local(dt.date(2027, 3, 2), 9),
        ends_at=local(dt.date(2027, 3, 2), 10),
    )
    contact = ContactFactory(organization__council=council, name="Rebecca Torres")
    meeting_request = requests.send_request(
        item=item, contact=contact, deadline=local(dt.date(2027, 2, 23), 17), user=staff
    )

    results = run_at_once(
        [
            lambda: requests.answer_request(meeting_request=meeting_request, answer=requests.Answer.ACCEPT).status,
            lambda: requests.answer_request(meeting_request=meeting_request, answer=requests.Answer.DECLINE).status,
            lambda: requests.withdraw_request(meeting_request=meeting_request, user=staff).status,
        ]
    )

    winners = [result for result in results if not isinstance(result, Exception)]
    assert len(winners) == 1
    assert sum(isinstance(result, requests.RequestClosed) for result in results) == 2
    meeting_request.refresh_from_db()
    item.refresh_from_db()
    assert meeting_request.status == winners[0]
    expected_item_status = {
        RequestStatus.ACCEPTED: ItemStatus.CONFIRMED,
        RequestStatus.DECLINED: ItemStatus.DECLINED,
        RequestStatus.WITHDRAWN: ItemStatus.REQUESTED,
    }[winners[0]]
    assert item.status == expected_item_status
    # one change for sending, one for the single outcome
    assert ItemChange.objects.filter(item=item).count() == 2
    answers = Notification.objects.filter(kind=NotificationKind.REQUEST_ANSWER).count()
    assert answers == (0 if winners[0] == RequestStatus.WITHDRAWN else 1)
