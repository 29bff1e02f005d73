"""Deliveries to a real HTTP receiver: signed, retried with the same event id, failed for good after the last
attempt, shown in the outbox and sent again from there."""

import datetime as dt
import json
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import services as outbox
from notifications.enums import NotificationState
from notifications.models import Notification
from tests.factories import ItineraryItemFactory
from tests.webhooks.conftest import make_endpoint
from tests.webhooks.receiver import Receiver
from tests.worker import closed_port
from webhooks import events, services, signing

pytestmark = pytest.mark.django_db


def _later(minutes):
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.fixture
def item(program, stop):
    return ItineraryItemFactory(program=program, stop=stop, title="Laredo legal aid clinic")


def test_an_event_reaches_the_receiver_once_with_a_valid_signature(item, endpoint, receiver):
    [row] = events.item_created(item)

    sent = outbox.send_due()
    outbox.send_due(now=_later(120))  # nothing is left to send, later either

    [request] = receiver.received
    event = json.loads(request.body)
    assert sent == 1
    assert signing.verify(endpoint.secret, request.body, request.headers["X-Exchange-Signature"])
    assert request.headers["X-Exchange-Signature"].startswith("sha256=")
    assert request.headers["X-Exchange-Event-Id"] == event["id"]
    assert request.headers["X-Exchange-Event"] == "item.created"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.body == row.body_text.encode()
    assert (event["type"], event["data"]["title"]) == ("item.created", "Laredo legal aid clinic")
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (NotificationState.SENT, 1, "")


def test_a_failed_first_attempt_is_retried_with_the_same_event_id(council, item, settings):
    settings.NOTIFICATION_RETRY_SECONDS = 60
    with Receiver(answers=[500]) as receiver:
        endpoint = make_endpoint(council, receiver.url)
        [row] = events.item_created(item)

        outbox.send_due()
        row.refresh_from_db()
        after_first = (row.state, row.attempts, row.last_error)
        outbox.send_due()  # the backoff has not passed: nothing is tried
        outbox.send_due(now=_later(2))

    first, second = receiver.received
    assert after_first == (NotificationState.QUEUED, 1, "DeliveryError: HTTP 500 Internal Server Error")
    assert first.headers["X-Exchange-Event-Id"] == second.headers["X-Exchange-Event-Id"]
    assert first.body == second.body
    assert signing.verify(endpoint.secret, second.body, second.headers["X-Exchange-Signature"])
    assert receiver.accepted_event_ids() == {json.loads(row.body_text)["id"]}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (NotificationState.SENT, 2, "")


def test_a_receiver_that_is_down_fails_after_the_last_attempt_and_is_sent_again_from_the_outbox(
    council, item, settings, admin_client
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with closed_port() as port:
        endpoint = make_endpoint(council, f"http://127.0.0.1:{port}/exchange-events", name="Case system")
        [row] = events.item_created(item)

        for minutes in (0, 2, 10, 30):
            outbox.send_due(now=_later(minutes))

        row.refresh_from_db()
        page = admin_client.get(reverse("notifications:outbox"), {"kind": "webhook", "state": "failed"})
        assert (row.state, row.attempts) == (NotificationState.FAILED, 3)
        assert row.last_error.startswith("DeliveryError: Cannot connect:")
        assert "Connection refused" in row.last_error
        shown = page.content.decode()
        assert f'<code class="webhook-url">http://127.0.0.1:{port}/exchange-events</code>' in shown
        assert "Connection refused" in shown
        assert list(page.context["page"]) == [row]

    with Receiver() as receiver:  # the council's system is back, at a new address staff put on the endpoint
        admin_client.post(
            reverse("webhooks:endpoint", args=[endpoint.pk]),
            {"name": "Case system", "url": receiver.url, "events": endpoint.events, "is_active": "on"},
        )
        admin_client.post(reverse("notifications:resend", args=[row.pk]))
        row.refresh_from_db()
        after_resend = (row.state, row.attempts, row.target_url)
        outbox.send_due()

    assert after_resend == (NotificationState.QUEUED, 0, receiver.url)
    [request] = receiver.received
    assert signing.verify(endpoint.secret, request.body, request.headers["X-Exchange-Signature"])
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)


def test_a_failing_endpoint_does_not_hold_back_the_next_one(council, item, receiver):
    with closed_port() as port:
        make_endpoint(council, f"http://127.0.0.1:{port}/down", name="Down")
        make_endpoint(council, receiver.url, name="Up")
        events.item_created(item)

        outbox.send_due()

    states = dict(Notification.objects.values_list("recipient_name", "state"))
    assert states == {"Down": NotificationState.QUEUED, "Up": NotificationState.SENT}
    assert len(receiver.received) == 1


def test_a_redirect_is_a_failed_attempt(council, item):
    with Receiver(answers=[302]) as receiver:
        make_endpoint(council, receiver.url)
        [row] = events.item_created(item)

        outbox.send_due()

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (NotificationState.QUEUED, 1, "DeliveryError: HTTP 302 Found")


def test_a_retry_after_rotation_is_signed_with_the_new_secret(council, item, rf, admin):
    with Receiver(answers=[503]) as receiver:
        endpoint = make_endpoint(council, receiver.url)
        events.item_created(item)
        outbox.send_due()
        request = rf.post("/")
        request.user = admin
        secret = services.rotate_secret(endpoint=endpoint, request=request)
        outbox.send_due(now=_later(2))

    first, second = receiver.received
    assert not signing.verify(secret, first.body, first.headers["X-Exchange-Signature"])
    assert signing.verify(secret, second.body, second.headers["X-Exchange-Signature"])


def test_private_addresses_are_refused_unless_allowed(item, endpoint, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    [row] = events.item_created(item)

    outbox.send_due()

    row.refresh_from_db()
    assert receiver.received == []
    assert row.last_error == ("DeliveryError: 127.0.0.1 resolves to a private address (127.0.0.1); not sent.")


def test_a_slow_receiver_times_out_as_a_failed_attempt(council, item, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        make_endpoint(council, f"http://127.0.0.1:{silent.getsockname()[1]}/slow")
        [row] = events.item_created(item)

        outbox.send_due()

    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.QUEUED, 1)
    assert "timed out" in row.last_error
