"""What the meeting-request pages read; each function owns its joins so a page's query count stays fixed."""

from django.db.models import Prefetch

from exchange.countries import country_names
from exchange.languages import language_names
from meetings.models import ItineraryItem, MeetingRequest
from programs.models import Participant


def items_with_requests(program):
    """The program's items that have requests, each with its requests (newest first), contacts joined."""
    requests = MeetingRequest.objects.select_related("contact__organization", "sent_by").order_by("-created_at", "-pk")
    return (
        ItineraryItem.objects.filter(program=program, requests__isnull=False)
        .distinct()
        .select_related("stop")
        .prefetch_related(Prefetch("requests", queryset=requests))
        .order_by("starts_at", "pk")
    )


def delegation_for_host(item):
    """What a host may know about who comes: size, countries, languages and only the bios people agreed to share."""
    people = (
        Participant.objects.filter(program_id=item.program_id)
        if item.whole_group
        else Participant.objects.filter(items=item)
    )
    people = list(
        people.only(
            "first_name",
            "last_name",
            "country",
            "country_as_typed",
            "role",
            "organization",
            "bio",
            "share_bio",
            "preferred_language",
            "program_id",
        ).order_by("last_name", "first_name")
    )
    # Names in the active language (the contact's, on their page), in alphabetical order.
    languages = sorted(set(language_names(person.preferred_language for person in people)))
    return {
        "size": len(people),
        "countries": country_names(person.country for person in people),
        "languages": languages,
        "bios": [person for person in people if person.share_bio and person.bio],
    }
