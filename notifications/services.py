"""The outbox: queue a rendered message in the caller's transaction, and deliver it exactly once.

Delivery works on claims. A worker moves due rows from "queued" to "sending" under a claim of its own
(``claimed_by``: host, process and a random part) with a lease (``lease_until``); it renews the lease from a
heartbeat thread while it works, makes sure the lease still holds before every send, and records every outcome with
an update conditional on still owning the row. A release gives back only rows whose lease ran out, that is, whose
worker stopped renewing (it died, or lost the database): however slow the mail server, a live worker's rows are
never given back, and a row that was given back is never marked by its old owner. Between workers each message is
therefore sent once. At the SMTP boundary it is at least once: a worker killed between the server's acceptance and
the record leaves that one message in doubt, and it goes out again with the same Message-ID.

Every failure counts: an unreachable server, a refused or timed-out connection and a dropped session are recorded
on the rows with an attempt and a backoff, up to ``NOTIFICATION_MAX_ATTEMPTS`` and the dead letter ("failed").

A row on the webhook channel is posted to a council's own system (``webhooks.delivery``) instead of mailed, under the
same claims, records and retries; a receiver tells a retry by the event id it already saw.
"""

import contextlib
import contextvars
import datetime as dt
import functools
import logging
import os
import secrets
import smtplib
import socket
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models.functions import Now
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications import preferences
from notifications.enums import NotificationChannel, NotificationKind, NotificationState, RecipientType
from notifications.models import Notification

log = logging.getLogger(__name__)


def lease_duration():
    """How long a claim holds its rows unless its worker renews it (a dead worker's rows come back after this)."""
    return dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


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


def queue_webhook(*, council, program, endpoint, event_id, event_type, body):
    """Write one outbox row that posts ``body`` (the event's JSON) to ``endpoint``, or return the row this endpoint
    already has for ``event_id``. Like ``queue_email``: call it inside the transaction of the change."""
    dedupe_key = f"webhook:{endpoint.pk}:{event_id}"
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                council=council,
                program=program,
                kind=NotificationKind.WEBHOOK,
                channel=NotificationChannel.WEBHOOK,
                webhook_endpoint=endpoint,
                target_url=endpoint.url,
                recipient_type=RecipientType.WEBHOOK_ENDPOINT,
                recipient_id=endpoint.pk,
                recipient_name=endpoint.name,
                recipient_email="",
                subject=f"{event_type} {event_id}",
                body_text=body,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


# After a failed publish, this process stops trying for a while: a request that queues many messages must not
# wait for the broker's timeout once per message. The rows stay queued; the beat sweep sends them.
BROKER_PAUSE_AFTER_FAILURE = 30.0
_broker_paused_until = 0.0

# Set inside ``batched_delivery()``: how many rows were queued there so far.
_batched = contextvars.ContextVar("notifications_batched_delivery", default=None)


def _publish(task, **options):
    global _broker_paused_until
    if time.monotonic() < _broker_paused_until:
        return False
    try:
        task.apply_async(retry=False, **options)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox rows stay queued and are swept later
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_AFTER_FAILURE
        log.warning("Broker unavailable; %s not published, the sweep will send what waits", task.name, exc_info=True)
        return False
    return True


def enqueue_delivery(notification_id):
    """Tell a worker about a row. If the broker is down, the row waits for the periodic sweep.

    Inside ``batched_delivery()`` the row is left to a sweep instead of a task of its own.
    """
    from notifications.tasks import send_notification

    batched = _batched.get()
    if batched is not None:
        batched[0] += 1
        if batched[0] % settings.NOTIFICATION_BATCH_SIZE == 0:
            return enqueue_sweep()
        return True
    return _publish(send_notification, kwargs={"notification_id": notification_id})


def enqueue_sweep():
    """Start a ``send_due`` sweep now (at the sweep's priority, behind single messages)."""
    from notifications.tasks import SWEEP_PRIORITY, send_due

    return _publish(send_due, priority=SWEEP_PRIORITY)


@contextlib.contextmanager
def batched_delivery():
    """Rows queued (and committed) inside the block are sent by sweeps, not by a task each: one sweep is started
    for every batch's worth of rows and one at the end for the rest.

    For code that queues many messages at once (the evening's daily schedules). A task per message is the slow
    path, and thousands of them would wait in front of the messages a staff change sends; a sweep sends a batch over
    one SMTP session, at a lower priority than those.
    """
    batched = [0]
    token = _batched.set(batched)
    try:
        yield
    finally:
        _batched.reset(token)
        if batched[0] % settings.NOTIFICATION_BATCH_SIZE:
            enqueue_sweep()


_UNCLAIMED = {"claimed_by": "", "claimed_at": None, "lease_until": None}
_worker = {"pid": None, "name": ""}


def _worker_name():
    """This process in claims: host and pid (a prefork child is named after its own pid once forked)."""
    pid = os.getpid()
    if _worker["pid"] != pid:
        _worker.update(pid=pid, name=f"{socket.gethostname()[:80]}:{pid}")
    return _worker["name"]


class Claim:
    """The rows one call of this process holds, and its lease on them.

    ``token`` (``host:pid:random``) is written on each row as ``claimed_by``, and every later change of a row is
    made only ``WHERE claimed_by = token AND state = 'sending'``. ``holds()`` tells, without a round trip to the
    database, whether the lease certainly still holds: ``kept()`` renews it from a thread, each renewal moves the
    local deadline, and a release only gives back rows whose lease has run out; so while ``holds()`` is true no
    other worker can have the rows. Leases are written and judged on the database's clock, so workers on hosts
    whose clocks differ agree; the local deadline is counted from before each write and stops a margin short. A
    renewal that fails (the database cannot be reached) lets the lease lapse, and the worker stops sending.
    """

    def __init__(self):
        self.token = f"{_worker_name()}:{secrets.token_hex(4)}"
        self.ids = []
        self.seconds = settings.NOTIFICATION_LEASE_SECONDS
        self.margin = min(5.0, self.seconds / 5)
        # Counted from before the claim's own update, so the local deadline is never later than the stored one.
        self.valid_until = time.monotonic() + self.seconds - self.margin
        self.lost = False

    def taking(self):
        """The columns that move a queued row into this claim."""
        return {
            "state": NotificationState.SENDING,
            "claimed_by": self.token,
            "claimed_at": Now(),
            "lease_until": Now() + lease_duration(),
        }

    def holds(self):
        return not self.lost and time.monotonic() < self.valid_until

    def renew(self):
        started = time.monotonic()
        try:
            Notification.objects.filter(claimed_by=self.token, state=NotificationState.SENDING).update(
                lease_until=Now() + lease_duration()
            )
        except DatabaseError:
            log.warning("Could not renew the lease of claim %s", self.token, exc_info=True)
            connection.close()  # this thread's: the next renewal connects again
            return False
        self.valid_until = started + self.seconds - self.margin
        return True

    @contextlib.contextmanager
    def kept(self):
        """Renew the lease every third of its length, from a thread of its own, until the block ends."""
        stop = threading.Event()
        thread = threading.Thread(target=self._heartbeat, args=(stop,), name="notification-lease", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(timeout=min(self.seconds, 5))  # a renewal stuck on the database is left to finish alone

    def _heartbeat(self, stop):
        try:
            while not stop.wait(self.seconds / 3):
                self.renew()
        finally:
            connections.close_all()  # this thread's own connection: Django keeps one per thread


def claim_due(*, limit, now=None):
    """Claim up to ``limit`` due rows at once; concurrent sweeps skip each other's rows instead of waiting.

    The rows are locked (``SKIP LOCKED`` where the database has it) and moved to "sending" in one transaction,
    so two sweeps running at the same moment claim disjoint batches. ``ids`` may name a row another claim took
    in between on a database without row locks (SQLite); the rows are read back by the claim's token.
    """
    now = now or timezone.now()
    held = Claim()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=NotificationState.QUEUED, send_after__lte=now)
            .order_by("send_after", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids, state=NotificationState.QUEUED).update(**held.taking())
    held.ids = ids
    return held


def claim(notification_id, *, now=None):
    """Claim one due row; None when it is not due or someone else holds it (the update is conditional)."""
    now = now or timezone.now()
    held = Claim()
    taken = Notification.objects.filter(pk=notification_id, state=NotificationState.QUEUED, send_after__lte=now).update(
        **held.taking()
    )
    if not taken:
        return None
    held.ids = [notification_id]
    return held


def retry_delay(attempts):
    """Exponential backoff: ``NOTIFICATION_RETRY_SECONDS`` (a minute), then twice as long each time, at most an
    hour."""
    return dt.timedelta(seconds=min(settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1), 3600))


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


SENT, FAILED, UNREACHABLE = "sent", "failed", "unreachable"


def _breaks_session(exc):
    """Whether a failed send leaves the SMTP session unusable (the server went away, the socket broke or timed
    out), rather than the server refusing this one message (its sender, recipient or content; the session goes on).
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return getattr(exc, "smtp_code", None) == 421  # "service not available, closing transmission channel"
    return isinstance(exc, OSError)  # socket errors and timeouts, and smtplib's other errors (disconnected, ...)


class _SmtpSession(threading.local):
    """One mail connection per worker process (or thread), reused by the tasks it runs while it is fresh.

    Opening an SMTP session (connect, EHLO, maybe TLS and login) costs more than sending one message; a task per
    row would pay it every time. After an idle spell the session is renewed, as servers drop idle clients.

    ``send`` opens the session itself, so that a server that cannot be reached is a failure like any other. A send
    that fails on a session that was already open (the server restarted or dropped us since the last message) is
    tried once more on a new session before anything is counted.
    """

    idle_seconds = 30.0

    def __init__(self):
        self.key = None
        self.connection = None
        self.last_used = 0.0

    def _open(self):
        """The backend with its session open, and whether that session was open already."""
        key = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
        now = time.monotonic()
        if self.connection is not None and (key != self.key or now - self.last_used > self.idle_seconds):
            self.close()
        if self.connection is None:
            self.connection, self.key = get_connection(), key
        reused = self.connection.open() is False  # Django's SMTP backend: False when the session was open already
        self.last_used = now
        return self.connection, reused

    def send(self, notification):
        """Send one row; returns ``(SENT, None)``, ``(FAILED, error)`` for a failure of this message, or
        ``(UNREACHABLE, error)`` when no session could be opened (nothing more can go out now)."""
        try:
            backend, reused = self._open()
        except Exception as exc:  # noqa: BLE001 - refused, timed out, no such host, TLS or login failed
            self.drop()
            return UNREACHABLE, exc
        try:
            message = build_email(render_at_send(notification), connection=backend)
            message.send()
        except Exception as exc:  # noqa: BLE001 - every send failure is recorded on the row
            if not _breaks_session(exc):
                return FAILED, exc
            self.drop()
            if not reused:
                return FAILED, exc
            log.info("The mail session was dead (%s); opening a new one for notification %s", exc, notification.pk)
            try:
                self._open()
            except Exception as exc:  # noqa: BLE001 - as above
                self.drop()
                return UNREACHABLE, exc
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001 - as above
                if _breaks_session(exc):
                    self.drop()
                return FAILED, exc
        self.last_used = time.monotonic()
        return SENT, None

    def drop(self):
        """Forget a session that failed, without the QUIT a dead or hung server would never answer."""
        backend = self.connection
        smtp = getattr(backend, "connection", None)  # Django's SMTP backend keeps its smtplib.SMTP here
        if smtp is not None:
            with contextlib.suppress(Exception):
                smtp.close()
            backend.connection = None
        elif backend is not None:
            with contextlib.suppress(Exception):
                backend.close()

    def close(self):
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a session that cannot even close cleanly is simply dropped
                log.debug("Closing the mail connection failed", exc_info=True)


_smtp_session = _SmtpSession()


def _send(notification):
    """Send one row on its channel. A webhook is one endpoint's answer: its failure says nothing of the rows after
    it (they may go elsewhere), so it is never ``UNREACHABLE``."""
    if notification.channel == NotificationChannel.WEBHOOK:
        from webhooks import delivery  # webhooks builds on the outbox and imports this module

        try:
            delivery.post(notification)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, like a refused email
            return FAILED, exc
        return SENT, None
    return _smtp_session.send(notification)


def deliver(notification_id):
    """Send one row if it is due and nobody else holds it. Returns True if this call sent it."""
    held = claim(notification_id)
    if held is None:
        return False
    return _deliver(held) == 1


# A sweep gives back what it has not sent after this long, and the next sweep goes on with it: a worker process is
# never long out of reach of a message a change queued (they are served first), however slow the mail server.
SWEEP_SECONDS = 2.0


def send_due(*, limit=None, now=None, on_more=None):
    """Give back expired claims, then claim a bounded batch of due rows and send it over this process's SMTP
    session, for ``SWEEP_SECONDS`` at most; returns how many this call sent.

    ``on_more`` is called when more rows wait: once the first message of a full batch went out (so that a backlog is
    worked on by every worker process at once; not before the server took a message, so that a server that is down
    is not asked by sweep after sweep), or when the time ran out with rows given back.
    """
    limit = limit or settings.NOTIFICATION_BATCH_SIZE
    release_stale_claims()
    held = claim_due(limit=limit, now=now)
    if not held.ids:
        return 0
    with _relaxed_commit():
        return _deliver(held, on_more=on_more, full=len(held.ids) >= limit, until=time.monotonic() + SWEEP_SECONDS)


@contextlib.contextmanager
def _relaxed_commit():
    """A sweep commits once per message sent, and PostgreSQL need not wait for the disk at each of those commits.

    A commit is visible to every other session as soon as it returns, durable or not, so this changes nothing
    between workers (claims, leases and records stay exactly as strict); a crash of PostgreSQL itself could forget
    the last fraction of a second of records, and those messages would go out again with their Message-ID, as after
    a worker killed mid-send. Other writes of the process keep the default.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")
        except DatabaseError:
            log.debug("Could not reset synchronous_commit", exc_info=True)  # the connection is gone with it


def _deliver(held, *, on_more=None, full=False, until=None):
    """Send the rows of a claim, one after the other, and record each outcome as soon as it is known (a worker
    killed mid-batch then leaves at most the message in flight in doubt). Returns how many were sent."""
    rows = list(
        Notification.objects.filter(pk__in=held.ids, claimed_by=held.token, state=NotificationState.SENDING).order_by(
            "send_after", "pk"
        )
    )
    sent = recorded = 0
    more_told = out_of_time = False
    with held.kept():
        try:
            for index, notification in enumerate(rows):
                if not held.holds():
                    log.warning("Claim %s lapsed; %s notifications go back unsent", held.token, len(rows) - index)
                    break
                if index and until is not None and time.monotonic() >= until:
                    out_of_time = True  # after one message at least: every sweep moves on
                    break
                outcome, exc = _send(notification)
                if outcome == SENT:
                    if not _record_sent(notification, held):
                        # Another worker has the row: it was given back while this one sent it. This message is the
                        # one in doubt (same Message-ID); nothing more is sent under this claim.
                        held.lost = True
                        log.warning("Notification %s was sent after claim %s had lapsed", notification.pk, held.token)
                        break
                    sent += 1
                    recorded += 1
                    if sent == 1 and full and on_more is not None:
                        on_more()
                        more_told = True
                elif outcome == FAILED:
                    _record_failures([notification], held, exc)
                    recorded += 1
                else:
                    # The server cannot be reached: each row of the batch counts this one attempt and backs off, so
                    # a server that is down shows on every waiting row, and costs each row one attempt a sweep.
                    _record_failures(rows[index:], held, exc)
                    recorded = len(rows)
                    break
        finally:
            if recorded < len(rows):
                _give_back(held)
    if out_of_time and sent and not more_told and on_more is not None:
        on_more()
    return sent


@functools.cache
def _mark_sent_sql(vendor):
    """``UPDATE`` a row to "sent" ``WHERE`` it is still this claim's (parameters: state, sent_at, id, token, state)."""
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in Notification._meta.fields}
    return (
        f"UPDATE {quote(Notification._meta.db_table)} SET {column['state']} = %s, {column['sent_at']} = %s, "
        f"{column['attempts']} = {column['attempts']} + 1, {column['last_error']} = '', {column['claimed_by']} = '', "
        f"{column['claimed_at']} = NULL, {column['lease_until']} = NULL "
        f"WHERE {column['id']} = %s AND {column['claimed_by']} = %s AND {column['state']} = %s"
    )


def _record_sent(notification, held):
    """Mark a row sent if this claim still holds it. One plain statement: it runs once for every message, and
    building it with the ORM cost more than the round trip to the database (a sweep's throughput depends on it)."""
    sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _mark_sent_sql(connection.vendor),
            [NotificationState.SENT.value, sent_at, notification.pk, held.token, NotificationState.SENDING.value],
        )
        return cursor.rowcount == 1


def _record_failures(rows, held, exc):
    """Count one attempt on each of ``rows`` with the error; requeue with backoff, or fail for good after the last
    attempt. One update per number of attempts, each conditional on the claim."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    by_attempts = defaultdict(list)
    for notification in rows:
        by_attempts[notification.attempts + 1].append(notification.pk)
    for attempts, ids in by_attempts.items():
        if attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            outcome = {"state": NotificationState.FAILED}
        else:
            outcome = {"state": NotificationState.QUEUED, "send_after": now + retry_delay(attempts)}
        Notification.objects.filter(pk__in=ids, claimed_by=held.token, state=NotificationState.SENDING).update(
            attempts=attempts, last_error=error, **outcome, **_UNCLAIMED
        )
    log.warning("%s notification(s) failed (attempt %s): %s", len(rows), "/".join(map(str, by_attempts)), error)


def _give_back(held):
    """Rows of the claim still "sending" (its lease lapsed, or something broke in between) go back to the queue as
    they were: nothing was tried, so nothing is counted."""
    try:
        Notification.objects.filter(claimed_by=held.token, state=NotificationState.SENDING).update(
            state=NotificationState.QUEUED, **_UNCLAIMED
        )
    except DatabaseError:
        log.warning("Could not give back claim %s; its lease will run out", held.token, exc_info=True)


def release_stale_claims(*, now=None):
    """Give back to the queue the rows whose lease ran out: their worker died, or stopped renewing and sending.
    A live worker renews its lease every third of its length, so its rows are never given back.

    Judged on the database's clock, on which leases are written (``now`` only for tests that move time)."""
    return Notification.objects.filter(state=NotificationState.SENDING, lease_until__lt=now or Now()).update(
        state=NotificationState.QUEUED, **_UNCLAIMED
    )


def resend(notification):
    """Staff put a failed row back in the queue, with a fresh count of attempts."""
    updated = Notification.objects.filter(pk=notification.pk, state=NotificationState.FAILED).update(
        state=NotificationState.QUEUED, attempts=0, send_after=timezone.now(), **_UNCLAIMED
    )
    if updated:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return bool(updated)
