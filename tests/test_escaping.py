"""Names typed by volunteers, visitors and staff are shown escaped on every staff page and in every message preview.

A volunteer saved the name ``<meta http-equiv="refresh" content="0;url=https://evil.example/">`` from their own
link; the staff previews of a prepared message and of a daily schedule printed it as HTML, because the plain-text
part of a message came out of the template engine marked safe. This test builds a program whose every name is
hostile, then opens every staff URL of the project (the patterns ``tests/test_access_matrix.py`` enumerates, with
their parameters filled from the objects made here) and each message preview, and checks that no hostile string
is in any HTML page as it was typed, and that the escaped form is where the name is shown.
"""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from api.models import ApiToken
from audit.models import AuditEvent
from councils.enums import StaffRole
from hospitality import services as hospitality
from journeys.enums import SegmentState
from journeys.models import Agency, HandOver, NationalProgram, Segment, Traveller
from lifecycle.enums import RespondentType, TaskMessage
from lifecycle.models import Feedback, ProgramTask
from lifecycle.sponsor_review import add_comment, publish_version
from logistics.enums import FlightDirection
from logistics.models import Flight, Hotel, HotelBooking, TransportVendor
from notifications.models import Notification
from programs.enums import Consent
from tests.factories import (
    ContactFactory,
    CouncilFactory,
    HospitalitySlotFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
    VenueFactory,
    VolunteerFactory,
)
from tests.test_access_matrix import OK, OWN_STAFF, PARAMS, TABLE, _agency_exchange_kwargs, _kwargs_for
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
SCRIPT = "<script>alert(1)</script>"
# One hostile value per kind of name, each telling where it came from if it leaks.
HOSTILE = {
    "volunteer": META,
    "household": SCRIPT.replace("1", '"household"'),
    "program": SCRIPT.replace("1", '"program"'),
    "participant": SCRIPT,
    "participant_last": '<meta http-equiv="refresh" content="0;url=https://evil.example/participant">',
    "organization": SCRIPT.replace("1", '"organization"'),
    "contact": '<meta http-equiv="refresh" content="0;url=https://evil.example/contact">',
    "item": SCRIPT.replace("1", '"item"'),
    "venue": "<iframe src=https://evil.example/venue></iframe>",
    "city": "<b onmouseover=alert('city')>San Antonio</b>",
    "interpreter": SCRIPT.replace("1", '"interpreter"'),
    "vendor": SCRIPT.replace("1", '"vendor"'),
    "hotel": SCRIPT.replace("1", '"hotel"'),
    "task": SCRIPT.replace("1", '"task"'),
    "note": '<meta http-equiv="refresh" content="0;url=https://evil.example/note">',
    "feedback": SCRIPT.replace("1", '"feedback"'),
    "comment": SCRIPT.replace("1", '"comment"'),
    "api_token": SCRIPT.replace("1", '"api_token"'),
    "webhook": SCRIPT.replace("1", '"webhook"'),
    "journey": SCRIPT.replace("1", '"journey"'),
}
# The openings of the values above: a leak that a page shortened (``truncatechars``) still starts with one of them.
OPENINGS = ("<script>alert(", '<meta http-equiv="refresh"', "<img src=x onerror", "<iframe src=https://evil", "<b onm")

ARRIVAL = dt.date(2025, 3, 3)  # a past program: its dinners and meetings are over, so there is someone to thank
CENTRAL = zoneinfo.ZoneInfo("America/Chicago")


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CENTRAL)


@pytest.fixture
def hostile(council):
    """A program of ``council`` in which every name a page or message could show is hostile."""
    program = ProgramFactory(
        council=council,
        title=HOSTILE["program"],
        arrival_date=ARRIVAL,
        departure_date=ARRIVAL + dt.timedelta(days=6),
        has_home_hospitality=True,
        program_officer_name=HOSTILE["contact"],
        program_officer_email="officer@example.org",
    )
    stop = StopFactory(program=program, city=HOSTILE["city"], start_date=ARRIVAL, end_date=program.departure_date)
    participant = ParticipantFactory(
        program=program,
        first_name=HOSTILE["participant"],
        last_name=HOSTILE["participant_last"],
        country="PE",  # a country is an ISO code from a list, shown by its name
        role=HOSTILE["organization"],
        organization=HOSTILE["organization"],
        email="visitor@example.com",
        preferred_language="en",
        media_consent=Consent.YES,
    )
    interpreter = ProgramStaffMemberFactory(program=program, name=HOSTILE["interpreter"])
    organization = HostOrganizationFactory(council=council, name=HOSTILE["organization"])
    contact = ContactFactory(organization=organization, name=HOSTILE["contact"], email="contact@example.org")
    venue = VenueFactory(council=council, name=HOSTILE["venue"])
    vendor = TransportVendor.objects.create(council=council, name=HOSTILE["vendor"], contact_name=HOSTILE["contact"])
    item = ItineraryItemFactory(
        program=program,
        stop=stop,
        title=HOSTILE["item"],
        host_organization=organization,
        venue=venue,
        interpreter=interpreter,
        transport_vendor=vendor,
        topic=HOSTILE["note"],
        objectives=HOSTILE["note"],
        visitor_notes=HOSTILE["note"],
        internal_notes=HOSTILE["note"],
        starts_at=_at(ARRIVAL + dt.timedelta(days=1), 9),
        ends_at=_at(ARRIVAL + dt.timedelta(days=1), 10),
    )
    item.contacts.add(contact)
    meeting_request = MeetingRequestFactory(item=item, contact=contact, message=HOSTILE["note"])
    hotel = Hotel.objects.create(council=council, name=HOSTILE["hotel"], address=HOSTILE["hotel"], city="San Antonio")
    stop.hotel = hotel
    stop.save()
    HotelBooking.objects.create(stop=stop, participant=participant, confirmation_number=HOSTILE["hotel"][:60])
    flight = Flight.objects.create(
        participant=participant,
        direction=FlightDirection.ARRIVAL,
        carrier=HOSTILE["vendor"][:80],
        number="UA 1234",
        from_airport="IAH",
        to_airport="SAT",
        departs_at=_at(ARRIVAL, 12),
        arrives_at=_at(ARRIVAL, 14),
    )
    # The volunteer accepts a dinner and seats the participant: an invitation email is queued with their name.
    volunteer = VolunteerFactory(
        council=council, contact_name=HOSTILE["volunteer"], household_name=HOSTILE["household"]
    )
    slot = HospitalitySlotFactory(
        program=program,
        stop=stop,
        starts_at=_at(ARRIVAL + dt.timedelta(days=2), 18),
        ends_at=_at(ARRIVAL + dt.timedelta(days=2), 21),
        meeting_point=HOSTILE["note"],
    )
    (invitation,) = hospitality.invite(slot=slot, volunteers=[volunteer])
    hospitality.accept(invitation=invitation, note=HOSTILE["note"], now=_at(ARRIVAL, 8))
    hospitality.assign_guests(invitation=invitation, participants=[participant])
    staff = StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user
    version = publish_version(program=program, user=staff, note=HOSTILE["note"])
    add_comment(version=version, body=HOSTILE["comment"])
    Feedback.objects.create(
        program=program,
        respondent_type=RespondentType.VOLUNTEER,
        respondent_id=volunteer.pk,
        respondent_name=HOSTILE["volunteer"],
        rating=5,
        comments=HOSTILE["feedback"],
    )
    task = ProgramTask.objects.create(program=program, title=HOSTILE["task"], due_date=ARRIVAL)
    notification = Notification.objects.get(dedupe_key__startswith="hospitality:invitation:")
    kwargs = {
        "program_id": program.pk,
        "item_id": item.pk,
        "request_id": meeting_request.pk,
        "organization_id": organization.pk,
        "volunteer_id": volunteer.pk,
        "slot_id": slot.pk,
        "invitation_id": invitation.pk,
        "task_id": task.pk,
        "version_id": version.pk,
        "stop_id": stop.pk,
        "vendor_id": vendor.pk,
        "notification_id": notification.pk,
        "flight_id": flight.pk,
        "direction": FlightDirection.ARRIVAL,
        "day": (ARRIVAL + dt.timedelta(days=1)).isoformat(),
        "message": TaskMessage.HOST_DETAILS,
        "program_type": program.program_type,
        "api_token_id": ApiToken.objects.create(
            council=council, name=HOSTILE["api_token"], prefix="exk_hostile1", digest="1" * 64
        ).pk,
        "endpoint_id": WebhookEndpoint.objects.create(
            council=council, name=HOSTILE["webhook"], url="https://cases.example.org/", events=["item.created"]
        ).pk,
    }
    kwargs.update(_journey(program))
    # What the agency and the council exchanged about that segment: a version, an edit and its proposed change.
    kwargs.update(_agency_exchange_kwargs(program, item))
    client = Client()
    client.force_login(staff)
    return {
        "kwargs": kwargs,
        "tokens": {},
        "participant": participant,
        "volunteer": volunteer,
        "notification": notification,
        "client": client,
    }


def _journey(program):
    """The program as the first city of an agency's national program, whose names, next city and hand-over note
    are all hostile."""
    agency = Agency.objects.create(name=HOSTILE["journey"], slug="hostile-agency", time_zone="UTC")
    national_program = NationalProgram.objects.create(
        agency=agency,
        title=HOSTILE["journey"],
        arrival_date=program.arrival_date,
        departure_date=program.departure_date,
    )
    segment = Segment.objects.create(
        national_program=national_program,
        order=1,
        city=HOSTILE["journey"][:120],
        time_zone="America/Chicago",
        starts_on=program.arrival_date,
        ends_on=program.departure_date,
        council=program.council,
        state=SegmentState.ACCEPTED,
        program=program,
        departure_detail=HOSTILE["journey"][:200],
    )
    Segment.objects.create(
        national_program=national_program,
        order=2,
        city=HOSTILE["journey"][:120],
        time_zone="America/Chicago",
        starts_on=program.departure_date,
        ends_on=program.departure_date,
        council=CouncilFactory(name=HOSTILE["journey"][:200], slug="hostile-council"),
        state=SegmentState.ACCEPTED,
        program=ProgramFactory(title=HOSTILE["journey"]),
    )
    Traveller.objects.create(national_program=national_program, full_name=HOSTILE["journey"], country="PE")
    HandOver.objects.create(from_segment=segment, health=HOSTILE["journey"], sent_at=timezone.now())
    return {"national_program_id": national_program.pk, "segment_id": segment.pk}


def _staff_urls(world):
    """Every URL a council's staff open (no signed link in it), with its parameters filled from ``world``."""
    urls = []
    for name in sorted(PARAMS):
        row = TABLE[name]
        if row.token or row.expect[OWN_STAFF] != OK:
            continue
        url = reverse(name, kwargs=_kwargs_for(name, world, OWN_STAFF))
        if row.query:
            url += f"?participant={world['participant'].pk}&day={world['kwargs']['day']}"
        urls.append(url)
    return urls


def _previews(world):
    """The message previews, each with the hostile names it must show (escaped)."""
    program_id = world["kwargs"]["program_id"]
    day = world["kwargs"]["day"]
    participant = world["participant"]
    prepared = {
        TaskMessage.HOST_DETAILS: ["volunteer", "program", "participant"],
        TaskMessage.SPONSOR_UPDATE: ["program", "item"],
        TaskMessage.THANK_YOU: ["contact", "program"],
    }
    previews = {
        reverse("lifecycle:prepared_message", kwargs={"program_id": program_id, "message": message}): names
        for message, names in prepared.items()
    }
    previews[reverse("notifications:preview") + f"?participant={participant.pk}&day={day}"] = [
        "participant",
        "item",
        "program",
    ]
    previews[reverse("notifications:detail", kwargs={"notification_id": world["notification"].pk})] = [
        "volunteer",
        "program",
    ]
    return previews


def _leaks(body):
    return sorted({key for key, value in HOSTILE.items() if value in body} | {o for o in OPENINGS if o in body})


def test_no_staff_page_or_preview_shows_a_hostile_name_unescaped(hostile):
    client = hostile["client"]
    # Something for the audit log to show: exporting the participant records an event labelled with their name.
    export = reverse("audit:export", kwargs={"kind": "participant", "person_id": hostile["participant"].pk})
    assert client.get(export).status_code == 200
    assert AuditEvent.objects.filter(object_label__contains=HOSTILE["participant"]).exists()
    previews = _previews(hostile)
    extra = [
        reverse("audit:erase", kwargs={"kind": "volunteer", "person_id": hostile["volunteer"].pk}),
        reverse("lifecycle:statistics") + f"?year={ARRIVAL.year}",
        reverse("programs:home") + "?q=" + "%3Cscript%3E",
        reverse("hospitality:volunteers") + "?q=" + "%3Cmeta",
    ]

    leaks, unshown, html_pages, shown = {}, [], 0, {key: 0 for key in HOSTILE}
    for url in _staff_urls(hostile) + list(previews) + extra:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 405 or not response.get("Content-Type", "").startswith("text/html"):
            continue  # a POST-only action; a CSV, PDF, JSON or calendar file is not rendered as a page
        html_pages += 1
        body = response.content.decode()
        if found := _leaks(body):
            leaks[url] = found
        for key, value in HOSTILE.items():
            shown[key] += escape(value) in body
        unshown += [(url, key) for key in previews.get(url, []) if escape(HOSTILE[key]) not in body]

    assert leaks == {}, "pages that show a hostile name unescaped"
    assert unshown == [], "previews that do not show these names escaped"
    assert html_pages > 40
    # The walk reached the pages that show these names: each one appears, escaped, somewhere.
    assert [key for key, count in shown.items() if not count] == []


def test_the_text_part_of_a_message_is_plain_text_not_html(hostile):
    """The rendered text part is a plain ``str``: no template or view can print it as HTML by accident."""
    from lifecycle.prepared_messages import drafts_for
    from programs.models import Program

    program = Program.objects.get(pk=hostile["kwargs"]["program_id"])
    subject, body_text = drafts_for(program, TaskMessage.HOST_DETAILS)[0].render()

    assert HOSTILE["volunteer"] in body_text  # as the volunteer typed it: the email's text part is not HTML
    assert type(body_text) is str
    assert type(subject) is str


def test_the_html_part_is_shown_only_in_a_sandboxed_frame_under_its_own_policy(hostile):
    client = hostile["client"]
    notification = hostile["notification"]

    page = client.get(reverse("notifications:detail", kwargs={"notification_id": notification.pk})).content.decode()
    frame = client.get(reverse("notifications:detail_html", kwargs={"notification_id": notification.pk}))

    assert 'sandbox=""' in page
    assert "force_escape" not in page  # the template's comments stay comments
    assert "srcdoc" not in page  # the HTML part is never inlined into the staff page
    assert notification.body_html not in page
    policy = frame["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert escape(HOSTILE["volunteer"]) in frame.content.decode()
    assert HOSTILE["volunteer"] not in frame.content.decode()
