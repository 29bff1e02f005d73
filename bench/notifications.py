"""Benchmark: due notifications through real Celery worker processes on Redis to a local SMTP sink, against a plain
loop that sends the same messages directly over one SMTP connection, and the evening's burst of daily schedules.
Not a test; run it by hand:

    .venv/bin/python bench/notifications.py                  # 5,000 messages a path, 2 worker processes
    .venv/bin/python bench/notifications.py --count 2000 --burst 1000 --concurrency 4

It uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default ``exchange_bench_notifications`` on 127.0.0.1,
created and migrated if needed), a queue of its own on ``BENCH_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``),
one worker with ``--concurrency`` prefork processes, and an aiosmtpd sink in a child process on a free port that
notes the Message-ID and the moment of every message it accepts. Measured in one run:

- worker, one task per message: from publishing one ``notifications.send`` task per row (what ``queue_email`` does
  after commit) until every row is ``sent``;
- worker, sweeps: the same rows queued again and sent by ``notifications.send_due`` (one task published, as beat
  does for a backlog; a full batch starts the next sweep);
- plain loop: the same ``EmailMessage`` objects sent one after another over one SMTP connection, no database;
- evening burst: ``--burst`` participants of 100-person programs whose daily schedule is due (four items tomorrow
  each, in English, Spanish, Portuguese and French, each with its ``.ics``): from publishing
  ``notifications.queue_daily_schedules`` (what beat does) until the sink accepted the last schedule; meanwhile a
  message queued as a staff change queues one (a row and a ``notifications.send`` task after commit) every half
  second, and its delay from the commit to the sink's acceptance is measured.
"""

import argparse
import datetime as dt
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BURST_TARGET_SECONDS = 90.0
PROBE_TARGET_SECONDS = 5.0
PROBE_EVERY_SECONDS = 0.5
ZONE = "America/Chicago"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)
ROW_ID = re.compile(r"<notification-(\d+)@")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_sink(port, report_path):
    """Child process: an SMTP server that accepts every message and notes its Message-ID and when it accepted it.
    SIGUSR1 writes what it noted so far to ``report_path`` (then prints "reported"); SIGTERM stops it."""
    from aiosmtpd.controller import Controller

    accepted = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            headers = envelope.content.split(b"\r\n\r\n", 1)[0]
            found = MESSAGE_ID.search(headers)
            accepted.append((found.group(1).decode() if found else "", time.time()))
            return "250 OK"

    # A fixed server name: otherwise aiosmtpd looks up the FQDN for every connection.
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    signals = {signal.SIGTERM, signal.SIGINT, signal.SIGUSR1}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # delivered to sigwait below, not to the default handler
    print("ready", flush=True)  # the parent waits for this line
    while signal.sigwait(signals) == signal.SIGUSR1:
        Path(report_path).write_text(json.dumps(list(accepted)))
        print("reported", flush=True)
    controller.stop()
    print(len(accepted), flush=True)  # the parent reads the count


class Sink:
    def __init__(self, port):
        self.report = Path(tempfile.mkstemp(prefix="bench-sink-", suffix=".json")[1])
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-sink", str(port), str(self.report)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def accepted(self):
        """[(Message-ID, unix time)] of every message accepted so far."""
        self.process.send_signal(signal.SIGUSR1)
        assert self.process.stdout.readline().strip() == "reported"
        return [tuple(entry) for entry in json.loads(self.report.read_text())]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        received = int(self.process.stdout.read().strip() or 0)
        self.process.wait(timeout=10)
        self.report.unlink(missing_ok=True)
        return received


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
    parser.add_argument("--count", type=int, default=5_000, help="messages per path")
    parser.add_argument("--burst", type=int, default=5_000, help="daily schedules in the evening burst (0: none)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    args = parser.parse_args()

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/exchange_bench_notifications"
    )
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
    remove_earlier_runs()

    sink = Sink(smtp_port)
    (ROOT / "var").mkdir(exist_ok=True)
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
    councils = []
    try:
        council, ids = create_rows(args.count)
        councils.append(council)
        wait_for(lambda: b"ready." in log_path.read_bytes(), "the worker to start", timeout=60)

        paths = []
        for label, run in (
            ("worker, one task per message", lambda: run_worker_path(council, ids)),
            ("worker, send_due sweeps", lambda: run_sweep_path(council, ids)),
            ("plain loop, one SMTP connection", lambda: run_plain_loop(ids, port=smtp_port)),
        ):
            before = len(sink.accepted())
            seconds = run()
            received = sink.accepted()[before:]
            paths.append((label, seconds, len(received), len(received) - len({mid for mid, _ in received})))

        burst = None
        if args.burst:
            burst_council = create_evening(args.burst)
            councils.append(burst_council)
            burst = run_evening_burst(burst_council, council, sink)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
        received_total = sink.stop()
        for council in councils:
            delete_council(council)
        log_path.unlink(missing_ok=True)

    plain_rate = args.count / paths[2][1]
    print(
        f"worker concurrency {args.concurrency}; {args.count} messages per path; "
        f"the SMTP sink accepted {received_total} messages in all"
    )
    print()
    print("| path | seconds | messages/s | vs plain loop | accepted | twice |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, seconds, received, twice in paths:
        rate = args.count / seconds
        print(f"| {label} | {seconds:.1f} | {rate:.0f} | {rate / plain_rate:.2f} | {received} | {twice} |")
    if burst is None:
        return
    print()
    verdict = "met" if burst["seconds"] < BURST_TARGET_SECONDS else "MISSED"
    print(
        f"| evening burst: {burst['count']} daily schedules, beat task to last accepted | {burst['seconds']:.1f} | "
        f"{burst['count'] / burst['seconds']:.0f} | target < {BURST_TARGET_SECONDS:.0f} s: {verdict} | "
        f"{burst['accepted']} | {burst['twice']} |"
    )
    delays = burst["probe_delays"]
    p95 = percentile(delays, 95)
    verdict = "met" if p95 <= PROBE_TARGET_SECONDS else "MISSED"
    print(
        f"| change-driven messages during the burst: {len(delays)}, commit to accepted | "
        f"p50 {percentile(delays, 50):.2f} s | p95 {p95:.2f} s | target p95 <= {PROBE_TARGET_SECONDS:.0f} s: "
        f"{verdict} | max {max(delays):.2f} s | |"
    )
    print(
        f"(burst: rendering and queuing done {burst['queued_after']:.1f} s after the beat task; "
        f"{burst['failed']} failed)"
    )


def percentile(values, pct):
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def wait_for(predicate, what, *, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(interval)


def remove_earlier_runs():
    """Councils a run that was interrupted left behind (their programs would queue schedules again)."""
    from councils.models import Council

    for council in Council.objects.filter(slug__startswith="bench-"):
        delete_council(council)


def delete_council(council):
    from meetings.models import ItineraryItem
    from notifications.models import Notification

    Notification.objects.filter(council=council)._raw_delete(using="default")
    # Items protect their stops and venues: remove them before the council they belong to.
    ItineraryItem.objects.filter(program__council=council).delete()
    council.delete()


def create_rows(count):
    """One council and ``count`` due rows, rendered like a daily schedule (text, HTML and an ICS attachment)."""
    from councils.models import Council
    from notifications.enums import NotificationKind, RecipientType
    from notifications.models import Notification

    tag = uuid.uuid4().hex[:8]
    council = Council.objects.create(
        name=f"Benchmark council {tag}", slug=f"bench-{tag}", city="San Antonio", time_zone=ZONE
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


def create_evening(count, *, per_program=100):
    """A council whose daily schedule time has just passed, with ``count`` participants in programs of
    ``per_program``, each program with four confirmed items tomorrow at a venue with a host and a pick-up."""
    from django.utils import timezone

    from councils.models import Council
    from directory.models import HostOrganization, Venue
    from meetings.enums import ItemKind, ItemStatus
    from meetings.models import ItineraryItem
    from programs.enums import ProgramStatus
    from programs.models import Participant, Program, Stop

    zone = zoneinfo.ZoneInfo(ZONE)
    local_now = timezone.now().astimezone(zone)
    today, tomorrow = local_now.date(), local_now.date() + dt.timedelta(days=1)
    send_time = max(local_now - dt.timedelta(minutes=1), local_now.replace(hour=0, minute=0)).time()
    tag = uuid.uuid4().hex[:8]
    council = Council.objects.create(
        name=f"Evening council {tag}",
        slug=f"bench-evening-{tag}",
        city="San Antonio",
        time_zone=ZONE,
        daily_schedule_time=send_time.replace(second=0, microsecond=0),
        quiet_hours_start=dt.time(0, 0),  # no quiet hours: the burst goes out when it is queued
        quiet_hours_end=dt.time(0, 0),
    )
    host = HostOrganization.objects.create(council=council, name="Bexar County District Attorney's Office")
    venue = Venue.objects.create(
        council=council, name="Cadena-Reeves Justice Center", address="300 Dolorosa St", city="San Antonio"
    )
    programs = Program.objects.bulk_create(
        Program(
            council=council,
            title=f"Rule of Law and Judicial Reform {n}",
            arrival_date=today - dt.timedelta(days=2),
            departure_date=today + dt.timedelta(days=5),
            status=ProgramStatus.IN_PROGRESS,
        )
        for n in range(-(-count // per_program))
    )
    stops = Stop.objects.bulk_create(
        Stop(program=program, city="San Antonio", region="TX", start_date=program.arrival_date,
             end_date=program.departure_date, time_zone=ZONE)
        for program in programs
    )  # fmt: skip
    languages = ["en", "es", "pt", "fr"]
    Participant.objects.bulk_create(
        Participant(
            program=programs[n // per_program],
            first_name=f"Visitor{n}",
            last_name="Example",
            country="PE",
            preferred_language=languages[n % len(languages)],
            email=f"visitor{n}.{tag}@example.com",
        )
        for n in range(count)
    )
    day = (
        (9, "Meeting with the District Attorney"),
        (11, "Visit to the juvenile court"),
        (14, "Roundtable with civic leaders"),
        (19, "Home hospitality dinner"),
    )
    items = []
    for program, stop in zip(programs, stops, strict=True):
        for hour, title in day:
            starts = dt.datetime.combine(tomorrow, dt.time(hour), tzinfo=zone)
            items.append(
                ItineraryItem(
                    program=program,
                    stop=stop,
                    kind=ItemKind.MEETING,
                    status=ItemStatus.CONFIRMED,
                    title=title,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=90),
                    venue=venue,
                    host_organization=host,
                    pickup_at=starts - dt.timedelta(minutes=30),
                    pickup_location="Hotel lobby",
                    dress_code="Business",
                    visitor_notes="Bring your passport.",
                )
            )
    ItineraryItem.objects.bulk_create(items)
    return council


def _sent(council):
    """Rows of ``council`` sent so far (polled ten times a second: by council, a query that costs the workers
    nothing measurable, unlike one naming thousands of ids)."""
    from notifications.enums import NotificationState
    from notifications.models import Notification

    return Notification.objects.filter(council=council, state=NotificationState.SENT).count()


def _requeue(ids):
    from django.utils import timezone

    from notifications.enums import NotificationState
    from notifications.models import Notification

    Notification.objects.filter(pk__in=ids).update(
        state=NotificationState.QUEUED, sent_at=None, attempts=0, send_after=timezone.now()
    )


def run_worker_path(council, ids):
    from notifications.tasks import send_notification

    started = time.monotonic()
    for notification_id in ids:
        send_notification.apply_async(kwargs={"notification_id": notification_id})
    wait_for(lambda: _sent(council) == len(ids), "the worker to send every row", timeout=3600)
    return time.monotonic() - started


def run_sweep_path(council, ids):
    from notifications import services

    _requeue(ids)
    started = time.monotonic()
    services.enqueue_sweep()  # what beat does every 30 s; a full batch starts the next sweep
    wait_for(lambda: _sent(council) == len(ids), "the sweeps to send every row", timeout=3600)
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


def _queue_probe(council, n):
    """What a staff change does: a row written in the change's transaction, a worker told after commit."""
    from django.db import transaction

    from notifications import services
    from notifications.enums import NotificationKind, RecipientType
    from notifications.models import Notification

    with transaction.atomic():
        row = Notification.objects.create(
            council=council,
            kind=NotificationKind.CHANGE_NOTICE,
            recipient_type=RecipientType.CONTACT,
            recipient_name="Maria Gonzalez",
            recipient_email=f"host{n}@example.org",
            subject="Changed: Meeting with the District Attorney",
            body_text="The meeting now starts at 10:00 CST (was 09:00 CST).",
            body_html="<p>The meeting now starts at 10:00 CST (was 09:00 CST).</p>",
            dedupe_key=f"bench-probe:{uuid.uuid4().hex}",
        )
        transaction.on_commit(lambda: services.enqueue_delivery(row.pk))
    return row.pk, time.time()


def run_evening_burst(council, probe_council, sink):
    from django.db.models import Count

    from notifications.enums import NotificationKind, NotificationState
    from notifications.models import Notification
    from notifications.tasks import queue_daily_schedules
    from programs.models import Participant

    expected = Participant.objects.filter(program__council=council).count()
    rows = Notification.objects.filter(council=council, kind=NotificationKind.DAILY_SCHEDULE)
    probes = {}
    queued_after = None
    started = time.time()
    queue_daily_schedules.apply_async()  # what beat does when the council's schedule time has come
    deadline = time.monotonic() + 1800
    while True:
        pk, at = _queue_probe(probe_council, len(probes))
        probes[pk] = at
        counts = dict(rows.order_by().values_list("state").annotate(n=Count("pk")))
        if queued_after is None and sum(counts.values()) >= expected:
            queued_after = time.time() - started
        if counts.get(NotificationState.SENT, 0) + counts.get(NotificationState.FAILED, 0) >= expected:
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for the evening burst: {counts}")
        time.sleep(PROBE_EVERY_SECONDS)
    probe_rows = Notification.objects.filter(pk__in=list(probes))
    wait_for(lambda: probe_rows.filter(state=NotificationState.SENT).count() == len(probes), "the probes", timeout=60)

    accepted = {}
    twice = 0
    burst_ids = set(rows.values_list("pk", flat=True))
    for message_id, at in sink.accepted():
        found = ROW_ID.search(message_id)
        pk = int(found.group(1)) if found else None
        if pk in burst_ids or pk in probes:
            twice += pk in accepted
            accepted.setdefault(pk, at)
    last = max(at for pk, at in accepted.items() if pk in burst_ids)
    return {
        "count": len(burst_ids),
        "seconds": last - started,
        "queued_after": queued_after or float("nan"),
        "accepted": sum(pk in burst_ids for pk in accepted),
        "twice": twice,
        "failed": rows.filter(state=NotificationState.FAILED).count(),
        "probe_delays": sorted(accepted[pk] - at for pk, at in probes.items()),
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-sink":
        serve_sink(int(sys.argv[2]), sys.argv[3])
    else:
        main()
