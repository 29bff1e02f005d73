"""The pages whose markup and accessibility the suite checks, and a program under way today that fills them:
staff pages (signed in as the council's admin, whose menu is the longest), the volunteer portal (signed in from
the volunteer's link) and a visitor's pages (from their personal link).

Used by ``tests/browser/test_accessibility.py`` (axe-core in Chromium) and ``tests/test_html_validity.py`` (the Nu
HTML checker)."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from councils.enums import StaffRole
from hospitality import services as hospitality_services
from logistics.models import TransportVendor
from meetings.enums import ItemKind, ItemStatus
from programs.enums import ProgramStatus
from programs.links import personal_link_path
from tests.factories import (
    ContactFactory,
    CouncilFactory,
    HospitalitySlotFactory,
    InvitationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
    VenueFactory,
    VolunteerFactory,
    local,
)

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
STAFF_USERNAME = "council-admin"
STAFF_PASSWORD = "secret-password-1"


def build_world():
    """A five-day program in San Antonio under way today, with the data every checked page shows."""
    today = timezone.now().astimezone(CENTRAL).date()
    council = CouncilFactory(name="San Antonio Council for International Visitors", slug="saciv")
    admin = StaffMembershipFactory(
        council=council,
        role=StaffRole.ADMIN,
        user__username=STAFF_USERNAME,
        user__first_name="Robert",
        user__last_name="Hale",
    ).user
    program = ProgramFactory(
        council=council,
        title="Combating Trafficking in Persons: A Regional Project for Latin America",
        sponsor_reference="E/VRC-2019-0618",
        arrival_date=today - dt.timedelta(days=1),
        departure_date=today + dt.timedelta(days=3),
        status=ProgramStatus.IN_PROGRESS,
        has_home_hospitality=True,
        coordinator=admin,
    )
    stop = StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")
    lucia = ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", preferred_language="en")
    ParticipantFactory(program=program, first_name="Mateo", last_name="Rojas", country="BO")
    interpreter = ProgramStaffMemberFactory(program=program, name="Elena Ruiz", phone="+12105550177")
    contact = ContactFactory(
        organization__council=council,
        organization__name="San Antonio Express-News",
        name="Luke Whyte",
        phone="+12105550101",
    )
    vendor = TransportVendor.objects.create(
        council=council, name="Alamo City Coaches", contact_name="Sam Driver", phone="+12105550142"
    )
    venue = VenueFactory(council=council, name="Express-News building", address="100 N Main Ave")
    items = {}
    for title, day, hour, extra in [
        ("Program briefing", today, 8, {}),
        (
            "Labor trafficking case study with the Express-News data desk",
            today,
            12,
            {
                "venue": venue,
                "host_organization": contact.organization,
                "interpreter": interpreter,
                "transport_vendor": vendor,
                "pickup_at": local(today, 11, 30),
                "pickup_location": "Hotel lobby",
                "what_to_bring": "Photo ID",
            },
        ),
        ("County court visit", today, 14, {"status": ItemStatus.CANCELLED}),
        ("Historic San Antonio and the River Walk", today, 16, {"status": ItemStatus.REQUESTED}),
        ("Coach to Laredo", today + dt.timedelta(days=1), 7, {"kind": ItemKind.TRAVEL, "transport_vendor": vendor}),
        ("Free afternoon", today + dt.timedelta(days=1), 14, {"status": ItemStatus.IDEA}),
    ]:
        items[title] = ItineraryItemFactory(
            program=program, stop=stop, title=title, starts_at=local(day, hour), ends_at=local(day, hour + 1), **extra
        )
    meeting = items["Labor trafficking case study with the Express-News data desk"]
    meeting.contacts.set([contact])

    slot = HospitalitySlotFactory(
        program=program,
        stop=stop,
        starts_at=local(today + dt.timedelta(days=1), 18),
        ends_at=local(today + dt.timedelta(days=1), 21),
        hosts_needed=2,
        meeting_point="Hotel lobby",
    )
    accepted = InvitationFactory(
        slot=slot,
        volunteer=VolunteerFactory(council=council, household_name="The Brennans", contact_name="Kate Brennan"),
        expires_at=slot.starts_at - dt.timedelta(hours=2),
    )
    hospitality_services.accept(invitation=accepted)
    volunteer = VolunteerFactory(council=council, household_name="The Okafors", contact_name="Ada Okafor")
    pending = InvitationFactory(slot=slot, volunteer=volunteer, expires_at=slot.starts_at - dt.timedelta(hours=2))
    hospitality_services.ensure_user(volunteer)
    return SimpleNamespace(
        council=council,
        admin=admin,
        program=program,
        stop=stop,
        meeting=meeting,
        participant=lucia,
        volunteer=volunteer,
        invitation=pending,
    )


def staff_pages(world):
    program = {"program_id": world.program.pk}
    return {
        "dashboard": reverse("programs:home"),
        "calendar": reverse("meetings:calendar", kwargs=program) + f"?stop={world.stop.pk}",
        "agenda": reverse("meetings:agenda", kwargs=program),
        "item form": reverse("meetings:item_edit", kwargs={"item_id": world.meeting.pk}),
        "new item form": reverse("meetings:item_new", kwargs=program),
        "hospitality board": reverse("hospitality:board", kwargs=program),
        "escort's day": reverse("meetings:today", kwargs=program),
    }


def volunteer_pages(world):
    return {
        "volunteer portal": reverse("hospitality:portal"),
        "volunteer invitation": reverse("hospitality:portal_invitation", kwargs={"invitation_id": world.invitation.pk}),
        "volunteer household": reverse("hospitality:portal_household"),
    }


def volunteer_sign_in_path(world):
    return reverse("hospitality:sign_in") + get_query_string(world.volunteer.user)


def visitor_pages(world):
    today = personal_link_path(world.participant)
    return {"visitor today": today, "visitor program": today + "program/", "visitor people": today + "people/"}


PAGE_NAMES = (
    "dashboard",
    "calendar",
    "agenda",
    "item form",
    "new item form",
    "hospitality board",
    "escort's day",
    "volunteer portal",
    "volunteer invitation",
    "volunteer household",
    "visitor today",
    "visitor program",
    "visitor people",
)
