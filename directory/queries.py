"""What the directory pages read; each function owns its joins so a page's query count stays fixed."""

from django.db.models import Count, Q

from directory.models import Contact, HostOrganization
from meetings.models import ItineraryItem


def organizations_for_council(council, *, search=""):
    """The council's host organisations with how many contacts and meetings each has."""
    queryset = HostOrganization.objects.filter(council=council)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(contacts__name__icontains=search)
        )
    return (
        queryset.annotate(
            contact_count=Count("contacts", distinct=True),
            meeting_count=Count("items", distinct=True),
        )
        .distinct()
        .order_by("name")
    )


def contacts_of(organization):
    return Contact.objects.filter(organization=organization).order_by("-active", "name")


def meetings_with(organization):
    """Every item of the council's programs hosted by the organisation or attended by one of its contacts."""
    return (
        ItineraryItem.objects.filter(program__council_id=organization.council_id)
        .filter(Q(host_organization=organization) | Q(contacts__organization=organization))
        .distinct()
        .select_related("program", "stop", "venue")
        .order_by("-starts_at", "-pk")
    )
