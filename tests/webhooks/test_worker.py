"""A real Celery worker on Redis and PostgreSQL posts an event to a real receiver, and retries it after a 500."""

import json

import pytest
from django.db import transaction

from meetings import services as items
from meetings.enums import ItemStatus
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.tasks import send_due
from tests.factories import ItineraryItemFactory, ProgramFactory, StaffMembershipFactory, StopFactory
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import Receiver
from tests.worker import celery_worker, wait_until
from webhooks import signing

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_delivers_a_cancellation_once_after_a_failed_first_attempt(
    require_postgres, require_redis, tmp_path, council
):
    program = ProgramFactory(council=council)
    item = ItineraryItemFactory(program=program, stop=StopFactory(program=program), status=ItemStatus.CONFIRMED)
    staff = StaffMembershipFactory(council=council).user
    env = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true", "NOTIFICATION_RETRY_SECONDS": "1"}

    with (
        Receiver(answers=[500]) as receiver,
        celery_worker(broker_url=require_redis, var_dir=tmp_path, extra_env=env) as (_, queue),
    ):
        endpoint = make_endpoint(council, receiver.url)
        with transaction.atomic():
            items.change_item(item=item, data={"status": ItemStatus.CANCELLED}, actor=staff)
        row = Notification.objects.get(channel="webhook")
        delivered = wait_until(
            lambda: Notification.objects.get(pk=row.pk).state == NotificationState.SENT,
            meanwhile=lambda: send_due.apply_async(queue=queue),  # what beat's sweep does every 30 seconds
            interval=0.5,
        )

    assert delivered, (tmp_path / "worker.log").read_text()
    first, second = receiver.received
    event = json.loads(second.body)
    assert (first.status, second.status) == (500, 200)
    assert first.headers["X-Exchange-Event-Id"] == second.headers["X-Exchange-Event-Id"] == event["id"]
    assert (event["type"], event["data"]["id"], event["data"]["status"]) == ("item.cancelled", item.pk, "cancelled")
    assert signing.verify(endpoint.secret, second.body, second.headers["X-Exchange-Signature"])
    assert receiver.accepted_event_ids() == {event["id"]}
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 2)
