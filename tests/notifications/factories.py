"""A program under way around the 2027 change to daylight saving time in the United States (Sunday 14 March)."""

import datetime as dt
import zoneinfo

from programs.enums import ProgramStatus
from tests.factories import ItineraryItemFactory, ParticipantFactory, ProgramFactory, StopFactory, VenueFactory

ARRIVAL = dt.date(2027, 3, 12)  # a Friday
DEPARTURE = dt.date(2027, 3, 17)
DST_SUNDAY = dt.date(2027, 3, 14)


def at(day, hour, minute=0, *, zone="America/Chicago"):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))


def utc(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def program_under_way(*, council=None, zone="America/Chicago", city="San Antonio", **kwargs):
    extra = {"council": council} if council else {}
    program = ProgramFactory(
        arrival_date=ARRIVAL, departure_date=DEPARTURE, status=ProgramStatus.IN_PROGRESS, **extra, **kwargs
    )
    stop = StopFactory(program=program, city=city, time_zone=zone, start_date=ARRIVAL, end_date=DEPARTURE)
    return program, stop


def confirmed_item(program, stop, day, hour, **kwargs):
    kwargs.setdefault("venue", VenueFactory(council=program.council, address="300 Alamo Plaza"))
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        starts_at=at(day, hour, zone=stop.time_zone),
        ends_at=at(day, hour + 1, zone=stop.time_zone),
        **kwargs,
    )


def visitor(program, **kwargs):
    kwargs.setdefault("preferred_language", "en")
    return ParticipantFactory(program=program, **kwargs)
