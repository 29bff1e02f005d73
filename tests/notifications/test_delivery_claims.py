"""Claims that belong to someone: a row being sent is owned by one claim of one worker under a lease the worker
renews while it lives; a release gives back only rows whose lease ran out; a row given back is never marked by its
old owner. With real workers on Redis and a real SMTP server: a batch that outlives the lease is sent once, and a
SIGKILLed worker's rows are sent again within two minutes, each once."""

import datetime as dt
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils import timezone

from notifications import daily_schedule, services, tasks
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification
from notifications.tasks import release_stale_claims, send_due, send_notification
from tests.factories import NotificationFactory
from tests.notifications.factories import DST_SUNDAY, confirmed_item, program_under_way, utc, visitor
from tests.worker import SmtpSink, celery_worker, wait_until

# Run by the backend below while it sends, in the sending thread (what another worker does meanwhile).
DURING_SEND = []


class MeanwhileBackend(LocmemBackend):
    def send_messages(self, messages):
        for hook in list(DURING_SEND):
            hook()
        return super().send_messages(messages)


@pytest.fixture
def during_send():
    DURING_SEND.clear()
    with override_settings(EMAIL_BACKEND="tests.notifications.test_delivery_claims.MeanwhileBackend"):
        yield DURING_SEND
    DURING_SEND.clear()
    services._smtp_session.close()


def _states():
    return {state: Notification.objects.filter(state=state).count() for state in NotificationState.values}


def _message_row_ids():
    return [int(message.extra_headers["X-Exchange-Notification"]) for message in mail.outbox]


@pytest.mark.django_db
def test_a_claim_marks_its_rows_with_its_owner_and_a_lease():
    rows = NotificationFactory.create_batch(2)
    started = timezone.now()

    held = services.claim_due(limit=10)

    claimed = Notification.objects.filter(pk__in=[row.pk for row in rows])
    assert {row.state for row in claimed} == {NotificationState.SENDING}
    assert {row.claimed_by for row in claimed} == {held.token}
    assert held.token.count(":") == 2  # host:pid:random
    lease, second = dt.timedelta(seconds=30), dt.timedelta(seconds=1)  # on the database's clock (milliseconds)
    assert all(started + lease - second <= row.lease_until <= timezone.now() + lease + second for row in claimed)


@pytest.mark.django_db
def test_a_release_leaves_a_renewed_claim_alone_and_gives_back_one_whose_lease_ran_out():
    notification = NotificationFactory()
    held = services.claim_due(limit=10)
    first_lease = Notification.objects.get(pk=notification.pk).lease_until
    time.sleep(0.3)

    assert held.renew()  # the worker's heartbeat

    renewed = Notification.objects.get(pk=notification.pk).lease_until
    assert renewed - first_lease >= dt.timedelta(seconds=0.25)
    assert services.release_stale_claims() == 0  # a live claim
    assert services.release_stale_claims(now=first_lease + dt.timedelta(milliseconds=100)) == 0
    assert services.release_stale_claims(now=renewed + dt.timedelta(milliseconds=100)) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.claimed_by, notification.lease_until) == (
        NotificationState.QUEUED,
        "",
        None,
    )


@pytest.mark.django_db
def test_a_row_given_back_while_its_old_owner_sent_it_is_never_marked_by_that_owner(during_send):
    rows = NotificationFactory.create_batch(3)
    taken_over = []

    def another_worker_takes_over():
        # The first send outlives the lease (a process frozen mid-send): the rows are given back and claimed again.
        if not taken_over:
            services.release_stale_claims(now=timezone.now() + dt.timedelta(hours=1))
            taken_over.append(services.claim_due(limit=10))

    during_send.append(another_worker_takes_over)
    first = services.claim_due(limit=10)

    assert services._deliver(first) == 0  # the one message went out, but the row was no longer this claim's

    other = taken_over[0]
    assert sorted(other.ids) == sorted(row.pk for row in rows)
    assert _message_row_ids() == [rows[0].pk]  # the old owner stopped at once: nothing more under a lost claim
    claimed = Notification.objects.filter(pk__in=[row.pk for row in rows])
    assert {(row.state, row.claimed_by, row.attempts) for row in claimed} == {
        (NotificationState.SENDING, other.token, 0)
    }

    during_send.clear()
    assert services._deliver(other) == 3
    # The message in doubt went out twice, with the same Message-ID; every other row once.
    assert sorted(_message_row_ids()) == sorted([rows[0].pk, *(row.pk for row in rows)])
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]
    assert set(Notification.objects.values_list("state", "attempts")) == {(NotificationState.SENT, 1)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_while_a_slow_batch_is_sent_so_a_release_meanwhile_takes_nothing(
    require_postgres, during_send, settings
):
    settings.NOTIFICATION_LEASE_SECONDS = 1
    NotificationFactory.create_batch(5)
    released = []

    def slow_server_and_a_release_meanwhile():
        time.sleep(0.4)
        released.append(services.release_stale_claims())

    during_send.append(slow_server_and_a_release_meanwhile)

    assert services.send_due() == 5  # 2 s for a batch whose lease is 1 s

    assert released == [0] * 5
    assert set(Notification.objects.values_list("state", "attempts")) == {(NotificationState.SENT, 1)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_whose_lease_cannot_be_renewed_stops_sending_and_gives_its_rows_back(
    require_postgres, during_send, settings, monkeypatch
):
    settings.NOTIFICATION_LEASE_SECONDS = 1
    NotificationFactory.create_batch(6)
    monkeypatch.setattr(services.Claim, "renew", lambda self: False)  # the database cannot be reached from here
    during_send.append(lambda: time.sleep(0.3))

    sent = services.send_due()

    assert 1 <= sent < 6  # the local lease (1 s less a margin) lapsed before the batch was through
    assert _states()[NotificationState.SENDING] == 0
    assert _states()[NotificationState.QUEUED] == 6 - sent
    assert set(Notification.objects.filter(state=NotificationState.QUEUED).values_list("attempts", flat=True)) == {0}


# The evening burst: bulk mail is sent by sweeps (a batch each, over one session), not by a task per message.


@pytest.fixture
def published(monkeypatch):
    """What this process hands to the broker, as (task, priority)."""
    sent = []

    def publish(task, **options):
        sent.append((task.name, options.get("priority")))
        return True

    monkeypatch.setattr(services, "_publish", publish)
    return sent


@pytest.mark.django_db
def test_rows_queued_in_bulk_are_left_to_sweeps_one_per_batch_behind_single_messages(published, settings):
    settings.NOTIFICATION_BATCH_SIZE = 3

    with services.batched_delivery():
        for notification_id in range(7):
            services.enqueue_delivery(notification_id)
    services.enqueue_delivery(99)  # a change outside the block: a task of its own, served first

    sweep = ("notifications.send_due", tasks.SWEEP_PRIORITY)
    assert published == [sweep, sweep, sweep, ("notifications.send", None)]  # after 3 and 6 rows, and the rest


@pytest.mark.django_db(transaction=True)  # the rows' on-commit hand-offs run inside the task
def test_the_beat_task_hands_each_due_program_to_a_task_that_queues_its_schedules_for_the_sweeps(
    council, published, monkeypatch
):
    programs = []
    for _ in range(2):
        program, stop = program_under_way(council=council)
        for name in ("Ana", "Luis", "Marta"):
            visitor(program, first_name=name)
        confirmed_item(program, stop, DST_SUNDAY + dt.timedelta(days=1), 9, title="District attorney's office")
        programs.append(program)
    handed_out = []
    monkeypatch.setattr(
        tasks.queue_program_daily_schedules, "apply_async", lambda **options: handed_out.append(options)
    )

    with time_machine.travel(utc(2027, 3, 15, 0, 0), tick=False):  # 19:00 in San Antonio
        assert tasks.queue_daily_schedules() == 2
        assert sorted(daily_schedule.programs_due()) == sorted(program.pk for program in programs)
        queued = tasks.queue_program_daily_schedules.run(program_id=programs[0].pk)

    assert sorted(options["kwargs"]["program_id"] for options in handed_out) == sorted(p.pk for p in programs)
    assert {options["priority"] for options in handed_out} == {tasks.RENDER_PRIORITY}
    assert queued == 3
    assert Notification.objects.filter(kind=NotificationKind.DAILY_SCHEDULE, program=programs[0]).count() == 3
    assert published == [("notifications.send_due", tasks.SWEEP_PRIORITY)]  # one sweep, no task per message


@pytest.mark.django_db(transaction=True)
def test_a_program_is_queued_in_slices_each_handing_the_rest_to_a_task_behind_what_waits(
    council, published, monkeypatch
):
    program, stop = program_under_way(council=council)
    for name in ("Ana", "Luis", "Marta"):
        visitor(program, first_name=name)
    confirmed_item(program, stop, DST_SUNDAY + dt.timedelta(days=1), 9, title="District attorney's office")
    handed_out = []
    monkeypatch.setattr(
        tasks.queue_program_daily_schedules, "apply_async", lambda **options: handed_out.append(options)
    )
    monkeypatch.setattr(tasks, "RENDER_SLICE_SECONDS", 0)  # one person a slice

    with time_machine.travel(utc(2027, 3, 15, 0, 0), tick=False):
        slices = [tasks.queue_program_daily_schedules.run(program_id=program.pk) for _ in range(4)]

    assert slices == [1, 1, 1, 0]
    assert handed_out == [{"kwargs": {"program_id": program.pk}, "priority": tasks.RENDER_PRIORITY}] * 4
    assert published == [("notifications.send_due", tasks.SWEEP_PRIORITY)] * 3  # each slice's rows to a sweep


@pytest.mark.django_db
def test_a_sweep_out_of_time_gives_back_what_it_has_not_sent_and_starts_the_next_sweep(during_send, monkeypatch):
    NotificationFactory.create_batch(3)
    monkeypatch.setattr(services, "SWEEP_SECONDS", 0)  # out of time after the first message
    more = []

    assert services.send_due(on_more=lambda: more.append(True)) == 1

    assert more == [True]
    assert _states()[NotificationState.SENT] == 1
    assert _states()[NotificationState.QUEUED] == 2
    assert set(Notification.objects.values_list("attempts", "claimed_by")) == {(1, ""), (0, "")}


@pytest.mark.django_db
def test_a_full_batch_starts_the_next_sweep_once_its_first_message_went_out(during_send):
    NotificationFactory.create_batch(3)
    more = []
    during_send.append(lambda: more.append("sending"))

    assert services.send_due(limit=2, on_more=lambda: more.append("more")) == 2

    assert more == ["sending", "more", "sending"]


# Real workers on Redis and PostgreSQL, a real SMTP server.


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_that_outlives_its_lease_while_its_worker_lives_is_never_sent_twice(
    require_postgres, require_redis, tmp_path
):
    rows = NotificationFactory.create_batch(16)
    lease = 2
    with SmtpSink() as sink:
        sink.delay = 0.3  # a slow mail server: the batch takes about 5 s, its lease is 2 s
        env = sink.env(NOTIFICATION_LEASE_SECONDS=lease, NOTIFICATION_BATCH_SIZE=16)
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with (
            celery_worker(broker_url=require_redis, var_dir=tmp_path / "a", extra_env=env) as (_, queue_a),
            celery_worker(broker_url=require_redis, var_dir=tmp_path / "b", extra_env=env) as (_, queue_b),
        ):
            send_due.apply_async(queue=queue_a)
            assert wait_until(lambda: len(sink.accepted) >= 1, timeout=30), (tmp_path / "a" / "worker.log").read_text()

            def the_other_worker_keeps_trying():
                # What beat and duplicated hand-offs do, many times faster: release, sweep, send every row.
                release_stale_claims.apply_async(queue=queue_b)
                send_due.apply_async(queue=queue_b)
                for row in rows[::4]:
                    send_notification.apply_async(kwargs={"notification_id": row.pk}, queue=queue_b)

            delivered = wait_until(
                lambda: _states()[NotificationState.SENT] == 16,
                timeout=60,
                interval=0.5,
                meanwhile=the_other_worker_keeps_trying,
            )

    assert delivered, _states()
    first, last = sink.accepted[0][2], sink.accepted[-1][2]
    assert last - first > 2 * lease  # the batch did outlive its lease
    assert sorted(sink.row_ids()) == sorted(row.pk for row in rows)  # each message once
    assert sink.sessions() == 1  # all by the worker that claimed them, over its one session
    assert set(Notification.objects.values_list("attempts", "claimed_by", "lease_until")) == {(1, "", None)}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_sigkilled_workers_rows_are_given_back_and_sent_within_two_minutes_each_once(
    require_postgres, require_redis, tmp_path
):
    rows = NotificationFactory.create_batch(24)
    with SmtpSink() as sink:
        sink.delay = 0.2
        # The default schedule (release every 15 s); a short lease keeps the test short.
        env = sink.env(NOTIFICATION_LEASE_SECONDS=3, NOTIFICATION_BATCH_SIZE=50)
        (tmp_path / "doomed").mkdir()
        (tmp_path / "survivor").mkdir()
        with (
            celery_worker(broker_url=require_redis, var_dir=tmp_path / "survivor", beat=True, extra_env=env),
            celery_worker(broker_url=require_redis, var_dir=tmp_path / "doomed", extra_env=env) as (doomed, queue),
        ):
            send_due.apply_async(queue=queue)
            assert wait_until(lambda: len(sink.accepted) >= 3, timeout=30)
            time.sleep(sink.delay / 2)  # in the middle of the next SMTP conversation
            doomed.kill()  # SIGKILL: no chance to clean up
            doomed.wait(timeout=10)
            killed_at = time.monotonic()
            accepted_before_kill = len(sink.accepted)
            left_sending = _states()[NotificationState.SENDING]

            given_back = wait_until(lambda: _states()[NotificationState.SENDING] == 0, timeout=120, interval=0.5)
            given_back_after = time.monotonic() - killed_at
            delivered = wait_until(lambda: _states()[NotificationState.SENT] == 24, timeout=120, interval=0.5)
            delivered_after = time.monotonic() - killed_at

    log = (tmp_path / "survivor" / "worker.log").read_text()[-3000:]
    assert given_back, (_states(), log)
    assert delivered, (_states(), log)
    assert 3 <= accepted_before_kill < 24
    # Rows the killed worker had not recorded as sent (the last accepted one may be among them).
    assert 24 - accepted_before_kill <= left_sending <= 25 - accepted_before_kill
    assert given_back_after < 60, given_back_after  # lease expiry and the next release, not 600 s + 300 s
    assert delivered_after < 120, delivered_after
    received = sink.row_ids()
    assert sorted(set(received)) == sorted(row.pk for row in rows)
    # Each once, apart from at most the message that was mid-transaction when the worker died (same Message-ID).
    assert len(received) - len(set(received)) <= 1
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
