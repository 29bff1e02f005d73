"""The beat schedule names tasks that exist, so a typo does not silently stop schedules, reminders or notices."""

from django.conf import settings

from exchange.celery import app


def test_every_notification_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    entries = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}

    notification_tasks = sorted(task for task in entries.values() if task.startswith("notifications."))

    assert notification_tasks == [
        "notifications.flush_change_notices",
        "notifications.queue_daily_schedules",
        "notifications.queue_reminders",
        "notifications.queue_staff_digests",
        "notifications.release_stale_claims",
        "notifications.send_due",
    ]
    assert all(task in app.tasks for task in notification_tasks)
