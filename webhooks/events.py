"""Events for councils' own systems: built and queued in the transaction of the change that causes them.

Each event gets one id (a UUID) and one JSON body; every active endpoint of the council that asked for its type gets
an outbox row of its own (``notifications.services.queue_webhook``), deduplicated per endpoint and event id, and
delivered, retried and shown by the outbox like any message. The body is fixed when the event happens: a retry
sends the same bytes under the same id, so a receiver that saw the id already can ignore it.

Bodies carry ids, states and times, not people's names or contact details: a council's own systems can look
those up, and nothing personal leaves through a channel staff cannot erase.
"""

import datetime as dt
import json
import uuid

from django.utils import timezone

from meetings.enums import ItemStatus
from notifications.services import queue_webhook
from webhooks.enums import WebhookEvent
from webhooks.models import WebhookEndpoint


def _time(value):
    """In UTC, whatever zone the caller's value is in: the stop's zone is in the body for local clocks."""
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def item_data(item):
    return {
        "id": item.pk,
        "program_id": item.program_id,
        "kind": item.kind,
        "status": item.status,
        "title": item.title,
        "stop": {"id": item.stop_id, "city": item.stop.city, "time_zone": item.stop.time_zone},
        "starts_at": _time(item.starts_at),
        "ends_at": _time(item.ends_at),
        "venue_id": item.venue_id,
        "host_organization_id": item.host_organization_id,
        "version": item.version,
    }


def request_data(meeting_request):
    return {
        "id": meeting_request.pk,
        "item_id": meeting_request.item_id,
        "contact_id": meeting_request.contact_id,
        "status": meeting_request.status,
        "responded_at": _time(meeting_request.responded_at),
        "proposed_starts_at": _time(meeting_request.proposed_starts_at),
        "proposed_ends_at": _time(meeting_request.proposed_ends_at),
    }


def invitation_data(invitation):
    return {
        "id": invitation.pk,
        "slot_id": invitation.slot_id,
        "volunteer_id": invitation.volunteer_id,
        "status": invitation.status,
        "responded_at": _time(invitation.responded_at),
    }


def body_of(*, event_id, event_type, occurred_at, council, program_id, data):
    """The bytes that are signed and sent: compact, keys sorted, so that the same event always reads the same."""
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "occurred_at": occurred_at.isoformat(),
            "council": {"id": council.pk, "slug": council.slug},
            "program_id": program_id,
            "data": data,
        },
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    )


def endpoints_for(council, event_type):
    return [e for e in WebhookEndpoint.objects.filter(council=council, is_active=True) if e.wants(event_type)]


def publish(*, council, program, event_type, data, endpoints=None):
    """Queue ``event_type`` for each active endpoint of ``council`` that asked for it (``endpoints`` when the caller
    looked them up already); returns the outbox rows.

    Call it inside the transaction of the change: the rows commit or roll back with it. A council without
    endpoints costs one query and queues nothing.
    """
    if endpoints is None:
        endpoints = endpoints_for(council, event_type)
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    body = body_of(
        event_id=event_id,
        event_type=event_type,
        occurred_at=timezone.now(),
        council=council,
        program_id=program.pk if program is not None else None,
        data=data,
    )
    return [
        queue_webhook(
            council=council, program=program, endpoint=endpoint, event_id=event_id, event_type=event_type, body=body
        )
        for endpoint in endpoints
    ]


def item_created(item):
    return publish(
        council=item.program.council, program=item.program, event_type=WebhookEvent.ITEM_CREATED, data=item_data(item)
    )


def items_created(items):
    """Copies saved together: the endpoints are looked up once per council, not once per copy."""
    endpoints = {}
    rows = []
    for item in items:
        council = item.program.council
        if council.pk not in endpoints:
            endpoints[council.pk] = endpoints_for(council, WebhookEvent.ITEM_CREATED)
        if endpoints[council.pk]:
            rows += publish(
                council=council,
                program=item.program,
                event_type=WebhookEvent.ITEM_CREATED,
                data=item_data(item),
                endpoints=endpoints[council.pk],
            )
    return rows


def item_changed(item, *, changed_fields):
    """``item.cancelled`` when this change cancelled it, ``item.changed`` otherwise; ``changed_fields`` are named."""
    cancelled = "status" in changed_fields and item.status == ItemStatus.CANCELLED
    event_type = WebhookEvent.ITEM_CANCELLED if cancelled else WebhookEvent.ITEM_CHANGED
    return publish(
        council=item.program.council,
        program=item.program,
        event_type=event_type,
        data={**item_data(item), "changed_fields": sorted(changed_fields)},
    )


def request_answered(meeting_request):
    item = meeting_request.item
    return publish(
        council=item.program.council,
        program=item.program,
        event_type=WebhookEvent.REQUEST_ANSWERED,
        data=request_data(meeting_request),
    )


def invitation_answered(invitation):
    program = invitation.slot.program
    return publish(
        council=program.council,
        program=program,
        event_type=WebhookEvent.INVITATION_ANSWERED,
        data=invitation_data(invitation),
    )
