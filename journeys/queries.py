"""What the agency's and the councils' journey pages read, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from journeys.models import HandOver, NationalProgram, Segment, Traveller
from journeys.sharing import shared_hand_over, shared_segment, shared_traveller
from meetings.models import ItineraryItem


def national_programs_for_agency(agency):
    """The agency's national programs with their route (segments and councils) and how many travellers: two
    queries whatever their number."""
    return (
        NationalProgram.objects.filter(agency=agency)
        .annotate(traveller_count=Count("travellers", distinct=True))
        .prefetch_related(Prefetch("segments", queryset=Segment.objects.select_related("council").order_by("order")))
        .order_by("arrival_date", "title")
    )


def invitations_for_council(council):
    """Segments the council was invited to build and has not answered (its dashboard shows them)."""
    return (
        Segment.objects.filter(council=council, state="invited")
        .select_related("national_program__agency")
        .order_by("starts_on", "pk")
    )


@dataclass
class Journey:
    national_program: NationalProgram
    segments: list  # plain dicts (``journeys.sharing.shared_segment``), in route order
    travellers: list  # plain dicts
    hand_overs: list  # plain dicts of the notes sent, each with ``from_id``
    own: Segment | None = None  # the requesting council's segment (its model: the council's own data)
    own_note: HandOver | None = None  # the note the council writes for the next city
    incoming_note: HandOver | None = None  # the note addressed to the council (its read task)
    previous: dict | None = None  # the segment before the council's own
    following: dict | None = None  # the segment after the council's own


def _items_by_program(program_ids):
    """Every item of the segments' programs in one query, with what the whitelist reads (stop, host)."""
    items = (
        ItineraryItem.objects.filter(program_id__in=program_ids)
        .select_related("stop", "host_organization")
        .order_by("starts_at", "pk")
    )
    by_program = {}
    for item in items:
        by_program.setdefault(item.program_id, []).append(item)
    return by_program


def journey(national_program, *, council=None, for_agency=False):
    """The whole journey as ``council`` (or the agency) may see it. Five queries: segments (with councils and
    programs), items, travellers, hand-over notes, and nothing more however many cities, items or people."""
    segments = list(
        Segment.objects.filter(national_program=national_program).select_related("council", "program").order_by("order")
    )
    items = _items_by_program([s.program_id for s in segments if s.program_id])
    travellers = Traveller.objects.filter(national_program=national_program).order_by("full_name", "pk")
    notes = {
        h.from_segment_id: h
        for h in HandOver.objects.filter(from_segment__in=[s.pk for s in segments]).select_related("receiving_task")
    }
    shared = [shared_segment(s, items=items.get(s.program_id, []), for_agency=for_agency) for s in segments]
    own_index = next((i for i, s in enumerate(segments) if council is not None and s.council_id == council.pk), None)
    hand_overs = []
    for index, segment in enumerate(segments):
        following = segments[index + 1] if index + 1 < len(segments) else None
        # The agency reads every note; a council only the one addressed to it.
        if for_agency or (own_index is not None and index == own_index - 1):
            note = shared_hand_over(notes.get(segment.pk), from_segment=segment, to_segment=following)
            if note is not None:
                hand_overs.append({**note, "from_id": segment.pk})
    result = Journey(
        national_program=national_program,
        segments=shared,
        travellers=[shared_traveller(t) for t in travellers],
        hand_overs=hand_overs,
    )
    if own_index is not None:
        result.own = segments[own_index]
        result.own_note = notes.get(result.own.pk)
        result.incoming_note = notes.get(segments[own_index - 1].pk) if own_index > 0 else None
        result.previous = shared[own_index - 1] if own_index > 0 else None
        result.following = shared[own_index + 1] if own_index + 1 < len(shared) else None
    return result
