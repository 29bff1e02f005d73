"""Sponsor review: numbered, published snapshots of the itinerary, what changed between them, and the weekly update."""

import dataclasses
import datetime as dt
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from councils.changes import note_change
from lifecycle.links import review_url
from lifecycle.models import ItineraryVersion, SponsorComment, WeeklySponsorUpdate
from meetings.enums import ItemStatus
from meetings.models import ItineraryItem
from notifications.enums import NotificationKind, RecipientType
from notifications.services import queue_email
from programs.enums import ProgramStatus

# Ideas and declined requests are the council's working notes, not part of the itinerary the sponsor sees.
UNPUBLISHED_STATUSES = (ItemStatus.IDEA, ItemStatus.DECLINED)
WHEN_FIELDS = ("starts_at", "ends_at", "stop")


class Mark:
    ADDED = "added"
    MOVED = "moved"
    CANCELLED = "cancelled"
    CHANGED = "changed"


def published_items(program):
    return (
        ItineraryItem.objects.filter(program=program)
        .exclude(status__in=UNPUBLISHED_STATUSES)
        .select_related("stop", "venue")
        .order_by("starts_at", "pk")
    )


def snapshot_items(program):
    """The itinerary as the program officer sees it, frozen as plain data."""
    return [
        {
            "id": item.pk,
            "title": item.title,
            "kind": item.kind,
            "status": item.status,
            "starts_at": item.starts_at.astimezone(dt.UTC).isoformat(),
            "ends_at": item.ends_at.astimezone(dt.UTC).isoformat(),
            "stop": item.stop.city,
            "time_zone": item.stop.time_zone,
            "venue": item.venue.name if item.venue else "",
        }
        for item in published_items(program)
    ]


@transaction.atomic
def publish_version(*, program, user, note=""):
    """Freeze the current itinerary as the next numbered version and send its link to the program officer."""
    for _attempt in range(3):
        number = (program.itinerary_versions.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                version = ItineraryVersion.objects.create(
                    program=program, number=number, snapshot=snapshot_items(program), note=note, published_by=user
                )
            break
        except IntegrityError:
            # Two staff published at the same moment: the other one took this number, take the next.
            continue
    else:
        raise RuntimeError("Could not number the itinerary version")
    if program.program_officer_email:
        queue_email(
            council=program.council,
            program=program,
            kind=NotificationKind.OTHER,
            recipient_type=RecipientType.OTHER,
            recipient_name=program.program_officer_name or program.program_officer_email,
            recipient_email=program.program_officer_email,
            template="lifecycle/email/version_published",
            context={"program": program, "version": version, "review_url": review_url(version)},
            dedupe_key=f"lifecycle:version:{version.pk}",
        )
    return version


@transaction.atomic
def approve_version(*, version, user):
    """Mark the version sent to hosts, interpreters and drivers; only one version of a program is approved."""
    ItineraryVersion.objects.filter(program_id=version.program_id, approved_at__isnull=False).exclude(
        pk=version.pk
    ).update(approved_at=None, approved_by=None)
    ItineraryVersion.objects.filter(pk=version.pk).update(approved_at=timezone.now(), approved_by=user)
    note_change(version.program.council_id)
    version.refresh_from_db(fields=["approved_at", "approved_by"])


def revoke_version(*, version):
    if ItineraryVersion.objects.filter(pk=version.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        note_change(version.program.council_id)
    version.refresh_from_db(fields=["revoked_at"])


def add_comment(*, version, body):
    return SponsorComment.objects.create(version=version, body=body)


def note_opened(version):
    if ItineraryVersion.objects.filter(pk=version.pk, opened_at__isnull=True).update(opened_at=timezone.now()):
        note_change(version.program.council_id)


def previous_version(version):
    return (
        ItineraryVersion.objects.filter(program_id=version.program_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclasses.dataclass
class ReviewRow:
    id: int
    title: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    stop: str
    venue: str
    time_zone: str
    mark: str = ""
    before: dict | None = None

    @property
    def is_cancelled(self):
        return self.status == ItemStatus.CANCELLED or self.mark == Mark.CANCELLED

    @property
    def status_label(self):
        return ItemStatus(self.status).label

    @property
    def previous_starts_at(self):
        return _aware(self.before["starts_at"], self.time_zone) if self.before else None


def _aware(value, time_zone):
    return dt.datetime.fromisoformat(value).astimezone(zoneinfo.ZoneInfo(time_zone))


def _row(data, mark="", before=None):
    return ReviewRow(
        id=data["id"],
        title=data["title"],
        status=data["status"],
        starts_at=_aware(data["starts_at"], data["time_zone"]),
        ends_at=_aware(data["ends_at"], data["time_zone"]),
        stop=data["stop"],
        venue=data["venue"],
        time_zone=data["time_zone"],
        mark=mark,
        before=before,
    )


def compare(previous, current):
    """The rows of ``current`` (a snapshot), each marked with what changed since ``previous`` (None: first version).

    Added: not in the previous version. Cancelled: cancelled since, or no longer in the itinerary (shown at its
    old time). Moved: its start, end or city changed. Changed: its title or venue changed.
    """
    if previous is None:
        return [_row(data) for data in current]
    before = {data["id"]: data for data in previous}
    rows = []
    for data in current:
        old = before.pop(data["id"], None)
        if old is None:
            mark = Mark.ADDED
        elif data["status"] == ItemStatus.CANCELLED and old["status"] != ItemStatus.CANCELLED:
            mark = Mark.CANCELLED
        elif any(data[field] != old[field] for field in WHEN_FIELDS):
            mark = Mark.MOVED
        elif data["title"] != old["title"] or data["venue"] != old["venue"]:
            mark = Mark.CHANGED
        else:
            mark = ""
        rows.append(_row(data, mark, before=old if mark == Mark.MOVED else None))
    rows.extend(_row(old, Mark.CANCELLED) for old in before.values() if old["status"] != ItemStatus.CANCELLED)
    rows.sort(key=lambda row: (row.starts_at, row.id))
    return rows


def review_rows(version):
    previous = previous_version(version)
    return compare(previous.snapshot if previous else None, version.snapshot)


def send_sponsor_update(*, program, dedupe_key, note=""):
    """The itinerary as it stands, with the link of the latest published version, to the program officer."""
    if not program.program_officer_email:
        return None
    latest = program.itinerary_versions.filter(revoked_at__isnull=True).order_by("-number").first()
    return queue_email(
        council=program.council,
        program=program,
        kind=NotificationKind.OTHER,
        recipient_type=RecipientType.OTHER,
        recipient_name=program.program_officer_name or program.program_officer_email,
        recipient_email=program.program_officer_email,
        template="lifecycle/email/sponsor_update",
        context={
            "program": program,
            "items": list(published_items(program)),
            "latest": latest,
            "review_url": review_url(latest) if latest else "",
            "note": note,
        },
        dedupe_key=dedupe_key,
    )


def iso_week(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_weekly_updates(*, today=None, limit=200):
    """Beat: each scheduled program's officer gets one update per ISO week, on or after the chosen weekday.

    The dedupe key (program, ISO week) makes a second run in the same week a no-op, whichever worker runs it.
    """
    today = today or timezone.localdate()
    week = iso_week(today)
    schedules = (
        WeeklySponsorUpdate.objects.filter(active=True, weekday__lte=today.isoweekday())
        .exclude(last_sent_week=week)
        .exclude(program__status__in=[ProgramStatus.COMPLETED, ProgramStatus.CANCELLED])
        .filter(program__departure_date__gte=today)
        .select_related("program", "program__council")
        .order_by("pk")[:limit]
    )
    sent = 0
    for schedule in schedules:
        with transaction.atomic():
            send_sponsor_update(
                program=schedule.program, dedupe_key=f"lifecycle:sponsor-weekly:{schedule.program_id}:{week}"
            )
            WeeklySponsorUpdate.objects.filter(pk=schedule.pk).update(last_sent_week=week)
            note_change(schedule.program.council_id)
        sent += 1
    return sent


def set_weekly_updates(*, program, active, weekday=1):
    schedule, _ = WeeklySponsorUpdate.objects.update_or_create(
        program=program, defaults={"active": active, "weekday": weekday}
    )
    return schedule
