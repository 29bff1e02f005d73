"""The outbox: queue a rendered message in the caller's transaction, and deliver it exactly once."""

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications import preferences
from notifications.enums import NotificationKind, NotificationState
from notifications.models import Notification

log = logging.getLogger(__name__)


def stale_claim_after():
    """How long a claimed row may stay in "sending" before it is considered abandoned by a killed worker."""
    return dt.timedelta(seconds=settings.NOTIFICATION_STALE_CLAIM_SECONDS)


def _render_plain(name, context):
    """Plain-text parts are not HTML: render them without escaping, and return a plain ``str``.

    Django's ``Template.render`` returns a SafeString, which says "HTML, already escaped". A text part kept that way
    would go into a staff page's preview unescaped, names and all (a volunteer who calls themselves ``<script>``);
    text is escaped where a page shows it, and only the HTML part (rendered with autoescape) is HTML.
    """
    rendered = get_template(name).template.render(Context(context, autoescape=False))
    return str.__str__(rendered)  # a plain copy: SafeString's own __str__ would return the SafeString itself


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
    time_zone=None,
):
    """Write one outbox row (or return the one that already has this dedupe key).

    Call it inside the transaction of the change that causes the message: the row commits or rolls back with
    it, and the worker is only told once the transaction has committed.

    Non-essential mail (``essential=False``) is not written for a person who opted out (returns None), carries
    an unsubscribe link, and waits until the council's quiet hours end in ``time_zone`` (the recipient's local
    zone; the council's when not given).
    """
    send_after = send_after or timezone.now()
    if not essential:
        if preferences.has_opted_out(recipient_type=recipient_type, recipient_id=recipient_id):
            return None
        if preferences.can_opt_out(recipient_type) and recipient_id is not None:
            context = {
                **context,
                "unsubscribe_url": preferences.unsubscribe_url(
                    recipient_type=recipient_type, recipient_id=recipient_id
                ),
            }
        send_after = preferences.end_of_quiet_hours(
            send_after,
            start=council.quiet_hours_start,
            end=council.quiet_hours_end,
            time_zone=time_zone or council.time_zone,
        )
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
                send_after=send_after,
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    if notification.send_after <= timezone.now():
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


# After a failed publish, this process stops trying for a while: a request that queues many messages must not
# wait for the broker's timeout once per message. The rows stay queued; the beat sweep sends them.
BROKER_PAUSE_AFTER_FAILURE = 30.0
_broker_paused_until = 0.0


def enqueue_delivery(notification_id):
    """Tell a worker about a row. If the broker is down, the row waits for the periodic sweep."""
    global _broker_paused_until
    from notifications.tasks import send_notification

    if time.monotonic() < _broker_paused_until:
        return False
    try:
        send_notification.apply_async(kwargs={"notification_id": notification_id}, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox row stays queued and is swept later
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_AFTER_FAILURE
        log.warning("Broker unavailable; notification %s stays queued for the sweep", notification_id, exc_info=True)
        return False
    return True


def claim_due(*, limit, now=None):
    """Claim up to ``limit`` due rows at once; concurrent sweeps skip each other's rows instead of waiting.

    The rows are locked (``SKIP LOCKED`` where the database has it) and moved to "sending" in one transaction,
    so two sweeps running at the same moment claim disjoint batches.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=NotificationState.QUEUED, send_after__lte=now)
            .order_by("send_after", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids, state=NotificationState.QUEUED).update(
            state=NotificationState.SENDING, claimed_at=now
        )
    return ids


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


def message_id(notification):
    """A Message-ID fixed per row: if a worker dies between the SMTP hand-off and recording it, the retry carries
    the same id and receiving servers can tell it is the same message."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<notification-{notification.pk}@{host}>"


def render_at_send(notification):
    """Rows that tell how things stand (the staff digest) are rendered again from the current data just before they
    are sent, in the row's language, and keep the new text; every other row goes out as it was queued."""
    if notification.kind == NotificationKind.STAFF_DIGEST:
        from notifications import digest  # digest reads meetings and programs, which import this module

        digest.refresh(notification)
    return notification


def build_email(notification, *, connection=None):
    headers = {"X-Exchange-Notification": str(notification.pk), "Message-ID": message_id(notification)}
    if not notification.essential and preferences.can_opt_out(notification.recipient_type):
        url = preferences.unsubscribe_url(
            recipient_type=notification.recipient_type, recipient_id=notification.recipient_id
        )
        # RFC 8058 one-click unsubscribe: mail clients POST to the link.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{notification.recipient_name} <{notification.recipient_email}>"],
        headers=headers,
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


class _SmtpSession(threading.local):
    """One mail connection per worker process (or thread), reused by the tasks it runs while it is fresh.

    Opening an SMTP session (connect, EHLO, maybe TLS and login) costs more than sending one message; a task per
    row would pay it every time. After an idle spell the session is renewed, as servers drop idle clients.
    """

    idle_seconds = 30.0

    def __init__(self):
        self.key = None
        self.connection = None
        self.last_used = 0.0

    def get(self):
        key = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
        now = time.monotonic()
        if self.connection is not None and (key != self.key or now - self.last_used > self.idle_seconds):
            self.close()
        if self.connection is None:
            self.connection, self.key = get_connection(), key
        self.connection.open()  # a no-op while open; reopens after a failed send closed it
        self.last_used = now
        return self.connection

    def close(self):
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a session that cannot even close cleanly is simply dropped
                log.debug("Closing the mail connection failed", exc_info=True)


_smtp_session = _SmtpSession()


def deliver(notification_id):
    """Send one row if it is due and nobody else is sending it. Returns True if this call sent it."""
    if not claim(notification_id):
        return False
    return _send_claimed(Notification.objects.get(pk=notification_id), connection=_smtp_session.get())


def _send_claimed(notification, *, connection=None):
    """Send a row this caller has claimed, and record the outcome on it."""
    try:
        render_at_send(notification)
        build_email(notification, connection=connection).send()
    except Exception as exc:  # noqa: BLE001 - every send failure is recorded on the row and retried
        if connection is not None:
            # A broken SMTP session must not fail the rest of the batch: the next send opens a new one.
            connection.close()
        record_failure(notification, exc)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENT,
        sent_at=timezone.now(),
        attempts=notification.attempts + 1,
        last_error="",
        claimed_at=None,
    )
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


def send_due(*, limit=None, now=None):
    """Claim and deliver a bounded batch of due rows over one SMTP session; returns how many this call sent."""
    limit = limit or settings.NOTIFICATION_BATCH_SIZE
    ids = claim_due(limit=limit, now=now)
    if not ids:
        return 0
    sent = 0
    with get_connection() as connection:
        for notification in Notification.objects.filter(pk__in=ids).order_by("send_after", "pk").iterator():
            sent += _send_claimed(notification, connection=connection)
    return sent


def release_stale_claims(*, now=None):
    """Give rows back to the queue when the worker that claimed them died before finishing."""
    now = now or timezone.now()
    return Notification.objects.filter(
        state=NotificationState.SENDING, claimed_at__lt=now - stale_claim_after()
    ).update(state=NotificationState.QUEUED, claimed_at=None)


def resend(notification):
    """Staff put a failed row back in the queue, with a fresh count of attempts."""
    updated = Notification.objects.filter(pk=notification.pk, state=NotificationState.FAILED).update(
        state=NotificationState.QUEUED, attempts=0, send_after=timezone.now(), claimed_at=None
    )
    if updated:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return bool(updated)
