"""The querysets the API reads, each limited to one council; each decides its list's query count in one place."""

from django.db.models import Prefetch

from directory.models import Contact, HostOrganization, Venue
from hospitality.models import HospitalitySlot, Invitation, Volunteer
from meetings.models import ItineraryItem
from notifications.models import Notification
from programs.models import Participant, Program, Stop


def programs(council):
    return (
        Program.objects.filter(council=council)
        .select_related("sponsor")
        .prefetch_related(Prefetch("stops", queryset=Stop.objects.order_by("start_date", "pk")))
        .order_by("arrival_date", "pk")
    )


def participants(council):
    return Participant.objects.filter(program__council=council).order_by("program", "last_name", "first_name", "pk")


def items(council):
    return (
        ItineraryItem.objects.filter(program__council=council)
        .select_related("stop")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("pk")),
            Prefetch("participants", queryset=Participant.objects.only("pk")),
        )
        .order_by("starts_at", "pk")
    )


def item_to_write(council):
    """An item as the writers need it (its program and stop, to check new times)."""
    return ItineraryItem.objects.filter(program__council=council).select_related("program__council", "stop")


def host_organizations(council):
    return (
        HostOrganization.objects.filter(council=council)
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("name", "pk")))
        .order_by("name", "pk")
    )


def contacts(council):
    return Contact.objects.filter(organization__council=council).order_by("organization__name", "name", "pk")


def venues(council):
    return Venue.objects.filter(council=council).order_by("name", "pk")


def volunteers(council):
    return (
        Volunteer.objects.filter(council=council).prefetch_related("available_dates").order_by("household_name", "pk")
    )


def hospitality_slots(council):
    return HospitalitySlot.objects.filter(program__council=council).select_related("stop").order_by("starts_at", "pk")


def invitations(council):
    return (
        Invitation.objects.filter(slot__program__council=council)
        .prefetch_related("assignments")
        .order_by("slot", "created_at", "pk")
    )


def notifications(council):
    return Notification.objects.filter(council=council).order_by("-created_at", "-pk")
