"""Querysets of the logistics pages; each owns its joins so a page's query count does not grow with its rows."""

from django.db.models import Prefetch

from logistics.models import Flight, HotelBooking, TransportVendor
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from programs.enums import Consent
from programs.models import Participant

# What a driver does not need to know about: ideas, declined and cancelled trips.
NOT_ON_THE_ROAD = (ItemStatus.IDEA, ItemStatus.DECLINED, ItemStatus.CANCELLED)


def participants_for_publication(program):
    """The only participants whose names may be published (newsletters, reports): those who said yes to media.

    Unknown consent counts as no.
    """
    return Participant.objects.filter(program=program, media_consent=Consent.YES).order_by("last_name", "first_name")


def stops_with_hotels(program):
    return program.stops.select_related("hotel").prefetch_related(
        Prefetch("hotel_bookings", queryset=HotelBooking.objects.select_related("participant"))
    )


def flights_for_program(program):
    return Flight.objects.filter(participant__program=program).select_related("participant").order_by("departs_at")


def vendors_for_program(program):
    """The transport vendors of the program's trips, each once."""
    return TransportVendor.objects.filter(items__program=program).distinct().order_by("name")


def vendor_sheet_items(program, vendor):
    """The trips and pick-ups one transport vendor drives for the program, by time."""
    return (
        ItineraryItem.objects.filter(program=program, transport_vendor=vendor)
        .exclude(status__in=NOT_ON_THE_ROAD)
        .select_related("stop", "venue")
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("last_name", "first_name")))
        .order_by("starts_at", "pk")
    )
