"""Conflict detection for itinerary items.

The rules are pure functions over ``Booking`` values (what one item occupies: time, people, place, contacts), so
that they judge a saved item and an unsaved candidate from a form or a drag alike. ``load_context`` reads all
that the rules need for some programs of a council in a constant number of queries.

Hard conflicts block saving unless staff override them with a reason; warnings never block. Cancelled and
declined items never conflict.
"""

import bisect
import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from councils.changes import current_version
from exchange.page_cache import kept
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem

# Items in these states hold no one and nothing.
INACTIVE_STATUSES = (ItemStatus.CANCELLED, ItemStatus.DECLINED)
# Kinds that a host receives in their office: those should fall within the council's business hours.
HOSTED_KINDS = (ItemKind.MEETING, ItemKind.SITE_VISIT)


class Severity(models.TextChoices):
    HARD = "hard", gettext_lazy("Conflict")
    WARNING = "warning", gettext_lazy("Warning")


class ConflictKind(models.TextChoices):
    PEOPLE = "people", gettext_lazy("Same people at the same time")
    CONTACT = "contact", gettext_lazy("Host contact booked twice")
    VENUE = "venue", gettext_lazy("Venue booked twice")
    TRAVEL = "travel", gettext_lazy("Too little travel time")
    OUTSIDE_STOP = "outside_stop", gettext_lazy("Outside the stop's dates")
    BUSINESS_HOURS = "business_hours", gettext_lazy("Outside business hours")


@dataclass(frozen=True)
class Conflict:
    kind: str
    severity: str
    message: str
    other_item_id: int | None = None

    @property
    def is_hard(self):
        return self.severity == Severity.HARD


@dataclass(frozen=True)
class Booking:
    """What one item occupies. ``people`` holds keys such as ``("participant", 7)``, ``("staff", 2)`` and, for a
    whole-group item, ``("group", program_id)`` beside every participant of the program."""

    item_id: int | None
    program_id: int
    title: str
    kind: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    stop_start: dt.date
    stop_end: dt.date
    venue_id: int | None = None
    venue_name: str = ""
    venue_online: bool = False
    people: frozenset = frozenset()
    contact_ids: frozenset = frozenset()

    @property
    def is_active(self):
        return self.status not in INACTIVE_STATUSES

    def overlaps(self, other):
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def local(self, moment):
        return timezone.localtime(moment, zoneinfo.ZoneInfo(self.time_zone))


@dataclass
class ConflictContext:
    """The council's rules and the bookings a set of programs is judged against."""

    travel_buffer: dt.timedelta
    business_hours_start: dt.time
    business_hours_end: dt.time
    bookings: list = field(default_factory=list)
    # Labels of people and contacts, for messages.
    names: dict = field(default_factory=dict)
    # {program_id: [participant ids]}: who "the whole group" is.
    group_members: dict = field(default_factory=dict)

    def without(self, item_id):
        """The context without one item's own booking (to judge a new version of that item)."""
        return ConflictContext(
            travel_buffer=self.travel_buffer,
            business_hours_start=self.business_hours_start,
            business_hours_end=self.business_hours_end,
            bookings=[b for b in self.bookings if item_id is None or b.item_id != item_id],
            names=self.names,
            group_members=self.group_members,
        )


def _span(booking):
    return _local_span(booking.starts_at, booking.ends_at, booking.time_zone, get_language())


@lru_cache(maxsize=4096)
def _local_span(starts_at, ends_at, time_zone, language):
    """ "03/02/2027 09:00–10:00" in the zone's wall-clock time; cached, as a busy day repeats the same spans."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start, end = timezone.localtime(starts_at, zone), timezone.localtime(ends_at, zone)
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} {start:%H:%M}–{end:%H:%M}"


def _names(keys, names):
    """Who is shared: "the whole group" rather than every visitor's name, then any program staff by name."""
    whole_group = any(key[0] == "group" for key in keys)
    shown = [key for key in keys if key[0] == "staff"] if whole_group else [key for key in keys if key[0] != "group"]
    labels = sorted(label for label in (names.get(key, "") for key in shown) if label)
    if whole_group:
        labels.insert(0, _("the whole group"))
    return ", ".join(labels) or _("the whole group")


# 1. Pure rules -------------------------------------------------------------------------------------------------


def people_conflicts(booking, others, names):
    """A participant or program staff member in two items of the program at once."""
    found = []
    for other in others:
        if other.program_id != booking.program_id or not other.overlaps(booking):
            continue
        shared = booking.people & other.people
        if shared:
            message = capfirst(
                _("%(people)s also at “%(title)s” (%(span)s).")
                % {"people": _names(shared, names), "title": other.title, "span": _span(other)}
            )
            found.append(Conflict(ConflictKind.PEOPLE, Severity.HARD, message, other.item_id))
    return found


def shared_resource_conflicts(booking, others, names):
    """A host contact or a venue booked at once by another program of the council."""
    found = []
    for other in others:
        if other.program_id == booking.program_id or not other.overlaps(booking):
            continue
        for contact_id in sorted(booking.contact_ids & other.contact_ids):
            message = _("%(contact)s is booked by another program at the same time (%(span)s).") % {
                "contact": names.get(("contact", contact_id), ""),
                "span": _span(other),
            }
            found.append(Conflict(ConflictKind.CONTACT, Severity.HARD, message, other.item_id))
        if booking.venue_id and booking.venue_id == other.venue_id and not booking.venue_online:
            message = _("%(venue)s is booked by another program at the same time (%(span)s).") % {
                "venue": booking.venue_name,
                "span": _span(other),
            }
            found.append(Conflict(ConflictKind.VENUE, Severity.HARD, message, other.item_id))
    return found


def _needs_travel(first, second):
    """Both happen at physical venues, and not the same one."""
    return (
        first.venue_id
        and second.venue_id
        and first.venue_id != second.venue_id
        and not first.venue_online
        and not second.venue_online
    )


def travel_conflicts(booking, others, buffer):
    """Too little time between this item and the previous or next item of the same people at another venue.

    1. Among the program's items that share people with this one, find the one that ends last before this one
       starts, and the one that starts first after this one ends (overlapping items are a people conflict).
    2. For each, if the venues differ and the gap is shorter than the council's buffer, it is a conflict.
    """
    previous = following = None
    for other in others:
        if other.program_id != booking.program_id or not (booking.people & other.people):
            continue
        if other.ends_at <= booking.starts_at and (previous is None or other.ends_at > previous.ends_at):
            previous = other
        if other.starts_at >= booking.ends_at and (following is None or other.starts_at < following.starts_at):
            following = other
    found = []
    for first, second in ((previous, booking), (booking, following)):
        if first is None or second is None or not _needs_travel(first, second):
            continue
        gap = second.starts_at - first.ends_at
        if gap < buffer:
            other = first if second is booking else second
            message = _("Only %(gap)s minutes to travel between “%(first)s” and “%(second)s” (%(buffer)s needed).") % {
                "gap": int(gap.total_seconds() // 60),
                "first": first.title,
                "second": second.title,
                "buffer": int(buffer.total_seconds() // 60),
            }
            found.append(Conflict(ConflictKind.TRAVEL, Severity.HARD, message, other.item_id))
    return found


def stop_date_conflicts(booking):
    """The item starts before or ends after its stop's dates (in the stop's local time)."""
    if booking.local(booking.starts_at).date() < booking.stop_start or (
        booking.local(booking.ends_at).date() > booking.stop_end
    ):
        message = _("Outside the stop's dates (%(start)s to %(end)s).") % {
            "start": formats.date_format(booking.stop_start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(booking.stop_end, "SHORT_DATE_FORMAT"),
        }
        return [Conflict(ConflictKind.OUTSIDE_STOP, Severity.HARD, message)]
    return []


def business_hours_conflicts(booking, start, end):
    """A hosted meeting outside the council's business hours, in the stop's local time: a warning."""
    if booking.kind not in HOSTED_KINDS:
        return []
    local_start, local_end = booking.local(booking.starts_at), booking.local(booking.ends_at)
    if local_start.time() >= start and local_end.date() == local_start.date() and local_end.time() <= end:
        return []
    message = _("Outside business hours (%(start)s–%(end)s).") % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    return [Conflict(ConflictKind.BUSINESS_HOURS, Severity.WARNING, message)]


def find_conflicts(booking, context, candidates=None):
    """Every conflict of ``booking`` against the other bookings of ``context`` (or of ``candidates``, when the
    caller has already narrowed them down to the bookings near it in time)."""
    if not booking.is_active:
        return []
    pool = context.bookings if candidates is None else candidates
    others = [b for b in pool if b.is_active and (b.item_id is None or b.item_id != booking.item_id)]
    return [
        *stop_date_conflicts(booking),
        *people_conflicts(booking, others, context.names),
        *shared_resource_conflicts(booking, others, context.names),
        *travel_conflicts(booking, others, context.travel_buffer),
        *business_hours_conflicts(booking, context.business_hours_start, context.business_hours_end),
    ]


def _nearby(bookings, buffer):
    """A function giving, for one booking, the bookings that can conflict with it: those within the travel
    buffer of it in time. Every rule above looks no further (overlaps for people and shared resources, gaps
    shorter than the buffer for travel), so judging against these gives the same result as judging against all,
    without comparing every pair of a large council's items.

    1. Sort the bookings by start, and note the longest one.
    2. For a booking, the candidates start before its end plus the buffer, and no earlier than its start minus the
       buffer and the longest duration; keep those that also end after its start minus the buffer.
    """
    ordered = sorted(bookings, key=lambda b: b.starts_at)
    starts = [b.starts_at for b in ordered]
    longest = max((b.ends_at - b.starts_at for b in ordered), default=dt.timedelta(0))

    def near(booking):
        low = bisect.bisect_left(starts, booking.starts_at - buffer - longest)
        high = bisect.bisect_right(starts, booking.ends_at + buffer)
        return [b for b in ordered[low:high] if b.ends_at > booking.starts_at - buffer]

    return near


def conflicts_by_item(context, program_ids):
    """``{item_id: [Conflict, ...]}`` for the items of ``program_ids`` that have any."""
    near = _nearby([b for b in context.bookings if b.is_active], context.travel_buffer)
    result = {}
    for booking in context.bookings:
        if booking.program_id in program_ids:
            conflicts = find_conflicts(booking, context, near(booking))
            if conflicts:
                result[booking.item_id] = conflicts
    return result


def hard(conflicts):
    return [conflict for conflict in conflicts if conflict.is_hard]


# 2. Building bookings --------------------------------------------------------------------------------------------


def _people(*, program_id, whole_group, participant_ids, interpreter_id, group_members):
    keys = {("participant", pk) for pk in participant_ids}
    if whole_group:
        keys |= {("group", program_id)} | {("participant", pk) for pk in group_members.get(program_id, ())}
    if interpreter_id:
        keys.add(("staff", interpreter_id))
    return frozenset(keys)


def booking_for(item, *, stop, venue, participant_ids, contact_ids, group_members):
    """A booking for an item's values (saved or not); related objects are passed, never read from ``item``."""
    return Booking(
        item_id=item.pk,
        program_id=item.program_id,
        title=item.title,
        kind=item.kind,
        status=item.status,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        time_zone=stop.time_zone,
        stop_start=stop.start_date,
        stop_end=stop.end_date,
        venue_id=venue.pk if venue else None,
        venue_name=venue.name if venue else "",
        venue_online=venue.is_online if venue else False,
        people=_people(
            program_id=item.program_id,
            whole_group=item.whole_group,
            participant_ids=participant_ids,
            interpreter_id=item.interpreter_id,
            group_members=group_members,
        ),
        contact_ids=frozenset(contact_ids),
    )


# 3. The one query function ---------------------------------------------------------------------------------------


_ITEM_VALUES = (
    "pk",
    "program_id",
    "title",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "whole_group",
    "interpreter_id",
    "interpreter__name",
    "stop__time_zone",
    "stop__start_date",
    "stop__end_date",
    "venue_id",
    "venue__name",
    "venue__is_online",
)


def load_context(*, council, programs):
    """Everything needed to judge the items of ``programs`` (of ``council``), in four queries:

    1. the active items of the council's programs during these programs' dates, with stop, venue, interpreter
       and program staff name (other programs are there for shared venues and contacts);
    2. their participants; 3. their contacts; 4. the participants of those programs (who "whole group" is).

    All are read as plain values, and 2 and 3 select the items again as a subquery: a large council's open
    programs hold thousands of items, and model instances (or a parameter per item id) cost more than judging them.
    """
    from programs.models import Participant

    context = ConflictContext(
        travel_buffer=dt.timedelta(minutes=council.travel_buffer_minutes),
        business_hours_start=council.business_hours_start,
        business_hours_end=council.business_hours_end,
    )
    programs = list(programs)
    if not programs:
        return context
    # A day either side covers every time zone's view of the first and last day.
    window_start = dt.datetime.combine(min(p.arrival_date for p in programs), dt.time(), dt.UTC) - dt.timedelta(days=1)
    window_end = dt.datetime.combine(max(p.departure_date for p in programs), dt.time(), dt.UTC) + dt.timedelta(days=2)
    program_ids = {p.pk for p in programs}
    items = (
        ItineraryItem.objects.filter(program__council=council)
        .exclude(status__in=INACTIVE_STATUSES)
        .filter(Q(program_id__in=program_ids) | Q(starts_at__lt=window_end, ends_at__gt=window_start))
    )
    rows = [dict(zip(_ITEM_VALUES, row, strict=True)) for row in items.values_list(*_ITEM_VALUES)]
    people_of, contacts_of = {}, {}
    item_people = ItineraryItem.participants.through.objects.filter(itineraryitem__in=items.values("pk"))
    for item_id, pk, first, last in item_people.values_list(
        "itineraryitem_id", "participant_id", "participant__first_name", "participant__last_name"
    ):
        people_of.setdefault(item_id, []).append(pk)
        context.names[("participant", pk)] = f"{first} {last}"
    item_contacts = ItineraryItem.contacts.through.objects.filter(itineraryitem__in=items.values("pk"))
    for item_id, pk, name in item_contacts.values_list("itineraryitem_id", "contact_id", "contact__name"):
        contacts_of.setdefault(item_id, []).append(pk)
        context.names[("contact", pk)] = name
    member_rows = Participant.objects.filter(
        program_id__in=program_ids | {row["program_id"] for row in rows}
    ).values_list("program_id", "pk", "first_name", "last_name")
    group_members = context.group_members
    for program_id, pk, first, last in member_rows:
        group_members.setdefault(program_id, []).append(pk)
        context.names[("participant", pk)] = f"{first} {last}"
    for row in rows:
        if row["interpreter_id"]:
            context.names[("staff", row["interpreter_id"])] = row["interpreter__name"]
        context.bookings.append(
            Booking(
                item_id=row["pk"],
                program_id=row["program_id"],
                title=row["title"],
                kind=row["kind"],
                status=row["status"],
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                time_zone=row["stop__time_zone"],
                stop_start=row["stop__start_date"],
                stop_end=row["stop__end_date"],
                venue_id=row["venue_id"],
                venue_name=row["venue__name"] or "",
                venue_online=bool(row["venue__is_online"]),
                people=_people(
                    program_id=row["program_id"],
                    whole_group=row["whole_group"],
                    participant_ids=people_of.get(row["pk"], ()),
                    interpreter_id=row["interpreter_id"],
                    group_members=group_members,
                ),
                contact_ids=frozenset(contacts_of.get(row["pk"], ())),
            )
        )
    return context


# 4. Judgements kept until the council's data changes ----------------------------------------------------------------

JUDGEMENT_TIMEOUT = 3600


def cached_judgement(*, council, name, parts, compute):
    """``compute()``, kept in the cache under ``name``, the council's data version (``councils.changes``, read
    afresh: a service judges right after its own change) and ``parts`` (what else the answer depends on, e.g. the
    programs judged and the language of the messages), so that it is computed again after any change."""
    version = current_version(council.pk)
    described = ":".join([name, str(council.pk), str(version), *(str(part) for part in parts)])
    key = f"conflicts:{name}:" + hashlib.sha256(described.encode()).hexdigest()
    return kept(key, compute, timeout=JUDGEMENT_TIMEOUT)


def cached_conflicts_by_item(*, council, programs):
    """``conflicts_by_item`` for the items of ``programs``, cached as ``cached_judgement`` says (per language, as
    the messages are translated)."""
    programs = list(programs)

    def compute():
        context = load_context(council=council, programs=programs)
        return conflicts_by_item(context, {p.pk for p in programs})

    parts = [",".join(str(p.pk) for p in programs), get_language()]
    return cached_judgement(council=council, name="by-item", parts=parts, compute=compute)
