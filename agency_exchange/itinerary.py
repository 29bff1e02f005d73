"""The segment's itinerary as the agency sees it: numbered versions, sent by email with what changed.

A version is sent
- weekly, by the beat (``send_weekly_versions``: once per segment and ISO week, whichever worker runs it);
- at once when a confirmed meeting falls through (``note_fell_through``, called by the item service when a
  confirmed item becomes declined or cancelled);
- when staff send it (the final itinerary, or any time).

What the agency may see is an explicit whitelist (``agency_item``): titles, kinds, status, times with their stop's
zone, city, place and host organisation names, the visitor-facing notes, who attends. Never internal notes, host
contacts, volunteers or participants' personal data.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from agency_exchange.enums import VersionReason
from agency_exchange.models import ItineraryVersion
from journeys.enums import NationalProgramStatus, SegmentState
from journeys.models import Segment
from lifecycle.sponsor_review import UNPUBLISHED_STATUSES, compare, iso_week
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email
from programs.models import Participant

# A confirmed meeting that becomes one of these has fallen through: the agency hears at once.
FELL_THROUGH = (ItemStatus.DECLINED, ItemStatus.CANCELLED)
# Segments whose council builds an itinerary the agency follows.
BUILDING = (SegmentState.ACCEPTED, SegmentState.BUILDING, SegmentState.CONFIRMED)
EMAIL_TEMPLATE = "agency_exchange/email/itinerary_version"


def segment_items(segment):
    """The items the agency is sent: what the council has published (no ideas, no declined requests)."""
    return (
        ItineraryItem.objects.filter(program_id=segment.program_id)
        .exclude(status__in=UNPUBLISHED_STATUSES)
        .select_related("stop", "venue", "host_organization")
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("last_name", "first_name")))
        .order_by("starts_at", "pk")
    )


def agency_item(item):
    """One item as the agency may see it: the whitelist. Keys match ``lifecycle.sponsor_review`` snapshots, so
    the same comparison marks what changed between two versions."""
    return {
        "id": item.pk,
        "version": item.version,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "starts_at": item.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": item.ends_at.astimezone(dt.UTC).isoformat(),
        "stop": item.stop.city,
        "time_zone": item.stop.time_zone,
        "venue": item.venue.name if item.venue_id else "",
        "host_organization": item.host_organization.name if item.host_organization_id else "",
        "topic": item.topic,
        "visitor_notes": item.visitor_notes,
        "whole_group": item.whole_group,
        "participants": [] if item.whole_group else [p.full_name for p in item.participants.all()],
    }


def snapshot(segment):
    if segment.program_id is None:
        return []
    return [agency_item(item) for item in segment_items(segment)]


def previous_version(version):
    return (
        ItineraryVersion.objects.filter(segment_id=version.segment_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def rows_of(version, previous=None):
    """The version's rows, each marked with what changed since the previous version (none for the first)."""
    previous = previous if previous is not None else previous_version(version)
    return compare(previous.snapshot if previous else None, version.snapshot)


def page_url(version):
    return settings.SITE_URL + reverse("agency_exchange:version", kwargs={"agency_version_id": version.pk})


def send_version(*, segment, reason, user=None, note="", dedupe_key=None):
    """Freeze the segment's itinerary as its next numbered version and email it, with what changed, to the agency.

    With ``dedupe_key``, a second call for the same purpose (the same week, the same item falling through) sends
    nothing and returns None.
    """
    with transaction.atomic():
        if dedupe_key and ItineraryVersion.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        items = snapshot(segment)
        for _attempt in range(3):
            number = (segment.agency_versions.aggregate(last=Max("number"))["last"] or 0) + 1
            try:
                with transaction.atomic():
                    version = ItineraryVersion.objects.create(
                        segment=segment,
                        number=number,
                        snapshot=items,
                        reason=reason,
                        note=note,
                        dedupe_key=dedupe_key,
                        sent_by=user if getattr(user, "is_authenticated", False) else None,
                    )
                break
            except IntegrityError:
                # Another send took this number (or this dedupe key) at the same moment.
                if dedupe_key and ItineraryVersion.objects.filter(dedupe_key=dedupe_key).exists():
                    return None
        else:
            raise RuntimeError("Could not number the itinerary version")
        _email(version, segment)
    return version


def _email(version, segment):
    agency = segment.national_program.agency
    if not agency.email:
        return None
    rows = rows_of(version)
    return queue_email(
        council=segment.council,
        program=segment.program,
        kind=NotificationKind.OTHER,
        recipient_type=RecipientType.OTHER,
        recipient_name=agency.name,
        recipient_email=agency.email,
        language=agency.language,
        template=EMAIL_TEMPLATE,
        context={
            "agency": agency,
            "national_program": segment.national_program,
            "segment": {"city": segment.city, "council": segment.council.name, "order": segment.order},
            "version": version,
            "reason": version.get_reason_display(),
            "first": version.number == 1,
            "changed_rows": [row for row in rows if row.mark],
            "item_count": len(version.snapshot),
            "page_url": page_url(version),
        },
        dedupe_key=f"agency-exchange:version:{version.pk}",
    )


def note_fell_through(*, item, before_status):
    """Called by the item service inside the change: a confirmed item of a segment became declined or
    cancelled, so the agency is sent the itinerary at once."""
    if before_status != ItemStatus.CONFIRMED or item.status not in FELL_THROUGH:
        return None
    segment = (
        Segment.objects.select_related("national_program__agency", "council", "program")
        .filter(program_id=item.program_id)
        .first()
    )
    if segment is None:
        return None
    return send_version(
        segment=segment,
        reason=VersionReason.FELL_THROUGH,
        dedupe_key=f"agency-exchange:fell-through:{item.pk}:{item.version}",
    )


def weekly_key(segment, week):
    return f"agency-exchange:weekly:{segment.pk}:{week}"


def send_weekly_versions(*, today=None, limit=200):
    """Beat: each segment being built gets one version per ISO week (the dedupe key makes a rerun a no-op).
    Returns how many were sent."""
    today = today or timezone.localdate()
    week = iso_week(today)
    segments = list(
        Segment.objects.filter(program__isnull=False, state__in=BUILDING, ends_on__gte=today)
        .exclude(national_program__status__in=[NationalProgramStatus.COMPLETED, NationalProgramStatus.CANCELLED])
        .select_related("national_program__agency", "council", "program")
        .order_by("pk")[:limit]
    )
    done = set(
        ItineraryVersion.objects.filter(dedupe_key__in=[weekly_key(s, week) for s in segments]).values_list(
            "dedupe_key", flat=True
        )
    )
    sent = 0
    for segment in segments:
        if weekly_key(segment, week) in done:
            continue
        if send_version(segment=segment, reason=VersionReason.WEEKLY, dedupe_key=weekly_key(segment, week)):
            sent += 1
    return sent
