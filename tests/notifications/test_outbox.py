"""The outbox: written with the change, rendered in the recipient's language, sent once, retried on failure."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from notifications import services
from notifications.enums import NotificationKind, NotificationState, RecipientType
from notifications.models import Notification
from tests.factories import ItineraryItemFactory, NotificationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _queue_digest(program, *, language="en", key="digest"):
    return services.queue_email(
        council=program.council,
        program=program,
        kind=NotificationKind.STAFF_DIGEST,
        recipient_type=RecipientType.STAFF,
        recipient_name="Maya Lopez",
        recipient_email="maya@example.org",
        template="notifications/email/staff_digest",
        context={"program": program, "items": list(program.items.all())},
        dedupe_key=key,
        language=language,
    )


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def test_a_row_is_written_only_if_the_change_commits():
    program = ProgramFactory()

    def change_that_fails():
        with transaction.atomic():
            _queue_digest(program)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert Notification.objects.count() == 0


def test_the_same_purpose_is_queued_once():
    program = ProgramFactory(title="Combating Trafficking")

    first = _queue_digest(program, key="digest:1")
    second = _queue_digest(program, key="digest:1")

    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_queued_row_is_rendered_with_text_and_html():
    program = ProgramFactory(title="Combating Trafficking")
    ItineraryItemFactory(program=program, title="Meeting at the DA's office", status="requested")

    notification = _queue_digest(program)

    assert notification.subject == "Combating Trafficking: 1 item waits for confirmation"
    assert "Meeting at the DA&#x27;s office" in notification.body_html
    assert "Meeting at the DA's office (Requested)" in notification.body_text


def test_queued_row_is_handed_to_a_worker_after_commit(django_capture_on_commit_callbacks):
    program = ProgramFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        _queue_digest(program)

    assert len(callbacks) == 1


def test_delivering_sends_one_email_with_text_and_html_parts():
    notification = NotificationFactory(subject="Your schedule", body_text="Text part", body_html="<p>HTML part</p>")

    assert services.deliver(notification.pk) is True

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your schedule"
    assert mail.outbox[0].body == "Text part"
    assert mail.outbox[0].alternatives[0].content == "<p>HTML part</p>"
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"


def test_delivering_twice_sends_once():
    notification = NotificationFactory()

    results = [services.deliver(notification.pk), services.deliver(notification.pk)]

    assert results == [True, False]
    assert len(mail.outbox) == 1


def test_a_duplicated_sweep_sends_each_row_once():
    NotificationFactory.create_batch(3)

    sent = services.send_due() + services.send_due()

    assert sent == 3
    assert len(mail.outbox) == 3


def test_a_row_claimed_by_another_worker_is_not_sent_again():
    notification = NotificationFactory()
    assert services.claim(notification.pk)

    assert services.deliver(notification.pk) is False

    assert len(mail.outbox) == 0


def test_a_row_not_yet_due_waits():
    notification = NotificationFactory(send_after=timezone.now() + dt.timedelta(hours=1))

    assert services.send_due() == 0

    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED


@override_settings(EMAIL_BACKEND="tests.notifications.test_outbox.FailingBackend", NOTIFICATION_MAX_ATTEMPTS=3)
def test_a_failing_send_is_recorded_and_retried_with_backoff():
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        notification = NotificationFactory()

        services.deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED
    assert notification.attempts == 1
    assert notification.last_error == "ConnectionRefusedError: SMTP server refused the connection"
    assert notification.send_after == dt.datetime(2027, 3, 1, 12, 1, tzinfo=dt.UTC)


@override_settings(EMAIL_BACKEND="tests.notifications.test_outbox.FailingBackend", NOTIFICATION_MAX_ATTEMPTS=3)
def test_a_row_fails_for_good_after_the_last_attempt_and_keeps_its_error():
    notification = NotificationFactory()
    start = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)

    for minutes in (0, 2, 5):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            services.send_due()

    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.attempts == 3
    assert "refused" in notification.last_error


def test_a_retried_row_is_sent_once_the_backend_recovers():
    notification = NotificationFactory()
    with override_settings(EMAIL_BACKEND="tests.notifications.test_outbox.FailingBackend"):
        services.deliver(notification.pk)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        services.send_due()

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 2
    assert len(mail.outbox) == 1


def test_a_claim_abandoned_by_a_killed_worker_is_released():
    notification = NotificationFactory()
    services.claim(notification.pk)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        released = services.release_stale_claims(now=timezone.now())  # leases are judged on the database's clock

    notification.refresh_from_db()
    assert released == 1
    assert notification.state == NotificationState.QUEUED
