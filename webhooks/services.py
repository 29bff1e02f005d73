"""Council admins manage their endpoints here; each change is written with its audit event, both or neither."""

from django.db import transaction
from django.utils import timezone

from audit.services import record
from notifications.enums import NotificationState
from notifications.models import Notification
from webhooks import signing


def _cancel_waiting(endpoint):
    """Deliveries still queued for an endpoint that is switched off or deleted are not sent (the outbox keeps them,
    cancelled). A delivery in flight finishes."""
    return Notification.objects.filter(webhook_endpoint=endpoint, state=NotificationState.QUEUED).update(
        state=NotificationState.CANCELLED
    )


def create_endpoint(*, form, council, request):
    """Save a valid ``EndpointForm`` as a new endpoint with a fresh secret; returns ``(endpoint, secret)``."""
    with transaction.atomic():
        endpoint = form.save(commit=False)
        endpoint.council = council
        endpoint.secret = signing.make_secret()
        endpoint.created_by = request.user
        endpoint.save()
        record(
            request=request,
            action="create webhook endpoint",
            obj=endpoint,
            details={"url": endpoint.url, "events": endpoint.events},
        )
    return endpoint, endpoint.secret


def update_endpoint(*, form, request):
    """Save a valid ``EndpointForm`` of an existing endpoint.

    Deliveries not yet sent (queued, or failed and waiting to be sent again) follow a new URL: the address was
    probably fixed because they failed. Switching the endpoint off cancels what waits for it.
    """
    with transaction.atomic():
        endpoint = form.save()
        if "url" in form.changed_data:
            Notification.objects.filter(
                webhook_endpoint=endpoint, state__in=[NotificationState.QUEUED, NotificationState.FAILED]
            ).update(target_url=endpoint.url)
        if not endpoint.is_active:
            _cancel_waiting(endpoint)
        record(request=request, action="edit webhook endpoint", obj=endpoint, details={"fields": form.changed_data})
    return endpoint


def rotate_secret(*, endpoint, request):
    """A new secret replaces the old one at once (deliveries from now on, retries included, are signed with it);
    returns it."""
    with transaction.atomic():
        endpoint.secret = signing.make_secret()
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at"])
        record(request=request, action="rotate webhook secret", obj=endpoint)
    return endpoint.secret


def delete_endpoint(*, endpoint, request):
    """The endpoint goes; its deliveries stay in the outbox (those still queued cancelled) for the record."""
    with transaction.atomic():
        cancelled = _cancel_waiting(endpoint)
        record(
            request=request,
            action="delete webhook endpoint",
            obj=endpoint,
            details={"url": endpoint.url, "cancelled_deliveries": cancelled},
        )
        endpoint.delete()
