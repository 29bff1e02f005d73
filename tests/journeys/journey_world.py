"""An agency, its officer, and a national program routed through two councils (San Antonio, then St. Louis)."""

import datetime as dt
import zoneinfo

from councils.enums import StaffRole
from journeys.enums import AgencyRole, SegmentState, TravelMode
from journeys.models import Agency, AgencyMembership, NationalProgram, Segment, Traveller
from tests.factories import StaffMembershipFactory, UserFactory

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
ARRIVAL = dt.date(2027, 3, 1)  # a Monday
HAND_OVER_DAY = dt.date(2027, 3, 4)


def agency_officer(*, name="Northfield International Programs", slug="northfield", role=AgencyRole.PROGRAM_OFFICER):
    agency, _created = Agency.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "time_zone": "America/New_York", "email": f"programs@{slug}.example", "language": "en"},
    )
    user = UserFactory(username=f"{slug}-officer-{role}", is_staff=False)
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


def council_admin(council):
    return StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user


def national_program(agency, *, first_council, second_council):
    """Invited, not yet answered: San Antonio 1–4 March, St. Louis 4–7 March (a flight on the 4th)."""
    program = NationalProgram.objects.create(
        agency=agency,
        title="Combating Trafficking in Persons",
        agency_reference="NIP-2027-CTIP",
        theme="Combating trafficking in persons",
        arrival_date=ARRIVAL,
        departure_date=ARRIVAL + dt.timedelta(days=6),
    )
    departs = dt.datetime.combine(HAND_OVER_DAY, dt.time(9, 5), tzinfo=CENTRAL)
    Segment.objects.create(
        national_program=program,
        order=1,
        city="San Antonio",
        region="TX",
        time_zone="America/Chicago",
        starts_on=ARRIVAL,
        ends_on=HAND_OVER_DAY,
        council=first_council,
        state=SegmentState.INVITED,
        arrival_mode=TravelMode.FLIGHT,
        arrival_detail="UA 1234",
        departure_mode=TravelMode.FLIGHT,
        departure_detail="WN 2210",
        departure_at=departs,
    )
    Segment.objects.create(
        national_program=program,
        order=2,
        city="St. Louis",
        region="MO",
        time_zone="America/Chicago",
        starts_on=HAND_OVER_DAY,
        ends_on=ARRIVAL + dt.timedelta(days=6),
        council=second_council,
        state=SegmentState.INVITED,
        arrival_mode=TravelMode.FLIGHT,
        arrival_detail="WN 2210",
        arrival_at=departs + dt.timedelta(hours=2),
    )
    Traveller.objects.create(
        national_program=program,
        full_name="Lucía Fernández",
        email="lucia@example.com",
        phone="+5491155550100",
        country="AR",
        language="es",
        dietary_needs="Vegetarian",
        bio="Prosecutor in Buenos Aires.",
        share_bio=True,
    )
    Traveller.objects.create(
        national_program=program,
        full_name="Rafael Quispe",
        email="rafael@example.com",
        country="PE",
        language="es",
        bio="Private bio, not shared.",
        share_bio=False,
    )
    return program
