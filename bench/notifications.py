"""Benchmark: 10,000 due notifications through a real Celery worker and Redis to a local SMTP sink, against a
plain loop that sends the same messages directly over one SMTP connection. Not a test; run it by hand:

    .venv/bin/python bench/notifications.py                  # 10,000 messages, worker concurrency 2
    .venv/bin/python bench/notifications.py --count 2000 --concurrency 4

It uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default ``exchange_bench`` on 127.0.0.1, created and
migrated if needed), a queue of its own on ``BENCH_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``) and an
aiosmtpd sink in a child process on a free port. Both paths are measured in the same run on the same messages:

- worker: from publishing one ``notifications.send`` task per row (what ``queue_email`` does after commit) until
  every row is ``sent``, through claim, render-free send and bookkeeping in the database;
- sweep: the same rows requeued and sent by ``notifications.send_due`` sweeps (what beat does for a backlog), one
  sweep task per batch, each batch over one SMTP session;
- plain loop: the same ``EmailMessage`` objects sent one after another over one SMTP connection, no database.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_sink(port):
    """Child process: an SMTP server that accepts and counts messages; prints the count when terminated."""
    from aiosmtpd.controller import Controller

    class Counter:
        count = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            Counter.count += 1
            return "250 OK"

    # A fixed server name: otherwise aiosmtpd looks up the FQDN for every connection.
    controller = Controller(Counter(), hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # delivered to sigwait below, not to the default handler
    print("ready", flush=True)  # noqa: T201 - the parent waits for this line
    signal.sigwait(stop_signals)
    controller.stop()
    print(Counter.count, flush=True)  # noqa: T201 - the parent reads the count


def ensure_database(url):
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/exchange_bench")
    broker_url = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    smtp_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
        # Workers keep their database connection between tasks, as a deployment should (README, Configuration).
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    }
    os.environ.update(env)
    ensure_database(database_url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    sink = subprocess.Popen(
        [sys.executable, __file__, "--serve-sink", str(smtp_port)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert sink.stdout.readline().strip() == "ready"
    log_path = ROOT / "var" / f"{queue}.log"
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "exchange", "worker", "-Q", queue),
            *("--pool=prefork", f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle"),
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    council = None
    try:
        council, ids = create_rows(args.count)
        wait_for(lambda: b"ready." in log_path.read_bytes(), "the worker to start", timeout=60)

        worker_seconds = run_worker_path(ids)
        sweep_seconds = run_sweep_path(ids)
        plain_seconds = run_plain_loop(ids, port=smtp_port)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        sink.send_signal(signal.SIGTERM)
        received = int(sink.stdout.read().strip() or 0)
        sink.wait(timeout=10)
        if council is not None:
            council.delete()
        log_path.unlink(missing_ok=True)

    count = args.count
    worker_rate, sweep_rate, plain_rate = count / worker_seconds, count / sweep_seconds, count / plain_seconds
    print(f"messages per path: {count}; worker concurrency {args.concurrency}; SMTP sink received {received}")  # noqa: T201
    print(f"{'path':<36}{'seconds':>10}{'messages/s':>14}{'vs plain':>10}")  # noqa: T201
    for label, seconds, rate in (
        ("worker, one task per row", worker_seconds, worker_rate),
        ("worker, send_due sweeps", sweep_seconds, sweep_rate),
        ("plain loop, one SMTP connection", plain_seconds, plain_rate),
    ):
        print(f"{label:<36}{seconds:>10.2f}{rate:>14.0f}{rate / plain_rate:>10.2f}")  # noqa: T201


def wait_for(predicate, what, *, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


def create_rows(count):
    """One council and ``count`` due rows, rendered like a daily schedule (text, HTML and an ICS attachment)."""
    from councils.models import Council
    from notifications.enums import NotificationKind, RecipientType
    from notifications.models import Notification

    tag = uuid.uuid4().hex[:8]
    council = Council.objects.create(
        name=f"Benchmark council {tag}", slug=f"bench-{tag}", city="San Antonio", time_zone="America/Chicago"
    )
    body = "Your schedule for tomorrow.\n" + "09:00–10:00 CDT  Meeting at the district attorney's office\n" * 12
    html = "<p>Your schedule for tomorrow.</p>" + "<p>09:00–10:00 CDT <strong>Meeting</strong></p>" * 12
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Exchange//Itinerary//EN\r\nEND:VCALENDAR\r\n"
    Notification.objects.bulk_create(
        [
            Notification(
                council=council,
                kind=NotificationKind.DAILY_SCHEDULE,
                recipient_type=RecipientType.OTHER,
                recipient_name=f"Visitor {n}",
                recipient_email=f"visitor{n}@example.com",
                subject=f"Your schedule for Monday ({n})",
                body_text=body,
                body_html=html,
                attachments=[{"filename": "schedule.ics", "mimetype": "text/calendar", "content": ics}],
                dedupe_key=f"bench:{tag}:{n}",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    return council, list(Notification.objects.filter(council=council).values_list("pk", flat=True))


def _sent(ids):
    from notifications.enums import NotificationState
    from notifications.models import Notification

    return Notification.objects.filter(pk__in=ids, state=NotificationState.SENT).count()


def _requeue(ids):
    from django.utils import timezone

    from notifications.enums import NotificationState
    from notifications.models import Notification

    Notification.objects.filter(pk__in=ids).update(
        state=NotificationState.QUEUED, sent_at=None, attempts=0, send_after=timezone.now()
    )


def run_worker_path(ids):
    from notifications.tasks import send_notification

    started = time.monotonic()
    for notification_id in ids:
        send_notification.apply_async(kwargs={"notification_id": notification_id})
    wait_for(lambda: _sent(ids) == len(ids), "the worker to send every row", timeout=3600)
    return time.monotonic() - started


def run_sweep_path(ids):
    from django.conf import settings

    from notifications.tasks import send_due

    _requeue(ids)
    started = time.monotonic()
    for _ in range(-(-len(ids) // settings.NOTIFICATION_BATCH_SIZE)):
        send_due.apply_async()
    wait_for(lambda: _sent(ids) == len(ids), "the sweeps to send every row", timeout=3600)
    return time.monotonic() - started


def run_plain_loop(ids, *, port):
    from django.core.mail import get_connection

    from notifications.models import Notification
    from notifications.services import build_email

    messages = [build_email(notification) for notification in Notification.objects.filter(pk__in=ids)]
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
    started = time.monotonic()
    with connection:
        for message in messages:
            connection.send_messages([message])
    return time.monotonic() - started


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-sink":
        serve_sink(int(sys.argv[2]))
    else:
        main()
