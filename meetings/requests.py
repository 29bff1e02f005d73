"""Meeting requests: staff ask a host contact for an item; the contact answers from a signed link, without an account.

The link's token names the request only; whether it still works is decided here from the request's state:
it stops working once the request is withdrawn or closed by an answer (accepted, declined), when its item is
cancelled, and a day after the later of the deadline and the meeting's start. A proposal of another time keeps
the request open until staff accept it (or the contact answers again).

Every answer that moves the item is recorded as an ``ItemChange``, raises the item's ``version`` (so a staff
form loaded before is refused as stale) and, when time or status change, its ``sequence``; the change-notice hook
hears of it in the same transaction.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils.changes import note_change
from meetings import services as item_services
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email
from webhooks import events as webhook_events

SALT = "exchange.meeting-request"
# A late answer is still welcome until a day after the deadline or the meeting's start, whichever is later.
VALID_AFTER = dt.timedelta(days=1)
# The one reminder goes out when a request is still pending this long before its deadline.
REMIND_BEFORE_DEADLINE = dt.timedelta(days=1)
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.PROPOSED, RequestStatus.EXPIRED)


class Answer:
    ACCEPT = "accept"
    DECLINE = "decline"
    PROPOSE = "propose"


class RequestClosed(Exception):
    """The request can no longer be answered or acted on (answered, withdrawn, or its item cancelled)."""


# Links


def make_token(meeting_request):
    return signing.dumps(["r", meeting_request.pk], salt=SALT, compress=False)


def respond_url(meeting_request):
    return settings.SITE_URL + reverse("meeting_requests:respond", kwargs={"token": make_token(meeting_request)})


def link_expires_at(meeting_request):
    return max(meeting_request.deadline, meeting_request.item.starts_at) + VALID_AFTER


def is_open(meeting_request):
    return meeting_request.status in OPEN_STATUSES and meeting_request.item.status != ItemStatus.CANCELLED


def resolve_token(token, *, now=None):
    """The request a token grants an answer to, or None if forged, expired, withdrawn or already answered."""
    try:
        code, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if code != "r":
        return None
    meeting_request = (
        MeetingRequest.objects.select_related(
            "contact__organization", "item__program__council", "item__stop", "item__venue", "item__interpreter"
        )
        .filter(pk=pk)
        .first()
    )
    if meeting_request is None or not is_open(meeting_request):
        return None
    if (now or timezone.now()) > link_expires_at(meeting_request):
        return None
    return meeting_request


# Recording item changes


def _change_item(item, *, user=None, actor_label="", extra_changes=None, **fields):
    """Change the item through the item service (history, version, SEQUENCE, notices), recording the request's
    own step with it. A request's step is applied as given: staff see any conflict on the calendar."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("A meeting request's step is recorded as given; conflicts show on the calendar.")
    outcome = item_services.change_item(
        item=item,
        data=fields,
        actor=user,
        actor_label=actor_label,
        judge=False,
        not_judged_because=reason,
        events={name: [str(old), str(new)] for name, (old, new) in (extra_changes or {}).items()},
    )
    return outcome.item


def _locked_item(item_id):
    return ItineraryItem.objects.select_for_update().select_related("program__council", "stop").get(pk=item_id)


def _locked_request(request_id):
    return MeetingRequest.objects.select_for_update().select_related("contact__organization").get(pk=request_id)


# Messages


def _queue_to_contact(meeting_request, *, kind, template, dedupe_key):
    item = meeting_request.item
    contact = meeting_request.contact
    return queue_email(
        council=item.program.council,
        program=item.program,
        kind=kind,
        recipient_type=RecipientType.CONTACT,
        recipient_id=contact.pk,
        recipient_name=contact.name,
        recipient_email=contact.email,
        language=contact.preferred_language,
        template=template,
        context={
            "meeting_request": meeting_request,
            "item": item,
            "program": item.program,
            "stop": item.stop,
            "contact": contact,
            "council": item.program.council,
            "respond_url": respond_url(meeting_request),
        },
        dedupe_key=dedupe_key,
    )


def _queue_answer_to_staff(meeting_request):
    """The program coordinator (or whoever sent the request) hears of each answer."""
    item = meeting_request.item
    recipient = item.program.coordinator or meeting_request.sent_by
    if recipient is None or not recipient.email:
        return None
    return queue_email(
        council=item.program.council,
        program=item.program,
        kind=NotificationKind.REQUEST_ANSWER,
        recipient_type=RecipientType.STAFF,
        recipient_id=recipient.pk,
        recipient_name=recipient.get_full_name() or recipient.username,
        recipient_email=recipient.email,
        language=settings.LANGUAGE_CODE,
        template="meetings/email/request_answer",
        context={
            "meeting_request": meeting_request,
            "item": item,
            "program": item.program,
            "stop": item.stop,
            "contact": meeting_request.contact,
            "requests_url": settings.SITE_URL
            + reverse("meeting_requests:list", kwargs={"program_id": item.program_id}),
        },
        dedupe_key=f"meeting-request:{meeting_request.pk}:answer:{meeting_request.status}:"
        f"{meeting_request.responded_at:%Y%m%dT%H%M%S.%f}",
    )


# Workflows


def send_request(*, item, contact, deadline, message="", user=None, now=None):
    """Ask ``contact`` to host ``item``: the request, the item's new status and the email commit together."""
    now = now or timezone.now()
    if contact.organization.council_id != item.program.council_id:
        raise ValidationError(_("This contact is not in your council's directory."), code="other_council")
    if not contact.email:
        raise ValidationError(_("This contact has no email address."), code="no_email")
    if deadline <= now:
        raise ValidationError(_("The answer-by date must be in the future."), code="deadline_past")
    with transaction.atomic():
        item = _locked_item(item.pk)
        if item.status == ItemStatus.CANCELLED:
            raise ValidationError(_("The item is cancelled."), code="cancelled")
        meeting_request = MeetingRequest.objects.create(
            item=item, contact=contact, deadline=deadline, message=message, sent_by=user
        )
        fields = {}
        if item.status in (ItemStatus.IDEA, ItemStatus.DECLINED):
            fields["status"] = ItemStatus.REQUESTED
        if item.host_organization_id is None:
            fields["host_organization"] = contact.organization
        extra = {}
        contacts = list(item.contacts.all())
        if contact not in contacts:
            fields["contacts"] = [*contacts, contact]
        with translation.override(settings.LANGUAGE_CODE):
            extra["meeting_request"] = ["", _("sent to %(name)s") % {"name": contact.name}]
        meeting_request.item = _change_item(item, user=user, extra_changes=extra, **fields)
        _queue_to_contact(
            meeting_request,
            kind=NotificationKind.MEETING_REQUEST,
            template="meetings/email/meeting_request",
            dedupe_key=f"meeting-request:{meeting_request.pk}:request",
        )
    return meeting_request


def answer_request(*, meeting_request, answer, note="", proposed_starts_at=None, proposed_ends_at=None, now=None):
    """The host contact's answer: accepted confirms the item, declined declines it, a proposal waits for staff."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting_request = _locked_request(meeting_request.pk)
        item = _locked_item(meeting_request.item_id)
        meeting_request.item = item
        if not is_open(meeting_request):
            raise RequestClosed
        old_label = RequestStatus(meeting_request.status).label
        meeting_request.status = {
            Answer.ACCEPT: RequestStatus.ACCEPTED,
            Answer.DECLINE: RequestStatus.DECLINED,
            Answer.PROPOSE: RequestStatus.PROPOSED,
        }[answer]
        meeting_request.responded_at = now
        meeting_request.response_note = note
        if answer == Answer.PROPOSE:
            meeting_request.proposed_starts_at = proposed_starts_at
            meeting_request.proposed_ends_at = proposed_ends_at
        else:
            meeting_request.proposed_starts_at = meeting_request.proposed_ends_at = None
        meeting_request.save(
            update_fields=["status", "responded_at", "response_note", "proposed_starts_at", "proposed_ends_at"]
        )
        fields = {}
        if answer == Answer.ACCEPT:
            fields["status"] = ItemStatus.CONFIRMED
        elif answer == Answer.DECLINE:
            fields["status"] = ItemStatus.DECLINED
        extra = {"meeting_request": [old_label, RequestStatus(meeting_request.status).label]}
        if answer == Answer.PROPOSE:
            with translation.override(settings.LANGUAGE_CODE):
                extra["proposed_time"] = [
                    "",
                    f"{item_services.display_time(proposed_starts_at, item.stop.time_zone)} – "
                    f"{item_services.display_time(proposed_ends_at, item.stop.time_zone)}",
                ]
        meeting_request.item = _change_item(
            item, actor_label=meeting_request.contact.name, extra_changes=extra, **fields
        )
        _queue_answer_to_staff(meeting_request)
        webhook_events.request_answered(meeting_request)
    return meeting_request


def accept_proposal(*, meeting_request, user, override_reason=""):
    """Staff take the time the contact proposed: the item moves there and is confirmed; the contact is told.

    The move goes through the item service, so it is recorded and judged like any edit: hard conflicts at the
    new time raise ``ConflictsNeedOverride`` (and nothing changes) unless staff give a reason.
    """
    with transaction.atomic():
        meeting_request = _locked_request(meeting_request.pk)
        item = _locked_item(meeting_request.item_id)
        if meeting_request.status != RequestStatus.PROPOSED or item.status == ItemStatus.CANCELLED:
            raise RequestClosed
        item, _conflicts = item_services.update_item(
            item=item,
            data={
                "starts_at": meeting_request.proposed_starts_at,
                "ends_at": meeting_request.proposed_ends_at,
                "status": ItemStatus.CONFIRMED,
            },
            expected_version=item.version,
            user=user,
            override_reason=override_reason,
        )
        meeting_request.status = RequestStatus.ACCEPTED
        meeting_request.save(update_fields=["status"])
        meeting_request.item = item
        _queue_to_contact(
            meeting_request,
            kind=NotificationKind.MEETING_REQUEST,
            template="meetings/email/proposal_accepted",
            dedupe_key=f"meeting-request:{meeting_request.pk}:proposal-accepted",
        )
    return meeting_request


def withdraw_request(*, meeting_request, user):
    """Staff take a request back; its link stops working at once."""
    with transaction.atomic():
        meeting_request = _locked_request(meeting_request.pk)
        if meeting_request.status not in OPEN_STATUSES:
            raise RequestClosed
        meeting_request.status = RequestStatus.WITHDRAWN
        meeting_request.save(update_fields=["status"])
        item = _locked_item(meeting_request.item_id)
        _change_item(
            item,
            user=user,
            extra_changes={"meeting_request": [meeting_request.contact.name, RequestStatus.WITHDRAWN.label]},
        )
    return meeting_request


def send_due_reminders(*, now=None, limit=200):
    """One reminder per request still pending a day before its deadline. Safe to run any number of times:
    the conditional update of ``reminded_at`` and the dedupe key let only one run queue it."""
    now = now or timezone.now()
    due = list(
        MeetingRequest.objects.filter(
            status=RequestStatus.PENDING,
            reminded_at__isnull=True,
            deadline__gt=now,
            deadline__lte=now + REMIND_BEFORE_DEADLINE,
        )
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for request_id in due:
        with transaction.atomic():
            claimed = MeetingRequest.objects.filter(
                pk=request_id, status=RequestStatus.PENDING, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            meeting_request = MeetingRequest.objects.select_related(
                "contact__organization", "item__program__council", "item__stop", "item__venue"
            ).get(pk=request_id)
            note_change(meeting_request.item.program.council_id)
            _queue_to_contact(
                meeting_request,
                kind=NotificationKind.HOST_REMINDER,
                template="meetings/email/request_reminder",
                dedupe_key=f"meeting-request:{request_id}:reminder",
            )
            sent += 1
    return sent


def expire_overdue(*, now=None, limit=500):
    """Pending requests past their deadline become "no answer by the deadline" (a late answer is still taken)."""
    now = now or timezone.now()
    due = dict(
        MeetingRequest.objects.filter(status=RequestStatus.PENDING, deadline__lte=now)
        .order_by("pk")
        .values_list("pk", "item__program__council_id")[:limit]
    )
    expired = MeetingRequest.objects.filter(pk__in=list(due), status=RequestStatus.PENDING).update(
        status=RequestStatus.EXPIRED
    )
    if expired:
        # The council of a request answered in between (so not expired) moves too: one needless page build.
        for council_id in set(due.values()):
            note_change(council_id)
    return expired
