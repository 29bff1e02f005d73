"""The outbox: queue a rendered message in the caller's transaction, and deliver it exactly once."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications.enums import NotificationState
from notifications.models import Notification

log = logging.getLogger(__name__)

# How long a claimed row may stay in "sending" before it is considered abandoned by a killed worker.
STALE_CLAIM_AFTER = dt.timedelta(minutes=10)


def _render_plain(name, context):
    """Plain-text parts are not HTML: render them without escaping."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_message(*, template, context, language):
    """Render ``<template>_subject.txt``, ``_body.txt`` and ``_body.html`` in ``language``."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        context["LANGUAGE_CODE"] = language
        subject = " ".join(_render_plain(f"{template}_subject.txt", context).split())
        body_text = _render_plain(f"{template}_body.txt", context)
        body_html = render_to_string(f"{template}_body.html", context)
    return subject, body_text, body_html


def queue_email(
    *,
    council,
    kind,
    recipient_type,
    recipient_name,
    recipient_email,
    template,
    context,
    dedupe_key,
    language="en",
    recipient_id=None,
    program=None,
    send_after=None,
    essential=True,
    attachments=(),
):
    """Write one outbox row (or return the one that already has this dedupe key).

    Call it inside the transaction of the change that causes the message: the row commits or rolls back with
    it, and the worker is only told once the transaction has committed.
    """
    subject, body_text, body_html = render_message(template=template, context=context, language=language)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                council=council,
                program=program,
                kind=kind,
                essential=essential,
                recipient_type=recipient_type,
                recipient_id=recipient_id,
                recipient_name=recipient_name,
                recipient_email=recipient_email,
                language=language,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                attachments=list(attachments),
                dedupe_key=dedupe_key,
                send_after=send_after or timezone.now(),
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    if notification.send_after <= timezone.now():
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def enqueue_delivery(notification_id):
    """Tell a worker about a row. If the broker is down, the row waits for the periodic sweep."""
    from notifications.tasks import send_notification

    try:
        send_notification.apply_async(kwargs={"notification_id": notification_id}, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox row stays queued and is swept later
        log.warning("Broker unavailable; notification %s stays queued for the sweep", notification_id, exc_info=True)


def claim(notification_id, *, now=None):
    """Move a due row from queued to sending. Only one caller can win: the update is conditional."""
    now = now or timezone.now()
    return (
        Notification.objects.filter(pk=notification_id, state=NotificationState.QUEUED, send_after__lte=now).update(
            state=NotificationState.SENDING, claimed_at=now
        )
        == 1
    )


def retry_delay(attempts):
    """Exponential backoff: 1, 2, 4, 8 ... minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def build_email(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{notification.recipient_name} <{notification.recipient_email}>"],
        headers={"X-Exchange-Notification": str(notification.pk)},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def deliver(notification_id):
    """Send one row if it is due and nobody else is sending it. Returns True if this call sent it."""
    if not claim(notification_id):
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        build_email(notification).send()
    except Exception as exc:  # noqa: BLE001 - every send failure is recorded on the row and retried
        record_failure(notification, exc)
        return False
    notification.state = NotificationState.SENT
    notification.sent_at = timezone.now()
    notification.attempts += 1
    notification.last_error = ""
    notification.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    return True


def record_failure(notification, exc):
    notification.attempts += 1
    notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.state = NotificationState.FAILED
    else:
        notification.state = NotificationState.QUEUED
        notification.send_after = timezone.now() + retry_delay(notification.attempts)
    notification.claimed_at = None
    notification.save(update_fields=["attempts", "last_error", "state", "send_after", "claimed_at"])
    log.warning("Notification %s failed (attempt %s): %s", notification.pk, notification.attempts, exc)


def due_ids(*, limit, now=None):
    now = now or timezone.now()
    return list(
        Notification.objects.filter(state=NotificationState.QUEUED, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due(*, limit=None, now=None):
    """Deliver a bounded batch of due rows; returns how many this call sent."""
    limit = limit or settings.NOTIFICATION_BATCH_SIZE
    return sum(1 for notification_id in due_ids(limit=limit, now=now) if deliver(notification_id))


def release_stale_claims(*, now=None):
    """Give rows back to the queue when the worker that claimed them died before finishing."""
    now = now or timezone.now()
    return Notification.objects.filter(state=NotificationState.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER).update(
        state=NotificationState.QUEUED, claimed_at=None
    )


def resend(notification):
    """Staff put a failed row back in the queue, with a fresh count of attempts."""
    updated = Notification.objects.filter(pk=notification.pk, state=NotificationState.FAILED).update(
        state=NotificationState.QUEUED, attempts=0, send_after=timezone.now(), claimed_at=None
    )
    if updated:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return bool(updated)
