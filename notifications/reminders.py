"""Reminders that go out ahead of time: to host contacts before a confirmed meeting, to volunteers before a
home-hospitality dinner, and to the program coordinator about requests and invitations unanswered past their
deadline. Lead times are the council's; the dedupe keys make each reminder a single row however often the beat
task runs (a moved meeting or dinner is a new purpose and is reminded again).

A reminder that already went out is never repeated with an old time: when a confirmed item it was about moves,
the change notice to that host or volunteer says it corrects the reminder (``change_notices``), a reminder still
waiting in the outbox with the old details is cancelled, and the correction stands for the reminder of the new
time (``correction_prefix``), so that the host is not reminded twice of it.

What a host learns about the visitors is what they need and agreed to: the group's size, countries and languages,
and the bios of those who consented to share theirs. Volunteers learn their own guests' first names, countries,
languages and needs, nothing of the rest of the group.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from councils.models import Council
from exchange.countries import country_name, country_names
from exchange.languages import language_names
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, Invitation
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from notifications.services import queue_email
from programs.enums import ProgramStatus
from programs.models import Program

ACTIVE_PROGRAMS = (ProgramStatus.PLANNING, ProgramStatus.CONFIRMED, ProgramStatus.IN_PROGRESS)


def _stamp(moment):
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M")


def _language_names(codes, language):
    with translation.override(language):
        return sorted(set(language_names(codes)))


def _existing(keys):
    return set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))


# Corrections: a change notice that corrects a reminder already sent stands for the reminder of the new time.


def correction_prefix(item_id, recipient_type, recipient_id, starts_at):
    """The start of the dedupe key of every correction telling this person that the item now starts at
    ``starts_at``; ``change_notices`` appends the pending change it comes from."""
    return f"correction:{item_id}:{recipient_type}:{recipient_id}:{_stamp(starts_at)}:"


def _corrected(item_id, recipient_type, recipient_ids, starts_at):
    """Which of ``recipient_ids`` were already sent a correction giving this start time (one query)."""
    prefixes = {pk: correction_prefix(item_id, recipient_type, pk, starts_at) for pk in recipient_ids}
    if not prefixes:
        return set()
    query = Q()
    for prefix in prefixes.values():
        query |= Q(dedupe_key__startswith=prefix)
    keys = list(Notification.objects.filter(query).values_list("dedupe_key", flat=True))
    return {pk for pk, prefix in prefixes.items() if any(key.startswith(prefix) for key in keys)}


def host_reminder_prefix(item_id, contact_id):
    """The start of the dedupe keys of every host reminder of this item to this contact, whatever its time."""
    return f"host-reminder:{item_id}:{contact_id}:"


def volunteer_reminder_prefix(invitation_id):
    return f"volunteer-reminder:{invitation_id}:"


def queue_due(*, now=None):
    """Queue every reminder that has come due; returns how many rows were written. Safe to run any time."""
    now = now or timezone.now()
    queued = 0
    for council in Council.objects.all():
        queued += queue_host_reminders(council=council, now=now)
        queued += queue_volunteer_reminders(council=council, now=now)
        queued += queue_staff_reminders(council=council, now=now)
    return queued


# Host contacts


def host_reminder_key(item, contact):
    return f"{host_reminder_prefix(item.pk, contact.pk)}{_stamp(item.starts_at)}"


def queue_host_reminders(*, council, now):
    lead = dt.timedelta(hours=council.host_reminder_hours)
    items = (
        ItineraryItem.objects.filter(
            program__council=council,
            program__status__in=ACTIVE_PROGRAMS,
            status=ItemStatus.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + lead,
        )
        .select_related("program", "stop", "venue", "host_organization", "interpreter")
        .prefetch_related("contacts", "participants", "program__participants")
        .order_by("starts_at", "pk")
    )
    queued = 0
    for item in items:
        contacts = [contact for contact in item.contacts.all() if contact.email]
        done = _existing([host_reminder_key(item, contact) for contact in contacts])
        corrected = _corrected(item.pk, RecipientType.CONTACT, [contact.pk for contact in contacts], item.starts_at)
        for contact in contacts:
            if host_reminder_key(item, contact) in done or contact.pk in corrected:
                continue
            with transaction.atomic():
                queue_email(
                    council=council,
                    program=item.program,
                    kind=NotificationKind.HOST_REMINDER,
                    recipient_type=RecipientType.CONTACT,
                    recipient_id=contact.pk,
                    recipient_name=contact.name,
                    recipient_email=contact.email,
                    template="notifications/email/host_reminder",
                    context=host_reminder_context(item, contact),
                    dedupe_key=host_reminder_key(item, contact),
                    language=contact.preferred_language,
                )
            queued += 1
    return queued


def attendees(item):
    return list(item.program.participants.all() if item.whole_group else item.participants.all())


def host_reminder_context(item, contact):
    """What a host needs before the meeting. Bios only of visitors who consented (``share_bio``)."""
    visitors = attendees(item)
    interpreter = item.interpreter
    return {
        "contact": contact,
        "item": item,
        "program": item.program,
        "group_size": len(visitors),
        "countries": country_names((visitor.country for visitor in visitors), contact.preferred_language),
        "languages": _language_names([visitor.preferred_language for visitor in visitors], contact.preferred_language),
        "interpreter": interpreter,
        "shared_bios": [
            {
                "name": visitor.full_name,
                "country": country_name(visitor.country, contact.preferred_language) or visitor.country_as_typed,
                "role": visitor.role,
                "organization": visitor.organization,
                "bio": visitor.bio,
            }
            for visitor in visitors
            if visitor.share_bio and visitor.bio
        ],
        "council": item.program.council,
    }


# Volunteers


def volunteer_reminder_key(invitation):
    return f"{volunteer_reminder_prefix(invitation.pk)}{_stamp(invitation.slot.starts_at)}"


def queue_volunteer_reminders(*, council, now):
    lead = dt.timedelta(hours=council.volunteer_reminder_hours)
    invitations = list(
        Invitation.objects.filter(
            volunteer__council=council,
            status=InvitationStatus.ACCEPTED,
            slot__program__status__in=ACTIVE_PROGRAMS,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + lead,
        )
        .select_related("volunteer", "slot__program", "slot__stop")
        .order_by("slot__starts_at", "pk")
    )
    done = _existing([volunteer_reminder_key(invitation) for invitation in invitations])
    queued = 0
    for invitation in invitations:
        if volunteer_reminder_key(invitation) in done:
            continue
        if invitation.item_id is not None and _corrected(
            invitation.item_id, RecipientType.VOLUNTEER, [invitation.volunteer_id], invitation.slot.starts_at
        ):
            continue
        volunteer = invitation.volunteer
        with transaction.atomic():
            queue_email(
                council=council,
                program=invitation.slot.program,
                kind=NotificationKind.VOLUNTEER_REMINDER,
                recipient_type=RecipientType.VOLUNTEER,
                recipient_id=volunteer.pk,
                recipient_name=volunteer.contact_name,
                recipient_email=volunteer.email,
                template="notifications/email/volunteer_reminder",
                context=volunteer_reminder_context(invitation),
                dedupe_key=volunteer_reminder_key(invitation),
                language=volunteer.preferred_language,
            )
        queued += 1
    return queued


def volunteer_reminder_context(invitation):
    """The host's own guests: first names, countries, languages and needs (what hosting them requires)."""
    volunteer = invitation.volunteer
    assignments = GuestAssignment.objects.filter(invitation=invitation).select_related("participant")
    guests = [
        {
            "first_name": assignment.participant.first_name,
            "country": country_name(assignment.participant.country, volunteer.preferred_language)
            or assignment.participant.country_as_typed,
            "language": _language_names([assignment.participant.preferred_language], volunteer.preferred_language)[0],
            "dietary_needs": assignment.participant.dietary_needs,
            "accessibility_needs": assignment.participant.accessibility_needs,
        }
        for assignment in assignments
    ]
    return {
        "volunteer": volunteer,
        "slot": invitation.slot,
        "program": invitation.slot.program,
        "guests": guests,
        "council": invitation.slot.program.council,
    }


# Council staff


def staff_reminder_key(program, day):
    return f"staff-reminder:{program.pk}:{day.isoformat()}"


def queue_staff_reminders(*, council, now):
    """One message a day per program to its coordinator while requests or invitations stay unanswered past their
    deadline (for meetings and dinners still ahead)."""
    today = now.astimezone(zoneinfo.ZoneInfo(council.time_zone)).date()
    programs = Program.objects.filter(council=council, status__in=ACTIVE_PROGRAMS).select_related("coordinator")
    queued = 0
    for program in programs:
        recipient_name, recipient_email = _coordinator(program, council)
        if not recipient_email or _existing([staff_reminder_key(program, today)]):
            continue
        requests = list(
            MeetingRequest.objects.filter(
                item__program=program, status=RequestStatus.PENDING, deadline__lt=now, item__starts_at__gt=now
            )
            .select_related("item__stop", "contact__organization")
            .order_by("deadline", "pk")
        )
        invitations = list(
            Invitation.objects.filter(
                slot__program=program,
                status__in=(InvitationStatus.PENDING, InvitationStatus.EXPIRED),
                responded_at__isnull=True,
                expires_at__lt=now,
                slot__starts_at__gt=now,
            )
            .select_related("volunteer", "slot__stop")
            .order_by("expires_at", "pk")
        )
        if not requests and not invitations:
            continue
        with transaction.atomic():
            queue_email(
                council=council,
                program=program,
                kind=NotificationKind.STAFF_REMINDER,
                recipient_type=RecipientType.STAFF,
                recipient_id=program.coordinator_id,
                recipient_name=recipient_name,
                recipient_email=recipient_email,
                template="notifications/email/staff_reminder",
                context={
                    "program": program,
                    "requests": requests,
                    "invitations": invitations,
                    "overdue_count": len(requests) + len(invitations),
                    "council": council,
                },
                dedupe_key=staff_reminder_key(program, today),
                language=settings.LANGUAGE_CODE,
            )
        queued += 1
    return queued


def _coordinator(program, council):
    user = program.coordinator
    if user is not None and user.email:
        return user.get_full_name() or user.username, user.email
    return council.name, council.email
