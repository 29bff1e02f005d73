"""A person's page for staff: a participant, a volunteer or a host contact, with what happened to and around them.

The timeline merges, newest first, the messages queued to them (the outbox), their use of their link (a
participant's last visit, a volunteer's last sign-in, a host's answers), the audit events about them, and the
changes to the itinerary items they take part in. Each source is read with one query of at most ``LIMIT`` rows,
so the page costs the same number of queries however long the person's history is.
"""

import dataclasses
import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from directory.models import Contact
from hospitality.models import Invitation, Volunteer
from meetings.models import ItemChange, ItineraryItem, MeetingRequest
from notifications.enums import AckAnswer, RecipientType
from notifications.models import Acknowledgement, Notification
from programs.models import Participant

# Rows read from each source; the item history is the longest, so the page shows its last 50 changes at most.
LIMIT = 50


@dataclasses.dataclass(frozen=True)
class Kind:
    model: type
    council_lookup: str
    recipient_type: str
    related: tuple = ()  # select_related of the person's own row


KINDS = {
    "participant": Kind(Participant, "program__council", RecipientType.PARTICIPANT, ("program",)),
    "volunteer": Kind(Volunteer, "council", RecipientType.VOLUNTEER, ("user",)),
    "contact": Kind(Contact, "organization__council", RecipientType.CONTACT, ("organization",)),
}


@dataclasses.dataclass
class Entry:
    at: dt.datetime
    source: str  # "message", "link", "audit", "item"
    title: str
    detail: str = ""
    state: str = ""
    who: str = ""
    item: ItineraryItem | None = None
    changes: dict = dataclasses.field(default_factory=dict)
    notification: Notification | None = None


def person_queryset(kind):
    spec = KINDS[kind]
    return spec.model.objects.select_related(*spec.related)


def _messages(council, spec, person):
    rows = (
        Notification.objects.filter(council=council, recipient_type=spec.recipient_type, recipient_id=person.pk)
        .only("pk", "kind", "subject", "state", "created_at", "sent_at", "recipient_email")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            at=row.sent_at or row.created_at,
            source="message",
            title=row.subject,
            detail=row.get_kind_display(),
            state=row.get_state_display(),
            notification=row,
        )
        for row in rows
    ]


def _audit_events(council, kind, person):
    about = Q(object_type=person._meta.label, object_id=str(person.pk))
    # Actions on what belongs to the person name them in their details.
    if kind == "participant":
        about |= Q(object_type="logistics.Flight", details__participant=person.pk)
    elif kind == "volunteer":
        about |= Q(object_type="hospitality.Invitation", details__volunteer=person.pk)
    elif kind == "contact":
        about |= Q(object_type="meetings.MeetingRequest", details__contact=person.pk)
    rows = AuditEvent.objects.filter(council=council).filter(about).order_by("-at", "-pk")[:LIMIT]
    return [
        Entry(
            at=row.at,
            source="audit",
            title=row.action,
            detail=f"{row.object_label}" if row.object_type != person._meta.label else "",
            who=row.username,
        )
        for row in rows
    ]


def _items_of(kind, person):
    """The items the person takes part in, as a subquery."""
    if kind == "participant":
        items = ItineraryItem.objects.filter(program_id=person.program_id).filter(
            Q(whole_group=True) | Q(participants=person)
        )
    elif kind == "volunteer":
        items = ItineraryItem.objects.filter(invitation__volunteer=person)
    else:
        items = ItineraryItem.objects.filter(Q(contacts=person) | Q(requests__contact=person))
    return items.values("pk")


def _item_changes(kind, person):
    rows = (
        ItemChange.objects.filter(item_id__in=_items_of(kind, person))
        .select_related("item", "user")
        .order_by("-at", "-pk")[:LIMIT]
    )
    return [
        Entry(
            at=row.at,
            source="item",
            title=row.item.title,
            detail=row.note,
            who=(row.user.get_full_name() or row.user.get_username()) if row.user else row.actor_label,
            item=row.item,
            changes=row.changes,
        )
        for row in rows
    ]


def _link_use(kind, person):
    """When the person used the link they were sent. No log of every visit is kept: a participant's last visit
    and a volunteer's last sign-in are shown; a host's answers from their links are each recorded."""
    if kind == "participant":
        if person.last_seen_at is None:
            return []
        return [Entry(at=person.last_seen_at, source="link", title=_("Last opened their personal link"))]
    if kind == "volunteer":
        entries = []
        if person.user is not None and person.user.last_login is not None:
            entries.append(Entry(at=person.user.last_login, source="link", title=_("Last signed in from their link")))
        answers = (
            Invitation.objects.filter(volunteer=person, responded_at__isnull=False)
            .select_related("slot__program")
            .order_by("-responded_at", "-pk")[:LIMIT]
        )
        entries += [
            Entry(
                at=invitation.responded_at,
                source="link",
                title=_("Answered an invitation: %(status)s") % {"status": invitation.get_status_display()},
                detail=f"{invitation.slot.program.title} · {invitation.slot}",
            )
            for invitation in answers
        ]
        return entries
    requests = (
        MeetingRequest.objects.filter(contact=person, responded_at__isnull=False)
        .select_related("item")
        .order_by("-responded_at", "-pk")[:LIMIT]
    )
    entries = [
        Entry(
            at=meeting_request.responded_at,
            source="link",
            title=_("Answered a meeting request: %(status)s") % {"status": meeting_request.get_status_display()},
            detail=meeting_request.item.title,
            item=meeting_request.item,
        )
        for meeting_request in requests
    ]
    acknowledgements = (
        Acknowledgement.objects.filter(recipient_type=RecipientType.CONTACT, recipient_id=person.pk, at__isnull=False)
        .exclude(answer=AckAnswer.NONE)
        .select_related("item")
        .order_by("-at", "-pk")[:LIMIT]
    )
    entries += [
        Entry(
            at=acknowledgement.at,
            source="link",
            title=_("Answered a change notice: %(answer)s") % {"answer": acknowledgement.get_answer_display()},
            detail=acknowledgement.item.title,
            item=acknowledgement.item,
        )
        for acknowledgement in acknowledgements
    ]
    return entries


def timeline(council, kind, person):
    """Everything above, newest first."""
    entries = [
        *_messages(council, KINDS[kind], person),
        *_link_use(kind, person),
        *_audit_events(council, kind, person),
        *_item_changes(kind, person),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
