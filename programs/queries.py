from django.db.models import Count, Q

from meetings.enums import ItemStatus
from programs.models import Program


def programs_for_council(council):
    """The council's programs with their stops and open-item counts, for the dashboard."""
    return (
        Program.objects.filter(council=council)
        .select_related("sponsor")
        .prefetch_related("stops")
        .annotate(
            participant_count=Count("participants", distinct=True),
            unconfirmed_count=Count(
                "items", filter=Q(items__status__in=[ItemStatus.IDEA, ItemStatus.REQUESTED]), distinct=True
            ),
        )
        .order_by("arrival_date", "title")
    )
