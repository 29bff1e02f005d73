"""The journey's workflows: the agency invites councils, a council accepts and gets its segment's Program, the
sending council writes the hand-over note for the next one."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from councils.changes import note_change
from councils.enums import StaffRole
from journeys.enums import NationalProgramStatus, SegmentState
from journeys.models import HandOver, Segment, Traveller
from lifecycle.services import add_task, complete_task, sync_checklist
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email
from programs.enums import ProgramStatus, ProgramType
from programs.models import Participant, Program, Sponsor, Stop

# How long before leaving the sending council's task to write the hand-over note falls due.
HAND_OVER_LEAD = dt.timedelta(days=1)


class SegmentNotOpen(Exception):
    """The segment was already answered (by someone else meanwhile, or earlier)."""


class StaleEdit(Exception):
    """The record changed since the form was opened; nothing was written."""


def _audit(*, request, user, action, obj, council, details=None):
    """An audit event in the transaction of the action; from a request when there is one (its address), else the
    user's own (the demo and the shell)."""
    if request is not None:
        return record(request=request, action=action, obj=obj, council=council, details=details)
    return AuditEvent.objects.create(
        council=council,
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        details=details or {},
    )


# The agency's side


def create_national_program(*, agency, form, segment_formset, user, now=None):
    """Save a valid national program form and its route, then invite the council of every segment."""
    with transaction.atomic():
        national_program = form.save(commit=False)
        national_program.agency = agency
        national_program.created_by = user
        national_program.status = NationalProgramStatus.INVITING
        national_program.save()
        segment_formset.instance = national_program
        segments = segment_formset.save()
        for segment in sorted(segments, key=lambda s: s.order):
            invite_segment(segment=segment, now=now)
    return national_program


def invite_segment(*, segment, now=None):
    """Ask the segment's council to build it: the invitation shows on the council's dashboard (its data version
    moves with the segment) and every admin of the council gets an email."""
    segment.invited_at = now or timezone.now()
    segment.state = SegmentState.INVITED
    segment.save(update_fields=["invited_at", "state", "updated_at"])
    admins = (
        get_user_model()
        .objects.filter(membership__council_id=segment.council_id, membership__role=StaffRole.ADMIN, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    national_program = segment.national_program
    for admin in admins:
        queue_email(
            council=segment.council,
            kind=NotificationKind.OTHER,
            recipient_type=RecipientType.STAFF,
            recipient_id=admin.pk,
            recipient_name=admin.get_full_name() or admin.username,
            recipient_email=admin.email,
            language=settings.LANGUAGE_CODE,
            template="journeys/email/segment_invitation",
            context={
                "segment": segment,
                "national_program": national_program,
                "agency": national_program.agency,
                "answer_url": settings.SITE_URL + reverse("journeys:answer", kwargs={"segment_id": segment.pk}),
            },
            # One invitation per segment and sending: inviting again after a decline writes a new one.
            dedupe_key=f"segment-invitation:{segment.pk}:{segment.invited_at.timestamp():.0f}:{admin.pk}",
        )


def add_traveller(*, national_program, form):
    """A new traveller of the national program, who joins the delegation of every segment already accepted."""
    with transaction.atomic():
        traveller = form.save(commit=False)
        traveller.national_program = national_program
        traveller.save()
        for segment in national_program.segments.filter(program__isnull=False).select_related("program"):
            _participant_for(traveller, segment.program)
    return traveller


def _split_name(full_name):
    first, _sep, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _participant_for(traveller, program):
    """The traveller's participant in a council's program: the one already linked, else one of the same name (a
    program built before it was linked), else a new one."""
    existing = Participant.objects.filter(program=program, traveller=traveller).first()
    if existing is not None:
        return existing
    first_name, last_name = _split_name(traveller.full_name)
    same_name = (
        Participant.objects.filter(
            program=program, traveller__isnull=True, first_name__iexact=first_name, last_name__iexact=last_name
        )
        .order_by("pk")
        .first()
    )
    if same_name is not None:
        same_name.traveller = traveller
        same_name.save(update_fields=["traveller"])
        return same_name
    return Participant.objects.create(
        program=program,
        traveller=traveller,
        first_name=first_name,
        last_name=last_name,
        country=traveller.country,
        role=traveller.role,
        organization=traveller.organization,
        preferred_language=traveller.language,
        email=traveller.email,
        phone=traveller.phone,
        dietary_needs=traveller.dietary_needs,
        accessibility_needs=traveller.accessibility_needs,
        bio=traveller.bio,
        share_bio=traveller.share_bio,
        share_contact=traveller.share_contact,
        media_consent=traveller.media_consent,
        notifications_opt_out=traveller.notifications_opt_out,
    )


# The council's answer


def _sponsor_for(council, agency):
    """The council's address-book entry for the agency (made on its first program from the agency)."""
    sponsor = Sponsor.objects.filter(council=council, agency=agency).first()
    if sponsor is None:
        sponsor, _created = Sponsor.objects.get_or_create(council=council, name=agency.name[:200])
        if sponsor.agency_id is None:
            sponsor.agency = agency
            sponsor.save(update_fields=["agency"])
    return sponsor


def accept_segment(*, segment_id, council, user, program=None, request=None, now=None):
    """The council accepts to build its segment.

    1. Lock the segment (two admins answering at once: the second finds it answered and gets ``SegmentNotOpen``).
    2. Create the council's Program for it, with one Stop for the city, dates and zone (or link ``program``, an
       existing program of the council for the same visit), its checklist, and a participant for every traveller.
    3. Add the hand-over tasks with the neighbouring segments already accepted, and record the answer.
    """
    now = now or timezone.now()
    with transaction.atomic():
        segment = (
            Segment.objects.select_for_update(of=("self",))
            .select_related("national_program__agency", "council")
            .get(pk=segment_id, council=council)
        )
        if segment.state != SegmentState.INVITED:
            raise SegmentNotOpen
        national_program = segment.national_program
        if program is None:
            program = Program.objects.create(
                council=council,
                title=national_program.title,
                program_type=ProgramType.IVLP,
                sponsor=_sponsor_for(council, national_program.agency),
                sponsor_reference=national_program.agency_reference,
                program_officer_name=(
                    national_program.created_by.get_full_name() if national_program.created_by else ""
                ),
                program_officer_email=national_program.agency.email,
                theme=national_program.theme,
                objectives=national_program.objectives,
                arrival_date=segment.starts_on,
                departure_date=segment.ends_on,
                status=ProgramStatus.PLANNING,
                accepted_on=timezone.localdate(now),
                coordinator=user if getattr(user, "membership", None) else None,
            )
            Stop.objects.create(
                program=program,
                city=segment.city,
                region=segment.region,
                start_date=segment.starts_on,
                end_date=segment.ends_on,
                time_zone=segment.time_zone,
            )
        for traveller in Traveller.objects.filter(national_program=national_program).order_by("pk"):
            _participant_for(traveller, program)
        sync_checklist(program)
        segment.program = program
        segment.state = SegmentState.ACCEPTED
        segment.answered_at = now
        segment.answered_by = user
        segment.save(update_fields=["program", "state", "answered_at", "answered_by", "updated_at"])
        _add_hand_over_tasks(segment)
        if national_program.status in (NationalProgramStatus.DRAFT, NationalProgramStatus.INVITING):
            national_program.status = NationalProgramStatus.PLANNING
            national_program.save(update_fields=["status", "updated_at"])
        _audit(
            request=request,
            user=user,
            action="accept segment",
            obj=segment,
            council=council,
            details={"national_program": national_program.pk, "program": program.pk},
        )
    return segment


def decline_segment(*, segment_id, council, user, reason="", request=None, now=None):
    with transaction.atomic():
        segment = Segment.objects.select_for_update(of=("self",)).get(pk=segment_id, council=council)
        if segment.state != SegmentState.INVITED:
            raise SegmentNotOpen
        segment.state = SegmentState.DECLINED
        segment.answered_at = now or timezone.now()
        segment.answered_by = user
        segment.decline_reason = reason
        segment.save(update_fields=["state", "answered_at", "answered_by", "decline_reason", "updated_at"])
        _audit(request=request, user=user, action="decline segment", obj=segment, council=council)
    return segment


def set_segment_state(*, segment, state):
    """The council says where its segment stands (building, confirmed); the agency's overview shows it."""
    if segment.state in (SegmentState.INVITED, SegmentState.DECLINED):
        raise SegmentNotOpen
    segment.state = state
    segment.save(update_fields=["state", "updated_at"])
    return segment


def _neighbours(segment):
    segments = list(Segment.objects.filter(national_program_id=segment.national_program_id).select_related("program"))
    segments.sort(key=lambda s: s.order)
    index = next(i for i, s in enumerate(segments) if s.pk == segment.pk)
    previous = segments[index - 1] if index > 0 else None
    following = segments[index + 1] if index + 1 < len(segments) else None
    return previous, following


def _add_hand_over_tasks(segment):
    """A task for the sending council to write the note for the next city, and one for the receiving council to
    read it, each added once the council concerned has its program."""
    previous, following = _neighbours(segment)
    if following is not None:
        hand_over, _created = HandOver.objects.get_or_create(from_segment=segment)
        if hand_over.sending_task_id is None:
            hand_over.sending_task = add_task(
                program=segment.program,
                title=f"Write the hand-over note for {following.city}"[:200],
                due_date=segment.ends_on - HAND_OVER_LEAD,
            )
            hand_over.save(update_fields=["sending_task", "updated_at"])
    if previous is not None:
        hand_over, _created = HandOver.objects.get_or_create(from_segment=previous)
        if hand_over.receiving_task_id is None:
            hand_over.receiving_task = add_task(
                program=segment.program,
                title=f"Read the hand-over note from {previous.city}"[:200],
                due_date=segment.starts_on,
            )
            hand_over.save(update_fields=["receiving_task", "updated_at"])


# The hand-over


def next_segment(segment):
    return (
        Segment.objects.filter(national_program_id=segment.national_program_id, order__gt=segment.order)
        .select_related("council")
        .order_by("order")
        .first()
    )


def save_hand_over(*, segment, form, expected_version, user, request=None, now=None):
    """Save the note the segment's council writes for the next one and send it (the next council and the agency
    read it on their pages); a note changed since the form was opened is refused (``StaleEdit``)."""
    with transaction.atomic():
        hand_over, _created = HandOver.objects.get_or_create(from_segment=segment)
        hand_over = HandOver.objects.select_for_update().get(pk=hand_over.pk)
        if hand_over.version != expected_version:
            raise StaleEdit
        for name in form.Meta.fields:
            setattr(hand_over, name, form.cleaned_data[name])
        hand_over.written_by = user
        hand_over.sent_at = now or timezone.now()
        hand_over.version = F("version") + 1
        hand_over.save()
        hand_over.refresh_from_db()
        if hand_over.sending_task_id is not None:
            complete_task(task=hand_over.sending_task, user=user)
        following = next_segment(segment)
        if following is not None and following.program_id is not None:
            # The receiving council's pages (its checklist) show the note arrived.
            note_change(following.council_id)
        _audit(
            request=request,
            user=user,
            action="send hand-over note",
            obj=hand_over,
            council=segment.council,
            details={"fields": form.changed_data},
        )
    return hand_over


def mark_hand_over_read(*, hand_over, user):
    """The receiving council has read the note: its checklist task is done."""
    if hand_over.receiving_task_id is None:
        return False
    return complete_task(task=hand_over.receiving_task, user=user)
