"""Impact statistics: the figures a council reports to its sponsor and board, for one program or one year.

Every figure is one aggregate query over the programs in scope, so the cost does not grow with programs or items.
Definitions:
- a meeting held is a professional meeting or site visit that has ended (its end is not after the moment the
  figures are computed) and was confirmed (or already thanked): a meeting still ahead, or cancelled, declined or
  never confirmed, was not held;
- the host organisations are those of the meetings held; a host is *returning* when it held a meeting in a
  program of the council that arrived before the first program in scope where it held one, else *new*;
- volunteer households are the volunteers with an accepted invitation; their hours are the slots' durations;
- visitors are the participants, counted by country (its ISO code; the page names it in the reader's language,
  the CSV gives the code); cities are the stops' cities.
"""

import dataclasses
import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.enums import Sector
from exchange.countries import country_name
from hospitality.enums import InvitationStatus
from hospitality.models import Invitation
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from programs.models import Participant, Program, Stop

MEETING_KINDS = (ItemKind.MEETING, ItemKind.SITE_VISIT)
HELD_STATUSES = (ItemStatus.CONFIRMED, ItemStatus.THANKED)


@dataclasses.dataclass
class Statistics:
    programs: list
    meetings_held: int
    host_organizations: int
    hosts_by_sector: list  # [(sector label, count)]
    new_hosts: int
    returning_hosts: int
    volunteer_households: int
    volunteer_hours: float
    visitors: int
    visitors_by_country: list  # [(ISO country code, count)]: grouped by code, named when shown
    cities: list  # [(city, programs)]
    as_of: dt.datetime  # the moment the figures were computed: meetings count as held once they have ended by then

    def countries_named(self):
        """``[(name in the active language, count)]``; a participant whose country is not chosen yet counts too."""
        return [(country_name(code) if code else _("country not chosen"), n) for code, n in self.visitors_by_country]

    def chart_data(self):
        """What the page's charts draw, embedded with ``json_script``."""
        return {
            "sectors": {
                "labels": [str(label) for label, _n in self.hosts_by_sector],
                "values": [n for _l, n in self.hosts_by_sector],
            },
            "countries": {
                "labels": [str(name) for name, _n in self.countries_named()],
                "values": [n for _c, n in self.visitors_by_country],
            },
            "hosts": {"labels": ["new", "returning"], "values": [self.new_hosts, self.returning_hosts]},
            "meetings": {
                "labels": [program.title for program in self.programs],
                "values": [program.meetings_held for program in self.programs],
            },
        }

    def rows(self):
        """(figure, key, value) rows for the CSV export."""
        yield ("meetings_held", "", self.meetings_held)
        yield ("host_organizations", "", self.host_organizations)
        for label, count in self.hosts_by_sector:
            yield ("hosts_by_sector", str(label), count)
        yield ("new_hosts", "", self.new_hosts)
        yield ("returning_hosts", "", self.returning_hosts)
        yield ("volunteer_households", "", self.volunteer_households)
        yield ("volunteer_hours", "", self.volunteer_hours)
        yield ("visitors", "", self.visitors)
        for country, count in self.visitors_by_country:
            yield ("visitors_by_country", country, count)
        for city, count in self.cities:
            yield ("cities", city, count)
        for program in self.programs:
            yield ("meetings_held_by_program", program.title, program.meetings_held)
        yield ("as_of", "", self.as_of.astimezone(dt.UTC).isoformat(timespec="seconds"))


def programs_in_year(council, year):
    return Program.objects.filter(council=council, arrival_date__year=year)


def _held_items(council, now):
    """The council's meetings held by ``now``: confirmed (or thanked) meetings and site visits that have ended."""
    return ItineraryItem.objects.filter(
        program__council=council, kind__in=MEETING_KINDS, status__in=HELD_STATUSES, ends_at__lte=now
    )


def compute(council, programs, *, now=None):
    """The statistics of ``programs`` (a queryset of the council's programs) as they stand at ``now``."""
    now = now or timezone.now()
    program_ids = programs.values("pk")
    program_list = list(
        programs.annotate(
            meetings_held=Count(
                "items",
                filter=Q(items__kind__in=MEETING_KINDS, items__status__in=HELD_STATUSES, items__ends_at__lte=now),
                distinct=True,
            )
        ).order_by("arrival_date", "title")
    )
    held = _held_items(council, now).filter(program_id__in=program_ids)
    meetings_held = held.count()
    # Per host: its first program in scope, and its first program ever (any program of the council).
    in_scope = {
        row["host_organization"]: row
        for row in held.exclude(host_organization=None)
        .values("host_organization", "host_organization__sector")
        .annotate(first_in_scope=Min("program__arrival_date"))
    }
    first_ever = dict(
        _held_items(council, now)
        .filter(host_organization__in=list(in_scope))
        .values("host_organization")
        .annotate(first=Min("program__arrival_date"))
        .values_list("host_organization", "first")
    )
    returning = sum(1 for host, row in in_scope.items() if first_ever[host] < row["first_in_scope"])
    sectors = {}
    for row in in_scope.values():
        sectors[row["host_organization__sector"]] = sectors.get(row["host_organization__sector"], 0) + 1
    hosts_by_sector = sorted(
        ((Sector(s).label, n) for s, n in sectors.items()), key=lambda pair: (-pair[1], str(pair[0]))
    )
    accepted = list(
        Invitation.objects.filter(slot__program_id__in=program_ids, status=InvitationStatus.ACCEPTED).values_list(
            "volunteer_id", "slot__starts_at", "slot__ends_at"
        )
    )
    hours = sum((ends - starts for _v, starts, ends in accepted), dt.timedelta()) / dt.timedelta(hours=1)
    by_country = list(
        Participant.objects.filter(program_id__in=program_ids)
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
        .values_list("country", "n")
    )
    cities = list(
        Stop.objects.filter(program_id__in=program_ids)
        .values("city")
        .annotate(n=Count("program", distinct=True))
        .order_by("city")
        .values_list("city", "n")
    )
    return Statistics(
        programs=program_list,
        meetings_held=meetings_held,
        host_organizations=len(in_scope),
        hosts_by_sector=hosts_by_sector,
        new_hosts=len(in_scope) - returning,
        returning_hosts=returning,
        volunteer_households=len({volunteer for volunteer, _s, _e in accepted}),
        volunteer_hours=round(hours, 1),
        visitors=sum(n for _c, n in by_country),
        visitors_by_country=by_country,
        cities=cities,
        as_of=now,
    )
