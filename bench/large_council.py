"""Load a large council into the configured database, for the benchmark.

40 two-week programs of 120 items each, 600 participants, 2,000 volunteers, 1,000 host organisations with a
contact and a venue each, plus a small program of 10 items (to compare query counts). Bulk inserts; idempotent
per council slug (an existing benchmark council is deleted first).
"""

import datetime as dt
import random
import zoneinfo

from django.contrib.auth import get_user_model
from django.db import transaction

from councils.enums import StaffRole
from councils.models import Council, StaffMembership
from directory.enums import Sector
from directory.models import Contact, HostOrganization, Venue
from hospitality.models import Volunteer
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem
from programs.enums import ProgramStatus
from programs.models import Participant, Program, Stop

SLUG = "bench-council"
USERNAME = "bench-staff"
PASSWORD = "bench-password-1"
ZONE = "America/Chicago"
PROGRAMS = 40
ITEMS_PER_PROGRAM = 120
PARTICIPANTS = 600
VOLUNTEERS = 2000
ORGANIZATIONS = 1000


def _items(program, stop, count, orgs, venues, start):
    tz = zoneinfo.ZoneInfo(ZONE)
    rows = []
    for n in range(count):
        day = start + dt.timedelta(days=n // 9)
        hour = 8 + n % 9
        org_index = (program.pk * 7 + n) % len(orgs)
        starts = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=tz)
        rows.append(
            ItineraryItem(
                program=program,
                stop=stop,
                title=f"Meeting {n} of {program.title}",
                kind=ItemKind.MEETING,
                status=random.choice(
                    [ItemStatus.CONFIRMED, ItemStatus.CONFIRMED, ItemStatus.REQUESTED, ItemStatus.IDEA]
                ),
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=50),
                host_organization=orgs[org_index],
                venue=venues[org_index],
                visitor_notes="Bring your badge.",
                internal_notes="Parking at the back.",
            )
        )
    return ItineraryItem.objects.bulk_create(rows)


@transaction.atomic
def load(today=None):
    random.seed(7)
    today = today or dt.datetime.now(tz=zoneinfo.ZoneInfo(ZONE)).date()
    # Items protect their stops, venues and hosts: remove them before the council they belong to.
    ItineraryItem.objects.filter(program__council__slug=SLUG).delete()
    Council.objects.filter(slug=SLUG).delete()
    council = Council.objects.create(name="Benchmark Council", slug=SLUG, city="San Antonio", time_zone=ZONE)
    user_model = get_user_model()
    user_model.objects.filter(username=USERNAME).delete()
    user = user_model.objects.create_user(USERNAME, f"{USERNAME}@example.org", PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=user, council=council, role=StaffRole.ADMIN)

    orgs = HostOrganization.objects.bulk_create(
        HostOrganization(council=council, name=f"Organization {n}", sector=random.choice(Sector.values))
        for n in range(ORGANIZATIONS)
    )
    Contact.objects.bulk_create(
        Contact(organization=org, name=f"Contact {n}", email=f"contact{n}@example.org") for n, org in enumerate(orgs)
    )
    venues = Venue.objects.bulk_create(
        Venue(council=council, name=f"Venue {n}", address=f"{n} Main St", city="San Antonio", organization=org)
        for n, org in enumerate(orgs)
    )
    Volunteer.objects.bulk_create(
        Volunteer(
            council=council,
            household_name=f"Household {n}",
            contact_name=f"Host {n}",
            email=f"volunteer{n}@example.net",
            languages=random.choice(["en", "en,es", "en,pt", "en,fr"]),
            max_guests=random.randint(1, 4),
            available_weekdays=[6, 7],
        )
        for n in range(VOLUNTEERS)
    )
    programs = []
    for n in range(PROGRAMS):
        start = today - dt.timedelta(days=7) + dt.timedelta(days=14 * (n - 20))
        programs.append(
            Program(
                council=council,
                title=f"Program {n}",
                arrival_date=start,
                departure_date=start + dt.timedelta(days=14),
                status=ProgramStatus.PLANNING,
            )
        )
    start = today - dt.timedelta(days=2)
    small = Program(
        council=council,
        title="Small program",
        arrival_date=start,
        departure_date=start + dt.timedelta(days=14),
        status=ProgramStatus.IN_PROGRESS,
    )
    programs = Program.objects.bulk_create([*programs, small])
    stops = Stop.objects.bulk_create(
        Stop(program=p, city="San Antonio", start_date=p.arrival_date, end_date=p.departure_date, time_zone=ZONE)
        for p in programs
    )
    per_program = PARTICIPANTS // PROGRAMS
    participants = Participant.objects.bulk_create(
        Participant(
            program=p,
            first_name=f"Visitor{i}",
            last_name=f"P{p.pk}",
            country="PE",
            preferred_language="es",
            email=f"v{i}.p{p.pk}@example.com",
        )
        for p in programs
        for i in range(per_program)
    )
    for program, stop in zip(programs, stops, strict=True):
        count = 10 if program is small else ITEMS_PER_PROGRAM
        items = _items(program, stop, count, orgs, venues, program.arrival_date)
        through = ItineraryItem.contacts.through
        contacts = {c.organization_id: c for c in Contact.objects.filter(organization__council=council)}
        through.objects.bulk_create(
            through(itineraryitem_id=i.pk, contact_id=contacts[i.host_organization_id].pk) for i in items
        )
    big = programs[20]  # the one in progress today
    return {
        "council": council,
        "user": user,
        "big_program": big,
        "small_program": small,
        "big_participant": next(p for p in participants if p.program_id == big.pk),
        "small_participant": next(p for p in participants if p.program_id == small.pk),
    }
