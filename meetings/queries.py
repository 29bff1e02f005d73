"""Querysets of itinerary items that pages, feeds and messages read. Each owns its joins, so that a page's query
count is decided here and does not grow with the number of items."""

from django.db.models import Prefetch, Q

from directory.models import Contact
from meetings.models import ItineraryItem

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


def items_for_program(program):
    """The whole group view: every item of the program (interpreters, escorts, staff)."""
    queryset = ItineraryItem.objects.filter(program=program).prefetch_related("participants")
    return _with_visitor_joins(queryset.order_by("starts_at", "pk"))
