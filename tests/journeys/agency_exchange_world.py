"""A national program of an agency through two councils, each segment accepted, for the exchange tests."""

import dataclasses
import datetime as dt

from councils.enums import StaffRole
from journeys.enums import AgencyRole, SegmentState
from journeys.models import Agency, AgencyMembership, NationalProgram, Segment, Traveller
from journeys.services import accept_segment
from tests.factories import ItineraryItemFactory, StaffMembershipFactory, UserFactory, local

ARRIVAL = dt.date(2027, 3, 1)  # a Monday


@dataclasses.dataclass
class World:
    agency: Agency
    agency_user: object
    national_program: NationalProgram
    segment: Segment
    next_segment: Segment
    staff: object
    other_staff: object

    @property
    def program(self):
        return self.segment.program


def agency_with_officer(name, slug, *, email, language="es"):
    agency = Agency.objects.create(name=name, slug=slug, time_zone="America/New_York", email=email, language=language)
    user = UserFactory(username=f"{slug}-officer", is_staff=False)
    AgencyMembership.objects.create(user=user, agency=agency, role=AgencyRole.PROGRAM_OFFICER)
    return agency, user


def build_world(council, other_council):
    agency, agency_user = agency_with_officer(
        "Northfield International Programs", "northfield", email="officer@northfield.example"
    )
    national_program = NationalProgram.objects.create(
        agency=agency,
        title="Combating Trafficking in Persons",
        arrival_date=ARRIVAL,
        departure_date=ARRIVAL + dt.timedelta(days=9),
    )
    Traveller.objects.create(
        national_program=national_program,
        full_name="Lucía Fernández",
        email="lucia@example.com",
        country="AR",
        language="es",
    )
    staff = StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user
    other_staff = StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user
    segments = []
    for order, (city, owner, user, start) in enumerate(
        [
            ("San Antonio", council, staff, ARRIVAL),
            ("St. Louis", other_council, other_staff, ARRIVAL + dt.timedelta(days=5)),
        ],
        start=1,
    ):
        segment = Segment.objects.create(
            national_program=national_program,
            order=order,
            city=city,
            time_zone="America/Chicago",
            starts_on=start,
            ends_on=start + dt.timedelta(days=4),
            council=owner,
            state=SegmentState.INVITED,
        )
        segments.append(accept_segment(segment_id=segment.pk, council=owner, user=user))
    return World(agency, agency_user, national_program, segments[0], segments[1], staff, other_staff)


def item(segment, title, day, hour, **extra):
    start = local(segment.starts_on + dt.timedelta(days=day), hour)
    return ItineraryItemFactory(
        program=segment.program,
        stop=segment.program.stops.get(),
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        **extra,
    )
