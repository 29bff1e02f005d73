"""The demo's journey across councils: a national program agency routes one delegation through San Antonio (the
demo's program under way, with Laredo) and then St. Louis, whose council builds the second segment.

The San Antonio council's program is the first segment (linked when it accepts); St. Louis accepts and gets a new
program of its own. Every traveller is one person in both: their San Antonio participant and their St. Louis one
point at the same traveller. San Antonio has written the hand-over note. A second run changes nothing.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model

from journeys import services as journeys
from journeys.enums import AgencyRole, SegmentState, TravelMode
from journeys.forms import HandOverForm
from journeys.models import Agency, AgencyMembership, HandOver, NationalProgram, Segment, Traveller
from meetings import services as itinerary
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem

AGENCY_USERNAME = "agency-officer"
AGENCY_REFERENCE = "NIP-2019-CTIP-LA"
CENTRAL = zoneinfo.ZoneInfo("America/Chicago")


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CENTRAL)


def _agency(password):
    agency, _ = Agency.objects.get_or_create(
        slug="northfield",
        defaults={
            "name": "Northfield International Programs",
            "time_zone": "America/New_York",
            "email": "programs@northfield.example.org",
            "language": "en",
        },
    )
    user, created = get_user_model().objects.get_or_create(
        username=AGENCY_USERNAME,
        defaults={"first_name": "Helen", "last_name": "Park", "email": "helen.park@northfield.example.org"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    AgencyMembership.objects.get_or_create(user=user, defaults={"agency": agency, "role": AgencyRole.PROGRAM_OFFICER})
    return agency, user


def _travellers(national_program, participants):
    """The agency's travellers are the San Antonio delegation (the agency sent their details to both councils)."""
    for person in participants:
        Traveller.objects.get_or_create(
            national_program=national_program,
            full_name=person.full_name,
            defaults={
                "email": person.email,
                "language": person.preferred_language,
                "country": person.country,
                "organization": person.organization,
                "role": person.role,
                "bio": person.bio,
                "share_bio": person.share_bio,
                "share_contact": person.share_contact,
                "media_consent": person.media_consent,
                "dietary_needs": person.dietary_needs,
            },
        )


def _st_louis_items(program, user):
    """The first days St. Louis has built, through the item service (the demo's other programs predate it)."""
    stop = program.stops.get()
    day = program.arrival_date
    rows = [
        ("Welcome and orientation", ItemKind.BRIEFING, ItemStatus.CONFIRMED, _at(day, 15), _at(day, 16)),
        ("Gateway Arch", ItemKind.CULTURAL, ItemStatus.CONFIRMED, _at(day + dt.timedelta(days=1), 10), None),
        (
            "Anti-trafficking coalition and its partners",
            ItemKind.MEETING,
            ItemStatus.IDEA,
            _at(day + dt.timedelta(days=2), 9, 30),
            None,
        ),
        (
            "Survivors' advocacy organization",
            ItemKind.MEETING,
            ItemStatus.IDEA,
            _at(day + dt.timedelta(days=2), 14),
            None,
        ),
    ]
    for title, kind, status, starts_at, ends_at in rows:
        if ItineraryItem.objects.filter(program=program, title=title).exists():
            continue
        itinerary.create_item(
            program=program,
            data={
                "stop": stop,
                "title": title,
                "kind": kind,
                "status": status,
                "starts_at": starts_at,
                "ends_at": ends_at or starts_at + dt.timedelta(hours=2),
                "whole_group": True,
            },
            user=user,
            judge=False,
            not_judged_because="Demo data",
        )


def load_journey(*, san_antonio_program, st_louis, st_louis_user, password):
    """The national program, its two segments accepted, the travellers linked in both cities, the hand-over note."""
    agency, officer = _agency(password)
    arrival = san_antonio_program.arrival_date
    hand_over_day = san_antonio_program.departure_date
    national_program, _ = NationalProgram.objects.get_or_create(
        agency=agency,
        agency_reference=AGENCY_REFERENCE,
        defaults={
            "title": "Combating Trafficking in Persons",
            "theme": "Combating trafficking in persons",
            "objectives": san_antonio_program.objectives,
            "arrival_date": arrival,
            "departure_date": hand_over_day + dt.timedelta(days=4),
            "created_by": officer,
        },
    )
    _travellers(national_program, san_antonio_program.participants.order_by("pk"))
    first, created = Segment.objects.get_or_create(
        national_program=national_program,
        order=1,
        defaults={
            "city": "San Antonio",
            "region": "Texas",
            "time_zone": "America/Chicago",
            "starts_on": arrival,
            "ends_on": hand_over_day,
            "council": san_antonio_program.council,
            "arrival_mode": TravelMode.FLIGHT,
            "arrival_detail": "UA 1520 Houston (IAH) → San Antonio (SAT)",
            "arrival_at": _at(arrival, 14, 35),
            "departure_mode": TravelMode.FLIGHT,
            "departure_detail": "UA 4421 Laredo (LRD) → Houston (IAH), UA 2263 → St. Louis (STL)",
            "departure_at": _at(hand_over_day, 6, 40),
        },
    )
    if created:
        journeys.invite_segment(segment=first, now=_at(arrival - dt.timedelta(days=62), 10))
    second, created = Segment.objects.get_or_create(
        national_program=national_program,
        order=2,
        defaults={
            "city": "St. Louis",
            "region": "Missouri",
            "time_zone": "America/Chicago",
            "starts_on": hand_over_day,
            "ends_on": hand_over_day + dt.timedelta(days=4),
            "council": st_louis,
            "arrival_mode": TravelMode.FLIGHT,
            "arrival_detail": "UA 2263 Houston (IAH) → St. Louis (STL)",
            "arrival_at": _at(hand_over_day, 12, 15),
            "departure_mode": TravelMode.FLIGHT,
            "departure_detail": "AA 1841 St. Louis (STL) → Washington (DCA)",
            "departure_at": _at(hand_over_day + dt.timedelta(days=4), 11, 5),
        },
    )
    if created:
        journeys.invite_segment(segment=second, now=_at(arrival - dt.timedelta(days=40), 10))
    san_antonio_admin = san_antonio_program.council.memberships.filter(role="admin").first().user
    if first.state == SegmentState.INVITED:
        journeys.accept_segment(
            segment_id=first.pk,
            council=san_antonio_program.council,
            user=san_antonio_admin,
            program=san_antonio_program,
            now=_at(arrival - dt.timedelta(days=60), 11),
        )
    if second.state == SegmentState.INVITED:
        journeys.accept_segment(
            segment_id=second.pk, council=st_louis, user=st_louis_user, now=_at(arrival - dt.timedelta(days=35), 9)
        )
    second.refresh_from_db()
    _st_louis_items(second.program, st_louis_user)
    first.refresh_from_db()
    if not HandOver.objects.filter(from_segment=first, sent_at__isnull=False).exists():
        note = HandOver.objects.get(from_segment=first)
        form = HandOverForm(
            {
                "health": "Rodrigo Quispe twisted an ankle at the Laredo shelter visit: walks slowly, no stairs if "
                "there is a lift.",
                "diet": "Marcos Giménez and Itzel Barrios are vegetarian; Yesenia Peralta eats no pork.",
                "interpreter": "The Spanish interpreter stays with the group; Sofía Pereira prefers Portuguese "
                "materials.",
                "group_changes": "",
                "other": "The group asked for time to visit a pharmacy on arrival.",
                "version": note.version,
            },
            instance=note,
        )
        form.is_valid()
        journeys.save_hand_over(
            segment=first,
            form=form,
            expected_version=note.version,
            user=san_antonio_admin,
            now=_at(hand_over_day - dt.timedelta(days=1), 18),
        )
    return national_program
