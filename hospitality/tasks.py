from celery import shared_task

from hospitality import services


@shared_task(name="hospitality.expire_invitations")
def expire_invitations():
    """Pending invitations past their deadline become expired (a bounded batch; safe to run any time)."""
    return services.expire_pending()
