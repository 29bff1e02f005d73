"""Querysets of itinerary items that pages, feeds and messages read. Each owns its joins, so that a page's query
count is decided here and does not grow with the number of items."""

from django.db.models import Prefetch, Q

from directory.models import Contact
from meetings.models import ItemChange, ItineraryItem

_VISITOR_RELATED = ("stop", "venue", "host_organization", "interpreter", "transport_vendor")


def _with_visitor_joins(queryset):
    return queryset.select_related(*_VISITOR_RELATED).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("name"))
    )


def items_for_participant(participant):
    """What one visitor attends: whole-group items and the subset items they are in (cancelled ones included)."""
    queryset = ItineraryItem.objects.filter(program_id=participant.program_id).filter(
        Q(whole_group=True) | Q(participants=participant)
    )
    return _with_visitor_joins(queryset.distinct().order_by("starts_at", "pk"))


def items_for_participants(participants):
    """What one visitor attends across several programs (a journey through several councils): in the program of
    each of their participant rows, the whole-group items and the subset items that name the row."""
    queryset = ItineraryItem.objects.filter(
        Q(program_id__in={row.program_id for row in participants}, whole_group=True)
        | Q(participants__in=[row.pk for row in participants])
    )
    return _with_visitor_joins(queryset.distinct().order_by("starts_at", "pk"))


def items_for_program(program):
    """The whole group view: every item of the program (interpreters, escorts, staff)."""
    queryset = ItineraryItem.objects.filter(program=program).prefetch_related("participants")
    return _with_visitor_joins(queryset.order_by("starts_at", "pk"))


def items_for_stop(stop):
    """The calendar of one stop: its items (cancelled ones too, shown as such) with their venue."""
    return ItineraryItem.objects.filter(stop=stop).select_related("venue").order_by("starts_at", "pk")


def items_for_agenda(program):
    """The agenda: every item of the program with what its rows show."""
    return ItineraryItem.objects.filter(program=program).select_related("stop", "venue", "host_organization")


def item_for_page(item):
    """One item with everything its page shows; history newest first."""
    return (
        ItineraryItem.objects.filter(pk=item.pk)
        .select_related("program__council", "stop", "venue", "host_organization", "interpreter", "transport_vendor")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.select_related("organization").order_by("name")),
            "participants",
            Prefetch("changes", queryset=ItemChange.objects.select_related("user")),
        )
        .get()
    )
