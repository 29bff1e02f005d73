import datetime as dt
import zoneinfo

import factory
from django.contrib.auth import get_user_model

from councils.enums import StaffRole
from councils.models import Council, StaffMembership
from directory.models import Contact, HostOrganization, Venue
from hospitality.models import HospitalitySlot, Invitation, Volunteer
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from programs.enums import ProgramStaffRole, ProgramStatus
from programs.models import Participant, Program, ProgramStaffMember, Sponsor, Stop

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
PROGRAM_START = dt.date(2027, 3, 1)  # a Monday


def local(day, hour, minute=0, tz=CENTRAL):
    """An aware datetime at a wall-clock time of a zone (Central by default)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")
    city = "San Antonio"
    time_zone = "America/Chicago"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    is_staff = True
    password = factory.django.Password("secret-password-1")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = StaffRole.COORDINATOR


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        django_get_or_create = ("council", "name")

    council = factory.SubFactory(CouncilFactory)
    name = "U.S. Department of State, IVLP"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Program {n}")
    sponsor = factory.SubFactory(SponsorFactory, council=factory.SelfAttribute("..council"))
    arrival_date = PROGRAM_START
    departure_date = factory.LazyAttribute(lambda p: p.arrival_date + dt.timedelta(days=6))
    status = ProgramStatus.PLANNING


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    program = factory.SubFactory(ProgramFactory)
    city = "San Antonio"
    start_date = factory.LazyAttribute(lambda s: s.program.arrival_date)
    end_date = factory.LazyAttribute(lambda s: s.program.departure_date)
    time_zone = "America/Chicago"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(ProgramFactory)
    first_name = factory.Sequence(lambda n: f"Visitor{n}")
    last_name = "Example"
    country = "PE"
    preferred_language = "es"
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.com")


class ProgramStaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramStaffMember

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Interpreter {n}")
    role = ProgramStaffRole.INTERPRETER
    email = factory.Sequence(lambda n: f"interpreter{n}@example.com")


class HostOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostOrganization

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Host organization {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(HostOrganizationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    address = "100 Main St"
    city = "San Antonio"


class ItineraryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItineraryItem

    program = factory.SubFactory(ProgramFactory)
    stop = factory.SubFactory(StopFactory, program=factory.SelfAttribute("..program"))
    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = ItemKind.MEETING
    status = ItemStatus.CONFIRMED
    starts_at = factory.LazyAttribute(lambda i: local(i.program.arrival_date + dt.timedelta(days=1), 9))
    ends_at = factory.LazyAttribute(lambda i: i.starts_at + dt.timedelta(hours=1))


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingRequest

    item = factory.SubFactory(ItineraryItemFactory)
    contact = factory.SubFactory(ContactFactory, organization__council=factory.SelfAttribute("...item.program.council"))
    deadline = factory.LazyAttribute(lambda r: r.item.starts_at - dt.timedelta(days=7))


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    council = factory.SubFactory(CouncilFactory)
    household_name = factory.Sequence(lambda n: f"Household {n}")
    contact_name = factory.Sequence(lambda n: f"Host {n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.net")
    languages = "en,es"
    max_guests = 3


class HospitalitySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HospitalitySlot

    program = factory.SubFactory(ProgramFactory, has_home_hospitality=True)
    stop = factory.SubFactory(StopFactory, program=factory.SelfAttribute("..program"))
    starts_at = factory.LazyAttribute(lambda s: local(s.program.arrival_date + dt.timedelta(days=1), 18))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=3))
    guests_per_host = 2
    hosts_needed = 2


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    slot = factory.SubFactory(HospitalitySlotFactory)
    volunteer = factory.SubFactory(VolunteerFactory, council=factory.SelfAttribute("..slot.program.council"))
    expires_at = factory.LazyAttribute(lambda i: i.slot.starts_at - dt.timedelta(days=2))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    council = factory.SubFactory(CouncilFactory)
    kind = NotificationKind.OTHER
    recipient_type = RecipientType.OTHER
    recipient_name = "Ana Example"
    recipient_email = factory.Sequence(lambda n: f"person{n}@example.com")
    subject = "Hello"
    body_text = "Hello in text"
    body_html = "<p>Hello in HTML</p>"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
