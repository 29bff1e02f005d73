"""Querysets of the staff pages about programs."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from meetings import conflicts as conflict_rules
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from programs.enums import ProgramStatus
from programs.models import Participant, Program, Stop

# Programs that are over or called off need no attention.
CLOSED_STATUSES = (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


def _count(queryset, by="program"):
    """A correlated count (one subquery per column, not a join that multiplies rows)."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def programs_for_council(council, search=""):
    """The council's programs with stops and the counts the dashboard shows, matching ``search`` (title, the
    sponsor's reference or a participant's name)."""
    programs = Program.objects.filter(council=council)
    if search:
        matching_participants = Participant.objects.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search)
        ).values("program_id")
        programs = programs.filter(
            Q(title__icontains=search) | Q(sponsor_reference__icontains=search) | Q(pk__in=matching_participants)
        )
    return (
        programs.select_related("sponsor")
        .prefetch_related("stops")
        .annotate(
            participant_count=_count(Participant.objects.filter(program=OuterRef("pk"))),
            item_count=_count(ItineraryItem.objects.filter(program=OuterRef("pk"))),
            unconfirmed_count=_count(
                ItineraryItem.objects.filter(program=OuterRef("pk"), status__in=[ItemStatus.IDEA, ItemStatus.REQUESTED])
            ),
            pending_request_count=_count(
                MeetingRequest.objects.filter(item__program=OuterRef("pk"), status=RequestStatus.PENDING),
                by="item__program",
            ),
        )
        .order_by("arrival_date", "title")
    )


def program_for_workspace(program):
    """One program with its stops (and hotels), participants and program staff, for its overview page."""
    return (
        Program.objects.filter(pk=program.pk)
        # ``segment``: the journey this program is one city of, if any (linked from the page).
        .select_related("council", "sponsor", "coordinator", "segment")
        .prefetch_related(
            Prefetch("stops", queryset=Stop.objects.select_related("hotel")),
            "participants",
            "program_staff",
        )
        .annotate(
            item_count=_count(ItineraryItem.objects.filter(program=OuterRef("pk"))),
            unconfirmed_count=_count(
                ItineraryItem.objects.filter(program=OuterRef("pk"), status__in=[ItemStatus.IDEA, ItemStatus.REQUESTED])
            ),
        )
        .get()
    )


@dataclass
class Dashboard:
    """The council's programs grouped for the home page. A program can be both in progress and need attention."""

    needing_attention: list
    in_progress: list
    upcoming: list
    closed: list


def _conflict_counts(council, open_programs):
    """``{program_id: items with a hard conflict}`` for the open programs.

    Judging every item of every open program is the most expensive thing the dashboard does, and its answer only
    changes when the council's data changes: it is kept under the council's data version
    (``meetings.conflicts.cached_judgement``, one query) and computed again only when that moves.
    """

    def compute():
        context = conflict_rules.load_context(council=council, programs=open_programs)
        found = conflict_rules.conflicts_by_item(context, {p.pk for p in open_programs})
        program_of = {booking.item_id: booking.program_id for booking in context.bookings}
        return dict(
            Counter(program_of[item_id] for item_id, conflicts in found.items() if conflict_rules.hard(conflicts))
        )

    parts = [",".join(str(p.pk) for p in open_programs)]
    return conflict_rules.cached_judgement(council=council, name="dashboard-counts", parts=parts, compute=compute)


def dashboard(council, *, today, search=""):
    """The dashboard in a constant number of queries: programs with counts, their stops, and what conflict
    detection loads (``meetings.conflicts.load_context``) for the open ones. Each program gets ``conflict_count``
    (items with a hard conflict)."""
    programs = list(programs_for_council(council, search))
    open_programs = [p for p in programs if p.status not in CLOSED_STATUSES and p.departure_date >= today]
    conflict_counts = _conflict_counts(council, open_programs)
    for program in programs:
        program.conflict_count = conflict_counts.get(program.pk, 0)
    return Dashboard(
        needing_attention=[
            p for p in open_programs if p.unconfirmed_count or p.pending_request_count or p.conflict_count
        ],
        in_progress=[p for p in open_programs if p.arrival_date <= today],
        upcoming=[p for p in open_programs if p.arrival_date > today],
        closed=[p for p in programs if p not in open_programs],
    )
