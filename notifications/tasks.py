"""Celery tasks of the outbox. Each is idempotent: running it twice, or again after a crash, sends nothing twice
(rows are claimed with conditional updates; reminders and schedules carry dedupe keys)."""

from celery import shared_task

from notifications import change_notices, daily_schedule, digest, reminders, services


@shared_task(name="notifications.send")
def send_notification(*, notification_id):
    services.deliver(notification_id)


@shared_task(name="notifications.send_due")
def send_due():
    return services.send_due()


@shared_task(name="notifications.release_stale_claims")
def release_stale_claims():
    return services.release_stale_claims()


@shared_task(name="notifications.queue_daily_schedules")
def queue_daily_schedules():
    return daily_schedule.queue_due()


@shared_task(name="notifications.queue_reminders")
def queue_reminders():
    return reminders.queue_due()


@shared_task(name="notifications.flush_change_notices")
def flush_change_notices():
    return change_notices.flush_due()


@shared_task(name="notifications.queue_staff_digests")
def queue_staff_digests():
    return digest.queue_due()
