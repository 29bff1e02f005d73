"""Each change a council's systems asked for becomes one event, queued in the outbox with the change."""

import datetime as dt
import json

import pytest
from django.db import transaction

from hospitality import services as hospitality
from meetings import requests as meeting_requests
from meetings import services as items
from meetings.enums import ItemKind, ItemStatus
from notifications.enums import NotificationChannel, NotificationKind, NotificationState
from notifications.models import Notification
from notifications.services import queue_webhook
from tests.factories import PROGRAM_START, InvitationFactory, ItineraryItemFactory, MeetingRequestFactory, local
from tests.webhooks.conftest import make_endpoint
from webhooks import events
from webhooks.enums import WebhookEvent

pytestmark = pytest.mark.django_db

DAY = PROGRAM_START + dt.timedelta(days=1)


def _item_data(stop, **changes):
    return {
        "title": "Bexar County District Attorney's Office",
        "kind": ItemKind.MEETING,
        "status": ItemStatus.IDEA,
        "stop": stop,
        "starts_at": local(DAY, 14),
        "ends_at": local(DAY, 15),
        "whole_group": True,
        "participants": [],
        "contacts": [],
        **changes,
    }


def _events():
    return [json.loads(row.body_text) for row in Notification.objects.filter(channel="webhook").order_by("pk")]


def test_a_created_item_queues_one_event_with_its_data(council, program, stop, staff, endpoint, commit):
    with commit():
        item, _ = items.create_item(program=program, data=_item_data(stop), user=staff)

    row = Notification.objects.get(channel=NotificationChannel.WEBHOOK)
    event = json.loads(row.body_text)
    assert (row.kind, row.state, row.target_url, row.webhook_endpoint) == (
        NotificationKind.WEBHOOK,
        NotificationState.QUEUED,
        endpoint.url,
        endpoint,
    )
    assert row.dedupe_key == f"webhook:{endpoint.pk}:{event['id']}"
    assert event["type"] == "item.created"
    assert event["council"] == {"id": council.pk, "slug": "saciv"}
    assert event["program_id"] == program.pk
    assert event["data"]["id"] == item.pk
    assert event["data"]["title"] == "Bexar County District Attorney's Office"
    assert event["data"]["starts_at"] == "2027-03-02T20:00:00+00:00"
    assert event["data"]["stop"] == {"id": stop.pk, "city": "San Antonio", "time_zone": "America/Chicago"}


def test_a_change_and_a_cancellation_are_told_apart(program, stop, staff, endpoint):
    item = ItineraryItemFactory(program=program, stop=stop, status=ItemStatus.CONFIRMED)

    items.change_item(item=item, data={"starts_at": local(DAY, 10), "ends_at": local(DAY, 11)}, actor=staff)
    items.change_item(item=item, data={"status": ItemStatus.CANCELLED}, actor=staff)

    changed, cancelled = _events()
    assert (changed["type"], changed["data"]["changed_fields"]) == ("item.changed", ["ends_at", "starts_at"])
    assert (cancelled["type"], cancelled["data"]["status"]) == ("item.cancelled", "cancelled")
    assert changed["id"] != cancelled["id"]


def test_a_change_that_changes_nothing_sends_nothing(program, stop, staff, endpoint):
    item = ItineraryItemFactory(program=program, stop=stop)

    items.change_item(item=item, data={"title": item.title}, actor=staff)

    assert _events() == []


def test_a_hosts_answer_is_an_event(program, stop, endpoint):
    meeting_request = MeetingRequestFactory(item=ItineraryItemFactory(program=program, stop=stop))
    endpoint.events = [WebhookEvent.REQUEST_ANSWERED]
    endpoint.save()

    meeting_requests.answer_request(meeting_request=meeting_request, answer=meeting_requests.Answer.DECLINE)

    [event] = _events()
    assert event["type"] == "request.answered"
    assert event["data"]["id"] == meeting_request.pk
    assert event["data"]["status"] == "declined"


def test_a_volunteers_answers_are_events(council, program, stop, endpoint):
    first = InvitationFactory(slot__program=program, slot__stop=stop, volunteer__council=council)
    second = InvitationFactory(slot=first.slot, volunteer__council=council)
    endpoint.events = [WebhookEvent.INVITATION_ANSWERED]
    endpoint.save()

    hospitality.accept(invitation=first)
    hospitality.decline(invitation=second)

    assert [(e["type"], e["data"]["id"], e["data"]["status"]) for e in _events()] == [
        ("invitation.answered", first.pk, "accepted"),
        ("invitation.answered", second.pk, "declined"),
    ]


def test_each_endpoint_gets_only_the_events_it_asked_for(council, program, stop, staff, receiver):
    wants_all = make_endpoint(council, receiver.url, name="All")
    make_endpoint(council, receiver.url, name="Answers only", events=[WebhookEvent.REQUEST_ANSWERED])
    make_endpoint(council, receiver.url, name="Paused", is_active=False)

    items.create_item(program=program, data=_item_data(stop), user=staff)

    assert list(Notification.objects.filter(channel="webhook").values_list("webhook_endpoint", flat=True)) == [
        wants_all.pk
    ]


def test_an_event_for_a_council_without_endpoints_queues_nothing(
    program, stop, staff, other_council, receiver, django_assert_num_queries
):
    make_endpoint(other_council, receiver.url)
    item = ItineraryItemFactory(program=program, stop=stop)

    with django_assert_num_queries(1):  # the council's active endpoints: none
        queued = events.item_changed(item, changed_fields={"title"})
    items.create_item(program=program, data=_item_data(stop), user=staff)

    assert queued == []
    assert Notification.objects.filter(channel="webhook").count() == 0


def test_an_event_is_queued_once_per_endpoint_and_id(council, program, endpoint):
    first = queue_webhook(council=council, program=program, endpoint=endpoint, event_id="e1", event_type="x", body="{}")

    again = queue_webhook(council=council, program=program, endpoint=endpoint, event_id="e1", event_type="x", body="{}")

    assert again == first
    assert Notification.objects.filter(channel="webhook").count() == 1


def _create_then_fail(program, stop, staff):
    with transaction.atomic():
        items.create_item(program=program, data=_item_data(stop), user=staff)
        raise RuntimeError("a later step of the same change failed")


def test_an_event_rolls_back_with_its_change(program, stop, staff, endpoint):
    with pytest.raises(RuntimeError):
        _create_then_fail(program, stop, staff)

    assert _events() == []
