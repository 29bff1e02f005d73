"""Celery tasks of the outbox. Each is idempotent: running it twice, or again after a crash, sends nothing twice
(rows are claimed with conditional updates; reminders and schedules carry dedupe keys).

Priorities (on Redis, 0 is served first; the filesystem broker of ``make run`` ignores them): a message a change
queued (``notifications.send``, the default 0) goes before a sweep, and a sweep before the rendering of more bulk
mail, so that during the evening's burst of daily schedules a staff change still reaches its recipients within
seconds, and rendered schedules are sent before more are rendered. Bulk tasks are kept short (a batch, a program)
so that a worker process is never long out of reach of a single message.
"""

import time

from celery import shared_task

from notifications import change_notices, daily_schedule, digest, reminders, services

# Given where the tasks are published (``services.enqueue_sweep``, the beat entry, the dispatcher below).
SWEEP_PRIORITY = 3
RENDER_PRIORITY = 6
RENDER_SLICE_SECONDS = 1.0


@shared_task(name="notifications.send")
def send_notification(*, notification_id):
    services.deliver(notification_id)


@shared_task(name="notifications.send_due")
def send_due():
    """A batch of due rows; a full batch starts the next sweep (so a backlog keeps every worker process busy)."""
    return services.send_due(on_more=services.enqueue_sweep)


@shared_task(name="notifications.release_stale_claims")
def release_stale_claims():
    """Give back rows whose worker died (their lease ran out), and sweep them at once."""
    released = services.release_stale_claims()
    if released:
        services.enqueue_sweep()
    return released


@shared_task(name="notifications.queue_daily_schedules")
def queue_daily_schedules():
    """One task per program with a schedule due, so that every worker process renders (and sends) the evening's
    schedules at once. Returns how many programs were handed out."""
    program_ids = daily_schedule.programs_due()
    for program_id in program_ids:
        queue_program_daily_schedules.apply_async(kwargs={"program_id": program_id}, priority=RENDER_PRIORITY)
    return len(program_ids)


@shared_task(name="notifications.queue_program_daily_schedules")
def queue_program_daily_schedules(*, program_id):
    """Queue one program's due schedules for ``RENDER_SLICE_SECONDS``, then leave the rest to a task of its own
    behind what waits (a worker process is never long out of reach of a single message). They are sent by
    sweeps, not a task each."""
    until = time.monotonic() + RENDER_SLICE_SECONDS
    with services.batched_delivery():
        queued = daily_schedule.queue_due(program_ids=[program_id], until=until)
    if time.monotonic() >= until:
        queue_program_daily_schedules.apply_async(kwargs={"program_id": program_id}, priority=RENDER_PRIORITY)
    return queued


@shared_task(name="notifications.queue_reminders")
def queue_reminders():
    return reminders.queue_due()


@shared_task(name="notifications.flush_change_notices")
def flush_change_notices():
    return change_notices.flush_due()


@shared_task(name="notifications.queue_staff_digests")
def queue_staff_digests():
    return digest.queue_due()
