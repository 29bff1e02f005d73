"""Exactly once with real workers on Redis and PostgreSQL: concurrent dispatch, a worker killed mid-batch, and a
broker that is down while the web app keeps queuing."""

import os
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from celery import current_app
from django.urls import reverse

from notifications import services
from notifications.enums import NotificationState
from notifications.models import Notification
from notifications.tasks import release_stale_claims, send_due, send_notification
from tests.factories import NotificationFactory
from tests.notifications.mail_sink import delivered_ids
from tests.worker import celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A Redis of this test run's own, on a free port, so that stopping it never touches the machine's shared one.
THROWAWAY_REDIS_PORT = int(os.environ.get("THROWAWAY_REDIS_PORT") or _free_port())


def _sink_env(mail_dir, *, delay, **settings):
    return {
        "EMAIL_BACKEND": "tests.notifications.mail_sink.SlowFileBackend",
        "TEST_MAIL_DIR": str(mail_dir),
        "TEST_MAIL_DELAY": str(delay),
        **{name: str(value) for name, value in settings.items()},
    }


def _states():
    """How many rows are in each state (shown when a test fails)."""
    return {state: Notification.objects.filter(state=state).count() for state in NotificationState.values}


def _fresh(directory):
    directory.mkdir()
    return directory


def _all_sent(count):
    return Notification.objects.filter(state=NotificationState.SENT).count() == count


@pytest.fixture
def broker_pause_reset(monkeypatch):
    """The web process pauses publishing after a broker failure; each test starts (and ends) without a pause."""
    monkeypatch.setattr(services, "_broker_paused_until", 0.0)


def test_concurrent_dispatch_by_two_workers_delivers_each_row_once(
    require_postgres, require_redis, tmp_path, broker_pause_reset
):
    rows = NotificationFactory.create_batch(40)
    mail_dir = _fresh(tmp_path / "mail")
    env = _sink_env(mail_dir, delay=0.02, NOTIFICATION_BATCH_SIZE=7)

    with (
        celery_worker(broker_url=require_redis, var_dir=_fresh(tmp_path / "a"), extra_env=env) as (_, queue_a),
        celery_worker(broker_url=require_redis, var_dir=_fresh(tmp_path / "b"), extra_env=env) as (_, queue_b),
    ):
        for row in rows:  # every row announced to both workers, as a duplicated on-commit hand-off would
            for queue in (queue_a, queue_b):
                send_notification.apply_async(kwargs={"notification_id": row.pk}, queue=queue)
        for _ in range(3):  # and both workers sweep at the same time
            for queue in (queue_a, queue_b):
                send_due.apply_async(queue=queue)
        delivered = wait_until(lambda: _all_sent(40), timeout=60)

    assert delivered, _states()
    assert delivered_ids(mail_dir) == sorted(row.pk for row in rows)
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_is_restarted_and_each_row_is_delivered_once(
    require_postgres, require_redis, tmp_path, broker_pause_reset
):
    rows = NotificationFactory.create_batch(20)
    mail_dir = _fresh(tmp_path / "mail")
    delay = 0.3
    env = _sink_env(mail_dir, delay=delay, NOTIFICATION_BATCH_SIZE=50, NOTIFICATION_LEASE_SECONDS=2)

    with celery_worker(broker_url=require_redis, var_dir=_fresh(tmp_path / "first"), extra_env=env) as (process, queue):
        send_due.apply_async(queue=queue)
        assert wait_until(lambda: len(delivered_ids(mail_dir)) >= 3, timeout=30)
        time.sleep(delay / 2)  # in the middle of the next SMTP conversation
        process.kill()  # SIGKILL: no chance to clean up
        process.wait(timeout=10)
    sent_before_kill = len(delivered_ids(mail_dir))
    left_sending = Notification.objects.filter(state=NotificationState.SENDING).count()

    with celery_worker(broker_url=require_redis, var_dir=_fresh(tmp_path / "second"), extra_env=env) as (_, queue):
        time.sleep(2.5)  # the lease of the killed worker runs out
        release_stale_claims.apply_async(queue=queue)  # what beat runs periodically
        send_due.apply_async(queue=queue)
        delivered = wait_until(lambda: _all_sent(20), timeout=60)

    assert delivered, _states()
    assert 3 <= sent_before_kill < 20
    assert left_sending == 20 - sent_before_kill
    assert delivered_ids(mail_dir) == sorted(row.pk for row in rows)


@contextmanager
def _throwaway_redis(tmp_path):
    """A Redis of our own on another port, to stop and start (never the machine's shared one)."""
    command = ["redis-server", "--port", str(THROWAWAY_REDIS_PORT), "--save", "", "--appendonly", "no"]
    command += ["--daemonize", "yes", "--dir", str(tmp_path), "--pidfile", str(tmp_path / "redis.pid")]

    def start():
        subprocess.run(command, check=True, capture_output=True)
        assert wait_until(lambda: _redis_ping(), timeout=10)

    def stop():
        subprocess.run(
            ["redis-cli", "-p", str(THROWAWAY_REDIS_PORT), "shutdown", "nosave"], check=False, capture_output=True
        )
        assert wait_until(lambda: not _redis_ping(), timeout=10)

    start()
    try:
        yield start, stop
    finally:
        stop()


def _redis_ping():
    result = subprocess.run(["redis-cli", "-p", str(THROWAWAY_REDIS_PORT), "ping"], check=False, capture_output=True)
    return result.stdout.strip() == b"PONG"


@contextmanager
def _publishing_to(url):
    """Point this process's Celery app at ``url`` for the test, with fresh connection pools."""
    app = current_app._get_current_object()
    old = app.conf.broker_write_url
    app.conf.broker_write_url = url
    app._pool, app.amqp._producer_pool = None, None
    try:
        assert app.connection_for_write().port == THROWAWAY_REDIS_PORT
        yield
    finally:
        app.conf.broker_write_url = old
        app._pool, app.amqp._producer_pool = None, None


def test_with_redis_down_web_requests_queue_quickly_and_the_backlog_goes_out_when_it_returns(
    require_postgres, require_redis, tmp_path, staff_client, council, broker_pause_reset
):
    url = f"redis://127.0.0.1:{THROWAWAY_REDIS_PORT}/0"
    failed = NotificationFactory.create_batch(3, council=council, state=NotificationState.FAILED, attempts=5)
    mail_dir = _fresh(tmp_path / "mail")

    with _throwaway_redis(tmp_path) as (start_redis, stop_redis), _publishing_to(url):
        stop_redis()
        timings = []
        for row in failed:  # staff resend three messages while the broker is down
            started = time.monotonic()
            response = staff_client.post(reverse("notifications:resend", args=[row.pk]))
            timings.append(time.monotonic() - started)
            assert response.status_code == 302
        queued_while_down = Notification.objects.filter(state=NotificationState.QUEUED).count()
        publishing_paused = services._broker_paused_until > time.monotonic()  # the first publish failed

        start_redis()
        env = _sink_env(mail_dir, delay=0)
        with celery_worker(broker_url=url, var_dir=_fresh(tmp_path / "worker"), extra_env=env) as (_, queue):
            send_due.apply_async(queue=queue)  # the beat sweep once the broker is back
            delivered = wait_until(lambda: _all_sent(3), timeout=30)

    assert max(timings) < 3.0, timings
    assert queued_while_down == 3
    assert publishing_paused
    assert delivered, (_states(), (tmp_path / "worker" / "worker.log").read_text())
    assert delivered_ids(mail_dir) == sorted(row.pk for row in failed)
    assert os.environ.get("CELERY_BROKER_URL") != url  # the shared Redis was never touched
