"""One journey for the visitor: one personal link, one Today page, one program and one calendar feed across every
city and council of a national program.

Which link shows the journey:
- A traveller's own link (``traveller_link_url``), which the agency sends: it grants that traveller's journey.
- The link a council gave a participant whose row is a traveller's row in that council's segment: the visitor
  keeps the link (and the QR code printed in the program book) they already have, and it shows the other cities
  too. A participant who is nobody's traveller, and program staff, keep the view of their one program.

What the journey holds:
- The segments whose Program has a row (``programs.Participant.traveller``) of the traveller, in route order. A
  row whose link its council revoked is left out: that council cut this person's access to its segment.
- In each, the items the visitor attends (whole group, or a subset naming their row), in the statuses visitors
  see (``visitors.queries.VISIBLE_STATUSES``): the same rules as one program's visitor pages.

The leg between two cities: a travel item of a segment that is under way at the segment's departure time
(``Segment.departure_at``), or that ends at the next segment's arrival time (``Segment.arrival_at``), starts in
its stop's zone and ends in the next city's. Nothing else tells a flight from a transfer to the airport, so an
item is a leg only when the route's times say so.

A traveller's token is signed like a participant's (``programs.links``: same signer, kind code ``t``), so it
opens the same visitor pages; ``programs.links.resolve_token`` does not know the kind and refuses it there.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from journeys.models import Traveller
from meetings.enums import ItemKind
from meetings.queries import items_for_participants
from programs import links
from programs.models import Participant, Stop
from visitors.queries import VISIBLE_STATUSES

TRAVELLER_CODE = "t"
ARRIVAL = "arrival"
DEPARTURE = "departure"


def _signer():
    return signing.Signer(salt=links.SALT)


def make_traveller_token(traveller):
    return _signer().sign_object([TRAVELLER_CODE, traveller.pk, traveller.link_version])


def traveller_link_path(traveller):
    return reverse("visitors:today", kwargs={"token": make_traveller_token(traveller)})


def traveller_link_url(traveller):
    """The traveller's Today page across the whole journey, for the agency to send."""
    return settings.SITE_URL + traveller_link_path(traveller)


def traveller_calendar_url(traveller):
    return settings.SITE_URL + reverse("visitors:calendar", kwargs={"token": make_traveller_token(traveller)})


def _traveller_id(token):
    try:
        code, pk, version = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None, None
    if code != TRAVELLER_CODE:
        return None, None
    return pk, version


def resolve_traveller_token(token, *, now=None):
    """The traveller a token grants, or None if it is forged, stale, revoked, expired or not a traveller's. The
    link lasts as long as a participant's: until some days after the national program ends."""
    pk, version = _traveller_id(token)
    if pk is None:
        return None
    traveller = Traveller.objects.select_related("national_program").filter(pk=pk).first()
    if traveller is None or traveller.link_version != version or traveller.link_revoked_at is not None:
        return None
    now = now or timezone.now()
    last_day = traveller.national_program.departure_date + links.VALID_AFTER_DEPARTURE
    if now > dt.datetime.combine(last_day, dt.time.max, tzinfo=dt.UTC):
        return None
    return traveller


def traveller_language_named_by(token):
    """The traveller's language for the "not found" page of a genuine traveller's token (None otherwise)."""
    pk, _version = _traveller_id(token)
    if pk is None:
        return None
    return Traveller.objects.filter(pk=pk).values_list("language", flat=True).first()


def revoke_traveller_link(*, traveller):
    """Cut the traveller's link at once (every visitor request reads the traveller's row). The links councils gave
    the traveller's segment rows are theirs to revoke."""
    with transaction.atomic():
        Traveller.objects.filter(pk=traveller.pk).update(link_revoked_at=timezone.now())
    traveller.refresh_from_db(fields=["link_revoked_at"])


def reissue_traveller_link(*, traveller):
    """A new link for the traveller; every earlier one stops working."""
    with transaction.atomic():
        Traveller.objects.filter(pk=traveller.pk).update(link_version=F("link_version") + 1, link_revoked_at=None)
    traveller.refresh_from_db(fields=["link_version", "link_revoked_at"])
    return traveller_link_url(traveller)


@dataclass
class Journey:
    """The national program as one traveller lives it. Carries the title and dates the visitor pages read from a
    program, so the pages take either."""

    national_program: object
    # The traveller's rows, in route order, each with its program, council and segment loaded.
    participants: list

    @property
    def title(self):
        return self.national_program.title

    @property
    def arrival_date(self):
        return self.national_program.arrival_date

    @property
    def departure_date(self):
        return self.national_program.departure_date

    @property
    def segments(self):
        return [participant.program.segment for participant in self.participants]

    @property
    def program_ids(self):
        return [participant.program_id for participant in self.participants]

    def version_parts(self):
        """What the journey's pages are built from besides the link: the data version of every council on the route
        (a change in one city shows at once on a page opened from another), the rows that put the traveller
        there, and the national program (its title heads every page)."""
        national_program = self.national_program
        parts = [f"np{national_program.pk}", national_program.updated_at.isoformat()]
        for participant in self.participants:
            council = participant.program.council
            parts.append(f"p{participant.pk}:c{council.pk}:v{council.data_version}")
        return parts

    def row_in(self, program_id):
        return next((row for row in self.participants if row.program_id == program_id), None)


def journey_for(holder):
    """The journey a link holder sees (one query), or None when the link shows one program only."""
    if isinstance(holder, Traveller):
        traveller_id = holder.pk
    elif isinstance(holder, Participant) and holder.traveller_id is not None:
        traveller_id = holder.traveller_id
    else:
        return None
    rows = list(
        Participant.objects.filter(
            traveller_id=traveller_id,
            link_revoked_at__isnull=True,
            # Only segments of the traveller's own national program.
            program__segment__national_program_id=F("traveller__national_program_id"),
        )
        .select_related("program__council", "program__segment__national_program")
        .order_by("program__segment__order", "pk")
    )
    if isinstance(holder, Traveller):
        return Journey(national_program=holder.national_program, participants=rows)
    if holder.pk not in {row.pk for row in rows}:
        # The holder's program is not a segment of the traveller's national program: their program only.
        return None
    return Journey(national_program=rows[0].program.segment.national_program, participants=rows)


def journey_stops(journey):
    return list(Stop.objects.filter(program_id__in=journey.program_ids).order_by("start_date", "pk"))


def journey_items(journey):
    """The items the traveller attends in every segment of the journey, in time order, joins included."""
    return items_for_participants(journey.participants).filter(status__in=VISIBLE_STATUSES)


@dataclass(frozen=True)
class Leg:
    """How a travel item between two cities reads: it ends in ``arrival_time_zone``, ``days_later`` local days
    after the local day it starts on."""

    arrival_time_zone: str
    days_later: int


def _local_date(moment, time_zone):
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def _is_leg(item, here, there):
    if item.kind != ItemKind.TRAVEL or item.program_id != here.program_id:
        return False
    if here.departure_at is not None and item.starts_at <= here.departure_at < item.ends_at:
        return True
    return there.arrival_at is not None and item.ends_at == there.arrival_at


def mark_legs(journey, items):
    """Set ``leg`` on every item (None unless it is the leg between two cities of the journey) and
    ``arrival_time_zone`` on the legs, which the calendar feed writes the event's end in."""
    segments = journey.segments
    pairs = list(zip(segments, segments[1:], strict=False))
    for item in items:
        item.leg = None
        for here, there in pairs:
            if _is_leg(item, here, there):
                start_day = _local_date(item.starts_at, item.stop.time_zone)
                end_day = _local_date(item.ends_at, there.time_zone)
                item.leg = Leg(arrival_time_zone=there.time_zone, days_later=(end_day - start_day).days)
                item.arrival_time_zone = there.time_zone
                break
    return items


@dataclass(frozen=True)
class Passage:
    """The group arriving in or leaving a city of the route, as the agency's route records it."""

    direction: str  # ARRIVAL or DEPARTURE
    city: str
    time_zone: str
    day: dt.date  # the local date in the city
    mode: str
    detail: str
    at: dt.datetime | None


def _passages(segment):
    arrival = Passage(
        direction=ARRIVAL,
        city=segment.city,
        time_zone=segment.time_zone,
        day=_local_date(segment.arrival_at, segment.time_zone) if segment.arrival_at else segment.starts_on,
        mode=segment.arrival_mode,
        detail=segment.arrival_detail,
        at=segment.arrival_at,
    )
    departure = Passage(
        direction=DEPARTURE,
        city=segment.city,
        time_zone=segment.time_zone,
        day=_local_date(segment.departure_at, segment.time_zone) if segment.departure_at else segment.ends_on,
        mode=segment.departure_mode,
        detail=segment.departure_detail,
        at=segment.departure_at,
    )
    return [passage for passage in (arrival, departure) if passage.mode or passage.detail or passage.at]


def passages_on(journey, day):
    """The departures and arrivals of the route on ``day`` (each city's local date), in the order they happen:
    on a hand-over day, leaving one city and arriving in the next."""
    # The route's order is the order they happen in: a city is reached before it is left, and left before the next.
    return [passage for segment in journey.segments for passage in _passages(segment) if passage.day == day]
