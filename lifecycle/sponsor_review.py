"""Sponsor review: numbered, published snapshots of the itinerary, what changed between them, the program
officer's comments (each one emailed to the program's coordinator), and the weekly update."""

import dataclasses
import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from councils.changes import note_change
from lifecycle.links import review_url
from lifecycle.models import ItineraryVersion, SponsorComment, WeeklySponsorUpdate
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from notifications import digest
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
    """The itinerary as the program officer sees it, frozen as plain data (who attends: the whole group, or the
    names of the participants who do)."""
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
            "whole_group": item.whole_group,
            "participants": [] if item.whole_group else sorted(p.full_name for p in item.participants.all()),
        }
        for item in published_items(program).prefetch_related("participants")
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


def version_page_url(version):
    """The staff page of a version (its rows and the program officer's comments)."""
    return settings.SITE_URL + reverse("lifecycle:version_detail", kwargs={"version_id": version.pk})


@transaction.atomic
def add_comment(*, version, body):
    """Store the program officer's comment and tell the program's coordinator (the council's address when the
    program has none), in the coordinator's language, with a link to the version's page; both commit together."""
    comment = SponsorComment.objects.create(version=version, body=body)
    program = version.program
    officer = program.program_officer_name or program.program_officer_email
    for recipient in digest.coordinators(program):
        queue_email(
            council=program.council,
            program=program,
            kind=NotificationKind.OTHER,
            recipient_type=recipient.recipient_type,
            recipient_id=recipient.user_id,
            recipient_name=recipient.name,
            recipient_email=recipient.email,
            template="lifecycle/email/sponsor_comment",
            context={
                "program": program,
                "version": version,
                "comment": comment,
                "officer": officer,
                "version_url": version_page_url(version),
            },
            dedupe_key=f"lifecycle:comment:{comment.pk}:{recipient.key}",
            language=recipient.language,
        )
    return comment


def note_opened(version):
    if ItineraryVersion.objects.filter(pk=version.pk, opened_at__isnull=True).update(opened_at=timezone.now()):
        note_change(version.program.council_id)


def previous_version(version):
    return (
        ItineraryVersion.objects.filter(program_id=version.program_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


# What the program officer is told changed, in this order; each is shown from its old value to its new one.
CHANGE_LABELS = {
    "title": _("Title"),
    "kind": _("Kind"),
    "time": _("Time"),
    "stop": _("City"),
    "venue": _("Place"),
    "status": _("Status"),
    "attendees": _("Attendees"),
}


def _span(starts_at, ends_at, time_zone):
    """ "Tue 2 Mar, 13:00–14:00 CST": the item's time on its stop's clock, in the active language."""
    start, end = _aware(starts_at, time_zone), _aware(ends_at, time_zone)
    return f"{dateformat.format(start, 'D j M, H:i')}–{dateformat.format(end, 'H:i')} {dateformat.format(start, 'T')}"


def _attendees(data):
    """(whole group?, participant names), or None for a version published before attendees were recorded."""
    if "whole_group" not in data:
        return None
    return (True, ()) if data["whole_group"] else (False, tuple(data.get("participants") or ()))


def _values(data):
    return {
        "title": data["title"],
        "kind": data.get("kind"),
        "time": (data["starts_at"], data["ends_at"], data["time_zone"]),
        "stop": data["stop"],
        "venue": data["venue"],
        "status": data["status"],
        "attendees": _attendees(data),
    }


def _same(field, old, new):
    if field == "time":  # the same moments, whatever zone they were shown in
        return all(
            dt.datetime.fromisoformat(a) == dt.datetime.fromisoformat(b) for a, b in zip(old[:2], new[:2], strict=True)
        )
    return old == new


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field of an item that differs between two versions, with its old and its new value."""

    field: str
    old: object
    new: object

    @property
    def label(self):
        return CHANGE_LABELS[self.field]

    @property
    def old_display(self):
        return self._display(self.old)

    @property
    def new_display(self):
        return self._display(self.new)

    def _display(self, value):
        """The value as the page shows it, in the language active when the page is rendered."""
        if self.field == "time":
            return _span(*value)
        if self.field == "status":
            return ItemStatus(value).label
        if self.field == "kind":
            return ItemKind(value).label if value in ItemKind.values else value
        if self.field == "attendees":
            whole_group, names = value
            return _("Whole group") if whole_group else (", ".join(names) or "—")
        return value or "—"


def changes_between(old, new):
    """Every field of an item that differs from ``old`` to ``new`` (two snapshot entries of the same item).

    A field that an older version did not record (attendees, before they were part of a version) is not compared.
    """
    before, after = _values(old), _values(new)
    return [
        FieldChange(field, before[field], after[field])
        for field in CHANGE_LABELS
        if before[field] is not None and after[field] is not None and not _same(field, before[field], after[field])
    ]


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
    changes: list = dataclasses.field(default_factory=list)

    @property
    def is_cancelled(self):
        return self.status == ItemStatus.CANCELLED or self.mark == Mark.CANCELLED

    @property
    def status_label(self):
        return ItemStatus(self.status).label

    @property
    def previous_starts_at(self):
        """Where a moved item started in the previous version (None unless its start moved)."""
        if not self.before:
            return None
        previous = _aware(self.before["starts_at"], self.time_zone)
        return None if previous == self.starts_at else previous


def _aware(value, time_zone):
    return dt.datetime.fromisoformat(value).astimezone(zoneinfo.ZoneInfo(time_zone))


def _row(data, mark="", before=None, changes=()):
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
        changes=list(changes),
    )


def compare(previous, current):
    """The rows of ``current`` (a snapshot), each marked with what changed since ``previous`` (None: first version).

    Added: not in the previous version. Cancelled: cancelled since, or no longer in the itinerary (shown at its
    old time). Moved: its start, end or city changed. Changed: any other field changed (title, kind, place,
    status, attendees). Whatever the mark, ``changes`` lists every field that changed, from old to new.
    """
    if previous is None:
        return [_row(data) for data in current]
    before = {data["id"]: data for data in previous}
    rows = []
    for data in current:
        old = before.pop(data["id"], None)
        changes = [] if old is None else changes_between(old, data)
        if old is None:
            mark = Mark.ADDED
        elif data["status"] == ItemStatus.CANCELLED and old["status"] != ItemStatus.CANCELLED:
            mark = Mark.CANCELLED
        elif any(data[field] != old[field] for field in WHEN_FIELDS):
            mark = Mark.MOVED
        elif changes:
            mark = Mark.CHANGED
        else:
            mark = ""
        rows.append(_row(data, mark, before=old if mark == Mark.MOVED else None, changes=changes))
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
