"""The staff digest: what needs a coordinator's attention in a program, told as it stands when the message is SENT.

A digest is queued like any other message: ``queue_email`` renders it at once, so the outbox has something to show,
and it waits for the end of the council's quiet hours (it is not essential). Then, just before it goes out, the
delivery path renders it again from the data as it is by then (``refresh``, called by
``notifications.services``), in the recipient's language, and keeps that text on the row: a digest held until
07:00 must not say "Requested, 15:45" of a meeting that was confirmed at 16:15 in the evening.

What it says for one program (``context``), the same things the dashboard counts as needing attention:
- the items not confirmed yet (idea or requested) that have not ended;
- the meeting requests waiting for an answer (for items that have not ended), those past their deadline marked;
- the items with a conflict that blocks saving (the same judgement as the dashboard's and the calendar's).

Who gets it (``coordinators``): the program's coordinator, while they are staff of the program's council, else the
council's own address. Staff accounts carry no language of their own: staff messages are in the site's language
(``staff_language``), as every other message to staff is.

When (``queue_due``, run every few minutes by beat): once a day per open program that needs attention, when the
council's ``daily_schedule_time`` has come on the council's clock; the dedupe key (program, recipient, local day)
makes it one row a day however often the task runs.
"""

import dataclasses
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import Council, StaffMembership
from meetings import conflicts as conflict_rules
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import NotificationKind, NotificationState, RecipientType
from notifications.models import Notification
from notifications.services import queue_email, render_message
from programs.enums import ProgramStatus
from programs.models import Program

TEMPLATE = "notifications/email/staff_digest"
UNCONFIRMED = (ItemStatus.IDEA, ItemStatus.REQUESTED)
# Programs that are over or called off need no attention (as on the dashboard).
CLOSED = (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


# Who coordinates a program


def staff_language(user):
    """The language of messages to a staff member: staff accounts keep no language, so the site's. (The one place
    to change once they do.)"""
    return settings.LANGUAGE_CODE


@dataclasses.dataclass(frozen=True)
class StaffRecipient:
    name: str
    email: str
    language: str
    user_id: int | None = None  # None: the council's own address

    @property
    def recipient_type(self):
        return RecipientType.STAFF if self.user_id else RecipientType.OTHER

    @property
    def key(self):
        """Names the recipient in dedupe keys."""
        return f"user-{self.user_id}" if self.user_id else "council"


def coordinators(program):
    """Who hears about a program's business: its coordinator, if they are still active staff of the program's
    council and have an address; else the council's own address; else nobody (an empty list)."""
    if program.coordinator_id:
        membership = (
            StaffMembership.objects.filter(
                user_id=program.coordinator_id, council_id=program.council_id, user__is_active=True
            )
            .exclude(user__email="")
            .select_related("user")
            .first()
        )
        if membership is not None:
            user = membership.user
            return [
                StaffRecipient(
                    name=user.get_full_name() or user.username,
                    email=user.email,
                    language=staff_language(user),
                    user_id=user.pk,
                )
            ]
    council = program.council
    if council.email:
        return [StaffRecipient(name=council.name, email=council.email, language=settings.LANGUAGE_CODE)]
    return []


# What the digest says


def _conflicts(program, *, now):
    """[(item, [hard conflicts])] of the program's items that have not ended, in the active language."""
    found = conflict_rules.cached_conflicts_by_item(council=program.council, programs=[program])
    blocking = {item_id: conflict_rules.hard(found_for) for item_id, found_for in found.items()}
    blocking = {item_id: found_for for item_id, found_for in blocking.items() if found_for}
    if not blocking:
        return []
    items = (
        ItineraryItem.objects.filter(program=program, pk__in=list(blocking), ends_at__gt=now)
        .select_related("stop")
        .order_by("starts_at", "pk")
    )
    return [{"item": item, "conflicts": blocking[item.pk]} for item in items]


def context(program, *, language, now=None):
    """Everything the digest of ``program`` says at ``now``, in ``language`` (conflict messages are translated)."""
    now = now or timezone.now()
    items = list(
        ItineraryItem.objects.filter(program=program, status__in=UNCONFIRMED, ends_at__gt=now)
        .select_related("stop")
        .order_by("starts_at", "pk")
    )
    requests = list(
        MeetingRequest.objects.filter(item__program=program, status=RequestStatus.PENDING, item__ends_at__gt=now)
        .select_related("item__stop", "contact__organization")
        .order_by("deadline", "pk")
    )
    for meeting_request in requests:
        meeting_request.is_overdue = meeting_request.deadline < now
    with translation.override(language):
        conflicts = _conflicts(program, now=now)
    return {
        "program": program,
        "council": program.council,
        "items": items,
        "requests": requests,
        "conflicts": conflicts,
        "as_of": now,
        "time_zone": program.council.time_zone,
        "calendar_url": settings.SITE_URL + reverse("meetings:calendar", kwargs={"program_id": program.pk}),
        "requests_url": settings.SITE_URL + reverse("meeting_requests:list", kwargs={"program_id": program.pk}),
    }


def needs_attention(digest_context):
    return bool(digest_context["items"] or digest_context["requests"] or digest_context["conflicts"])


def render(program, *, language, now=None):
    """(subject, text, HTML) of the digest of ``program`` as it would be sent at ``now``."""
    return render_message(template=TEMPLATE, context=context(program, language=language, now=now), language=language)


# Queuing, and rendering again when sent


def queue_digest(*, program, recipient, dedupe_key, now=None):
    """Queue the digest of ``program`` for ``recipient`` (a ``StaffRecipient``); it is rendered again when sent."""
    return queue_email(
        council=program.council,
        program=program,
        kind=NotificationKind.STAFF_DIGEST,
        recipient_type=recipient.recipient_type,
        recipient_id=recipient.user_id,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        template=TEMPLATE,
        context=context(program, language=recipient.language, now=now),
        dedupe_key=dedupe_key,
        language=recipient.language,
        send_after=now,
        essential=False,
    )


def refresh(notification, *, now=None):
    """Render a staff digest row again from the data as it is now, in its language, and keep that text on the row
    (so the outbox shows what was sent). A row whose program is gone keeps the text it was queued with.

    Called by the delivery path on a row it has claimed, just before the message is built.
    """
    if notification.kind != NotificationKind.STAFF_DIGEST or notification.program_id is None:
        return notification
    program = Program.objects.select_related("council").filter(pk=notification.program_id).first()
    if program is None:
        return notification
    subject, body_text, body_html = render(program, language=notification.language, now=now)
    notification.subject, notification.body_text, notification.body_html = subject, body_text, body_html
    Notification.objects.filter(pk=notification.pk).update(subject=subject, body_text=body_text, body_html=body_html)
    return notification


def preview(notification, *, now=None):
    """What a row would say if it were sent now, as (subject, text, HTML); nothing is written.

    A staff digest still waiting is rendered from the current data; any other row (or a digest already sent)
    says what it holds.
    """
    waiting = notification.state not in (NotificationState.SENT, NotificationState.CANCELLED)
    if notification.kind == NotificationKind.STAFF_DIGEST and waiting and notification.program_id is not None:
        program = Program.objects.select_related("council").filter(pk=notification.program_id).first()
        if program is not None:
            return render(program, language=notification.language, now=now)
    return notification.subject, notification.body_text, notification.body_html


# The daily digest


def dedupe_key(program, recipient, day):
    return f"staff-digest:{program.pk}:{recipient.key}:{day.isoformat()}"


def open_programs(council, day):
    return (
        Program.objects.filter(council=council, departure_date__gte=day)
        .exclude(status__in=CLOSED)
        .select_related("council")
        .order_by("arrival_date", "pk")
    )


def queue_due(*, now=None):
    """Queue today's digest of each open program that needs attention, to its coordinators, once the council's
    ``daily_schedule_time`` has come on the council's clock. Returns how many rows were written; safe to run any
    time (one row per program, recipient and local day)."""
    now = now or timezone.now()
    queued = 0
    for council in Council.objects.all():
        local = now.astimezone(zoneinfo.ZoneInfo(council.time_zone))
        if local.time() < council.daily_schedule_time:
            continue
        day = local.date()
        for program in open_programs(council, day):
            recipients = coordinators(program)
            keys = {recipient: dedupe_key(program, recipient, day) for recipient in recipients}
            done = set(Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
            waiting = [recipient for recipient in recipients if keys[recipient] not in done]
            if not waiting or not needs_attention(context(program, language=waiting[0].language, now=now)):
                continue
            for recipient in waiting:
                with transaction.atomic():
                    queue_digest(program=program, recipient=recipient, dedupe_key=keys[recipient], now=now)
                queued += 1
    return queued
