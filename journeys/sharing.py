"""What one party of a journey may see of another's segment, as plain dicts built from a whitelist of fields.

Pages that cross councils render only these dicts, never model objects: a field not named here cannot reach
another council's page (internal notes, hosts' contacts, volunteers, participants' emails, phones or needs).
Councils see the other segments' items (title, kind, status, times on the stop's labelled clock, city), the
travellers' names and languages (bios only with consent), arrivals, departures and the hand-over note addressed to
them. The agency sees the same, plus each item's host organisation and each segment's progress.
"""

import zoneinfo
from collections import Counter

from django.utils.translation import gettext_lazy as _

from councils.time_zones import format_local, format_span
from meetings.enums import ItemStatus
from programs.enums import Consent


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def shared_item(item, *, for_agency=False):
    zone = _zone(item.stop.time_zone)
    shared = {
        "title": item.title,
        "kind": item.get_kind_display(),
        "status": item.status,
        "status_label": item.get_status_display(),
        "when": format_span(item.starts_at, item.ends_at, zone),
        "city": item.stop.city,
    }
    if for_agency:
        shared["host_organization"] = item.host_organization.name if item.host_organization_id else ""
    return shared


def _travel(mode_label, detail, moment, zone):
    if not (mode_label or detail or moment):
        return None
    return {"mode": mode_label, "detail": detail, "when": format_local(moment, zone) if moment else ""}


def shared_segment(segment, *, items, for_agency=False):
    """A segment as another party sees it; ``items`` are its program's items (none until the council accepts)."""
    zone = _zone(segment.time_zone)
    shared = {
        "id": segment.pk,
        "order": segment.order,
        "city": segment.city,
        "region": segment.region,
        "time_zone": segment.time_zone,
        "starts_on": segment.starts_on,
        "ends_on": segment.ends_on,
        "council": segment.council.name,
        "state": segment.state,
        "state_label": segment.get_state_display(),
        "arrival": _travel(segment.get_arrival_mode_display(), segment.arrival_detail, segment.arrival_at, zone),
        "departure": _travel(
            segment.get_departure_mode_display(), segment.departure_detail, segment.departure_at, zone
        ),
        "items": [shared_item(item, for_agency=for_agency) for item in items],
    }
    if for_agency:
        counts = Counter(item.status for item in items)
        shared["item_counts"] = [
            {"status": status, "label": label, "count": counts[status]}
            for status, label in ItemStatus.choices
            if counts[status]
        ]
        moments = [segment.updated_at, *(item.updated_at for item in items)]
        if segment.program is not None:
            moments.append(segment.program.updated_at)
        shared["last_change"] = format_local(max(moments), zone)
        shared["decline_reason"] = segment.decline_reason
    return shared


def shared_traveller(traveller):
    return {
        "name": traveller.full_name,
        "language": traveller.get_language_display(),
        "country": traveller.country.name if traveller.country else "",
        "bio": traveller.bio if traveller.share_bio else "",
        "no_photos": traveller.media_consent == Consent.NO,
    }


HAND_OVER_FIELDS = (
    ("health", _("Health")),
    ("diet", _("Diet")),
    ("interpreter", _("Interpreter")),
    ("group_changes", _("Changes to the group")),
    ("other", _("Anything else")),
)


def shared_hand_over(hand_over, *, from_segment, to_segment):
    """The note as its readers see it (the next council and the agency), only once it was sent."""
    if hand_over is None or not hand_over.is_sent:
        return None
    zone = _zone(from_segment.time_zone)
    return {
        "from_city": from_segment.city,
        "to_city": to_segment.city if to_segment else "",
        "sent": format_local(hand_over.sent_at, zone),
        "fields": [
            {"label": str(label), "text": getattr(hand_over, name)}
            for name, label in HAND_OVER_FIELDS
            if getattr(hand_over, name)
        ],
    }
