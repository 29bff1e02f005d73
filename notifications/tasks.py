from celery import shared_task

from notifications import services


@shared_task(name="notifications.send")
def send_notification(*, notification_id):
    services.deliver(notification_id)


@shared_task(name="notifications.send_due")
def send_due():
    return services.send_due()


@shared_task(name="notifications.release_stale_claims")
def release_stale_claims():
    return services.release_stale_claims()
