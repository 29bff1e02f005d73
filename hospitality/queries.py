"""Querysets that hospitality pages read. Each owns its joins, so a page's query count is decided here."""

import re

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q

from hospitality.enums import InvitationStatus, VettingStatus
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation, Volunteer, VolunteerAvailability

# Weekdays are stored as a JSON list of ISO numbers; at most seven distinct entries, so testing the seven
# positions works on every database (SQLite has no JSON "contains").
_MAX_WEEKDAYS = 7


def speaks_q(language):
    """Volunteers whose comma-separated ``languages`` include ``language`` (a code such as "es")."""
    return Q(languages__iregex=rf"(^|,)\s*{re.escape(language)}\s*(,|$)")


def available_on_q(day):
    """Volunteers usually free on ``day``'s weekday, or who offered that very date."""
    weekday = day.isoweekday()
    usual = Q()
    for position in range(_MAX_WEEKDAYS):
        usual |= Q(**{f"available_weekdays__{position}": weekday})
    offered = Exists(VolunteerAvailability.objects.filter(volunteer=OuterRef("pk"), date=day))
    return usual | Q(offered)


def with_last_hosted(queryset):
    """Annotate ``last_hosted_at``: the start of the latest slot the volunteer accepted (None if never)."""
    return queryset.annotate(
        last_hosted_at=Max("invitations__slot__starts_at", filter=Q(invitations__status=InvitationStatus.ACCEPTED))
    )


def volunteers_for_registry(council, *, q="", language="", available_on=None, min_guests=None, active=None):
    """The council's volunteers for the registry page and its CSV export, filtered."""
    volunteers = Volunteer.objects.filter(council=council)
    if q:
        volunteers = volunteers.filter(
            Q(household_name__icontains=q) | Q(contact_name__icontains=q) | Q(email__icontains=q) | Q(city__icontains=q)
        )
    if language:
        volunteers = volunteers.filter(speaks_q(language))
    if available_on:
        volunteers = volunteers.filter(available_on_q(available_on))
    if min_guests:
        volunteers = volunteers.filter(max_guests__gte=min_guests)
    if active is not None:
        volunteers = volunteers.filter(active=active)
    return volunteers.prefetch_related("available_dates").order_by("household_name", "pk")


def suggestion_candidates(slot, *, local_date):
    """Active, vetted volunteers of the slot's council, free that evening and not invited to this slot yet."""
    already_invited = Invitation.objects.filter(slot=slot, volunteer=OuterRef("pk"))
    return with_last_hosted(
        Volunteer.objects.filter(
            council_id=slot.program.council_id, active=True, vetting_status=VettingStatus.VETTED
        ).filter(available_on_q(local_date), ~Exists(already_invited))
    ).order_by("household_name", "pk")


def slots_for_board(program):
    """The program's slots with their counters and the invitations still waiting for an answer."""
    pending = Invitation.objects.filter(status=InvitationStatus.PENDING).select_related("volunteer")
    return (
        HospitalitySlot.objects.filter(program=program)
        .select_related("stop")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            guest_count=Count("assignments", distinct=True),
        )
        .prefetch_related(Prefetch("invitations", queryset=pending.order_by("pk"), to_attr="pending_invitations"))
        .order_by("starts_at", "pk")
    )


def invitations_of_slot(slot):
    """Every invitation of a slot with its volunteer and its guests (for the slot page)."""
    return (
        Invitation.objects.filter(slot=slot)
        .select_related("volunteer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=GuestAssignment.objects.select_related("participant").order_by("participant__first_name"),
            )
        )
        .order_by("status", "volunteer__household_name", "pk")
    )


def invitations_for_volunteer(volunteer):
    """A volunteer's own invitations, newest slot first, with their slot, stop and (own) guests."""
    return (
        Invitation.objects.filter(volunteer=volunteer)
        .select_related("slot", "slot__stop", "slot__program")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=GuestAssignment.objects.select_related("participant").order_by("participant__first_name"),
            )
        )
        .order_by("-slot__starts_at", "pk")
    )
