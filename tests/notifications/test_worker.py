"""A real Celery worker process, on Redis and PostgreSQL, delivers queued rows."""

import pytest

from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.tasks import send_notification
from tests.factories import NotificationFactory
from tests.worker import celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_delivers_a_queued_row(require_postgres, require_redis, tmp_path):
    notification = NotificationFactory(subject="Your schedule for Wednesday", recipient_email="lucia@example.com")

    with celery_worker(broker_url=require_redis, var_dir=tmp_path) as (_, queue):
        send_notification.apply_async(kwargs={"notification_id": notification.pk}, queue=queue)
        delivered = wait_until(lambda: Notification.objects.get(pk=notification.pk).state == NotificationState.SENT)

    assert delivered, (tmp_path / "worker.log").read_text()
    sent_files = list((tmp_path / "sent-mail").iterdir())
    assert len(sent_files) == 1
    content = sent_files[0].read_text()
    assert "Subject: Your schedule for Wednesday" in content
    assert "lucia@example.com" in content


def test_a_worker_sends_a_row_once_when_the_task_is_sent_twice(require_postgres, require_redis, tmp_path):
    notification = NotificationFactory()

    with celery_worker(broker_url=require_redis, var_dir=tmp_path) as (_, queue):
        for _ in range(2):
            send_notification.apply_async(kwargs={"notification_id": notification.pk}, queue=queue)
        wait_until(lambda: Notification.objects.get(pk=notification.pk).state == NotificationState.SENT)
        send_notification.apply_async(kwargs={"notification_id": notification.pk}, queue=queue)
        wait_until(
            lambda: (
                b"succeeded" in (tmp_path / "worker.log").read_bytes()
                and (tmp_path / "worker.log").read_bytes().count(b"succeeded") >= 3
            )
        )

    assert len(list((tmp_path / "sent-mail").iterdir())) == 1
    assert Notification.objects.get(pk=notification.pk).attempts == 1
