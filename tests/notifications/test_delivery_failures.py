"""Every failure counts: a mail server that is down, refuses or times out the connection, or drops the session is
recorded on the rows (the error, an attempt, a backoff) until they reach "failed", where staff see the error and can
resend; none stays "sending". A pooled session that died with a server restart is reopened once before anything is
counted. Against a real SMTP server, in this process and with real workers on Redis."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.tasks import send_due, send_notification
from tests.factories import NotificationFactory
from tests.worker import SmtpSink, celery_worker, closed_port, silent_smtp_port, wait_until


@pytest.fixture
def fresh_session():
    """Each test starts without the process's pooled mail session, and leaves none behind."""
    services._smtp_session.close()
    yield
    services._smtp_session.close()


@pytest.fixture
def sink(settings, fresh_session):
    with SmtpSink() as sink:
        for name, value in sink.env().items():
            setattr(settings, name, int(value) if name in ("EMAIL_PORT", "EMAIL_TIMEOUT") else value)
        yield sink


@pytest.fixture
def smtp_to(settings, fresh_session):
    """Point this process's mail at ``port`` of 127.0.0.1 over SMTP."""

    def point(port, *, timeout=5):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, timeout

    return point


def _states():
    return {state: Notification.objects.filter(state=state).count() for state in NotificationState.values}


@pytest.mark.django_db
def test_an_unreachable_server_counts_one_attempt_on_each_row_of_the_sweep_and_backs_them_off(smtp_to):
    rows = NotificationFactory.create_batch(4)
    with closed_port() as port, time_machine.travel(dt.datetime(2027, 3, 1, 19, 0, tzinfo=dt.UTC), tick=False):
        smtp_to(port)

        assert services.send_due() == 0

    assert _states()[NotificationState.SENDING] == 0
    for row in Notification.objects.filter(pk__in=[row.pk for row in rows]):
        assert row.state == NotificationState.QUEUED
        assert row.attempts == 1
        assert row.last_error.startswith("ConnectionRefusedError: ")
        assert row.send_after == dt.datetime(2027, 3, 1, 19, 1, tzinfo=dt.UTC)
        assert (row.claimed_by, row.lease_until) == ("", None)


@pytest.mark.django_db
def test_a_server_that_stays_down_ends_in_failed_with_the_error_shown_in_the_outbox_and_resendable(
    smtp_to, settings, staff_client, council
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    rows = NotificationFactory.create_batch(3, council=council)
    start = timezone.now()
    with closed_port() as port:
        smtp_to(port)
        services.deliver(rows[0].pk)  # the task a change publishes: the same failure, counted the same way
        for minutes in (0, 2, 5):  # the backoff: 1 minute, then 2
            with time_machine.travel(start + dt.timedelta(minutes=minutes, seconds=1), tick=False):
                services.send_due()

    assert _states()[NotificationState.FAILED] == 3, _states()
    assert set(Notification.objects.values_list("attempts", flat=True)) == {3}
    page = staff_client.get(reverse("notifications:outbox"), {"state": NotificationState.FAILED}).content.decode()
    assert page.count("ConnectionRefusedError") == 3

    staff_client.post(reverse("notifications:resend", args=[rows[1].pk]))
    assert Notification.objects.get(pk=rows[1].pk).state == NotificationState.QUEUED


@pytest.mark.django_db
def test_a_hung_server_times_out_and_the_timeout_counts(smtp_to):
    notification = NotificationFactory()
    with silent_smtp_port() as port:
        smtp_to(port, timeout=1)

        assert services.deliver(notification.pk) is False

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.QUEUED, 1)
    assert "timed out" in notification.last_error


@pytest.mark.django_db
def test_a_session_dropped_in_the_middle_of_a_message_counts_for_that_message(sink):
    notification = NotificationFactory()
    sink.drop_data = True

    assert services.deliver(notification.pk) is False

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.QUEUED, 1)
    assert notification.last_error.startswith("SMTPServerDisconnected")
    assert sink.accepted == []


@pytest.mark.django_db
def test_a_refused_recipient_fails_that_message_only_and_the_batch_goes_on_over_the_same_session(sink):
    rows = NotificationFactory.create_batch(3)
    sink.refuse = {rows[1].recipient_email}

    assert services.send_due() == 2

    states = dict(Notification.objects.values_list("pk", "state"))
    assert [states[row.pk] for row in rows] == [
        NotificationState.SENT,
        NotificationState.QUEUED,
        NotificationState.SENT,
    ]
    refused = Notification.objects.get(pk=rows[1].pk)
    assert refused.attempts == 1
    assert refused.last_error.startswith("SMTPRecipientsRefused")
    assert sink.sessions() == 1


@pytest.mark.django_db
def test_after_the_server_restarts_the_dead_pooled_session_is_reopened_and_nothing_is_lost(sink):
    first, second, *batch = NotificationFactory.create_batch(4)
    assert services.deliver(first.pk) is True  # the session stays open for the next message

    sink.restart()  # the server goes away and comes back: the pooled session is dead
    assert services.deliver(second.pk) is True
    sink.restart()
    assert services.send_due() == 2

    assert sorted(sink.row_ids()) == sorted([first.pk, second.pk, *(row.pk for row in batch)])
    assert set(Notification.objects.values_list("state", "attempts", "last_error")) == {(NotificationState.SENT, 1, "")}
    assert sink.sessions() == 3


@pytest.mark.django_db
def test_a_dead_pooled_session_with_the_server_still_down_counts_one_attempt(sink):
    first, second = NotificationFactory.create_batch(2)
    assert services.deliver(first.pk) is True

    sink.stop()
    assert services.deliver(second.pk) is False

    second.refresh_from_db()
    assert (second.state, second.attempts) == (NotificationState.QUEUED, 1)
    assert second.last_error.startswith("ConnectionRefusedError")


# Real workers on Redis and PostgreSQL.


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_server_unreachable_rows_reach_failed_with_the_error_in_the_outbox_and_none_stay_sending(
    require_postgres, require_redis, tmp_path, staff_client, council
):
    rows = NotificationFactory.create_batch(10, council=council)
    sink = SmtpSink()  # never started: the port it is given refuses connections

    with (
        closed_port() as sink.port,
        celery_worker(
            broker_url=require_redis,
            var_dir=tmp_path,
            extra_env=sink.env(NOTIFICATION_MAX_ATTEMPTS=3, NOTIFICATION_RETRY_SECONDS=1, NOTIFICATION_BATCH_SIZE=4),
        ) as (_, queue),
    ):
        for row in rows[:2]:  # two announced by their change, the rest left to the sweeps
            send_notification.apply_async(kwargs={"notification_id": row.pk}, queue=queue)
        failed = wait_until(
            lambda: _states()[NotificationState.FAILED] == 10,
            timeout=60,
            interval=0.5,
            meanwhile=lambda: send_due.apply_async(queue=queue),  # beat's sweep, more often
        )
        states = _states()

    assert failed, (states, (tmp_path / "worker.log").read_text()[-3000:])
    assert states[NotificationState.SENDING] == 0
    assert set(Notification.objects.values_list("attempts", flat=True)) == {3}
    assert all("Connection refused" in error for error in Notification.objects.values_list("last_error", flat=True))
    page = staff_client.get(reverse("notifications:outbox"), {"state": NotificationState.FAILED}).content.decode()
    assert page.count("ConnectionRefusedError") == 10


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_after_the_server_restarts_a_workers_next_message_goes_out_without_a_lost_attempt(
    require_postgres, require_redis, tmp_path
):
    first, second, *batch = NotificationFactory.create_batch(5)

    with SmtpSink() as sink, celery_worker(broker_url=require_redis, var_dir=tmp_path, extra_env=sink.env()) as (_, q):
        send_notification.apply_async(kwargs={"notification_id": first.pk}, queue=q)
        assert wait_until(lambda: len(sink.accepted) == 1), (tmp_path / "worker.log").read_text()[-3000:]

        sink.restart()
        send_notification.apply_async(kwargs={"notification_id": second.pk}, queue=q)
        assert wait_until(lambda: len(sink.accepted) == 2), (tmp_path / "worker.log").read_text()[-3000:]
        sink.restart()
        send_due.apply_async(queue=q)
        assert wait_until(lambda: len(sink.accepted) == 5), (tmp_path / "worker.log").read_text()[-3000:]
        wait_until(lambda: _states()[NotificationState.SENT] == 5)

    assert sorted(sink.row_ids()) == sorted([first.pk, second.pk, *(row.pk for row in batch)])
    assert set(Notification.objects.values_list("state", "attempts", "last_error")) == {(NotificationState.SENT, 1, "")}
