"""Every time on a staff page is on the right clock and says which: the stop's for a program's things, the
council's otherwise (``councils.time_zones``, the ``local_time`` template library).

Reported: the personal-links page said "12:17 p.m." for 6:17 a.m. CST; the outbox and the sponsor versions showed
unlabelled UTC; a dinner on the evening of 2 December was titled "Dinner 2026-12-03". This test builds a program
whose stop is in America/Chicago with one of each thing that carries a time, all made at 12:17 UTC (06:17 CST) on
2 December, and opens every staff page of the project (the URL patterns and parameters of
``tests/test_access_matrix.py``): no time may appear without a zone label, and none on the UTC clock.
"""

import datetime as dt
import html
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from audit.models import AuditEvent
from councils import time_zones
from councils.enums import StaffRole
from hospitality import services as hospitality
from lifecycle.enums import TaskMessage
from lifecycle.models import ProgramTask
from lifecycle.services import complete_task
from lifecycle.sponsor_review import add_comment, publish_version
from logistics.enums import FlightDirection
from logistics.models import Flight, TransportVendor
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    VolunteerFactory,
)
from tests.test_access_matrix import OK, OWN_STAFF, PARAMS, TABLE, _agency_exchange_kwargs, _kwargs_for
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 12, 2, 12, 17, tzinfo=dt.UTC)  # 06:17 CST
ARRIVAL = dt.date(2026, 12, 1)

# A time of day, and what may label it within the next few characters ("18:00–21:00 CST" labels both).
TIME = re.compile(r"(?<![\d:])(\d{1,2}:\d{2})(?::\d{2})?(?![\d:])")
LABEL = re.compile(r"\b(?:CST|CDT|EST|EDT|MST|MDT|PST|PDT|UTC(?:[+-]\d{2}(?::\d{2})?)?)\b|[+-]\d{2}:?\d{2}\b")
LABEL_WITHIN = 14
# Hours of any day on the local clock (the council's business hours, an example of quiet hours) are settings, not
# moments: they are left out.
WALL_CLOCK_SETTINGS = re.compile(r"business hours \([\d:–-]+\)|e\.g\. [\d:]+ to [\d:]+", re.I)


def _at(hour, minute=0, day=ARRIVAL + dt.timedelta(days=1)):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO)


def visible_text(body):
    """What a person reads on the page: no scripts, styles or tags (attributes, e.g. an input's value, go too)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def unlabelled_times(text):
    text = WALL_CLOCK_SETTINGS.sub(" ", text)
    found = []
    for match in TIME.finditer(text):
        following = text[match.end() : match.end() + LABEL_WITHIN]
        if not LABEL.search(following):
            found.append(text[max(0, match.start() - 30) : match.end() + LABEL_WITHIN])
    return found


def _api_token(council):
    with time_machine.travel(NOW, tick=False):
        return ApiToken.objects.create(council=council, name="CRM sync", prefix="exk_chicago1", digest="2" * 64).pk


def _webhook_endpoint(council):
    with time_machine.travel(NOW, tick=False):
        return WebhookEndpoint.objects.create(
            council=council, name="Case system", url="https://cases.example.org/", events=["item.created"]
        ).pk


@pytest.fixture
def chicago(council):
    """A program in Chicago with one of each thing that shows a time, all made at ``NOW``."""
    with time_machine.travel(NOW, tick=False):
        program = ProgramFactory(
            council=council,
            title="Combating Trafficking in Persons",
            arrival_date=ARRIVAL,
            departure_date=ARRIVAL + dt.timedelta(days=4),
            has_home_hospitality=True,
            program_officer_email="officer@example.org",
        )
        stop = StopFactory(program=program, city="Chicago", time_zone="America/Chicago")
        participant = ParticipantFactory(program=program, first_name="Lucía", preferred_language="en")
        vendor = TransportVendor.objects.create(council=council, name="Windy City Coaches")
        # A dinner meeting on the evening of 2 December: 18:17 CST is 00:17 UTC on the 3rd.
        item = ItineraryItemFactory(
            program=program,
            stop=stop,
            title="Dinner meeting",
            starts_at=_at(18, 17),
            ends_at=_at(19, 47),
            pickup_at=_at(17, 47),
            pickup_location="Hotel lobby",
            transport_vendor=vendor,
        )
        contact = ContactFactory(organization__council=council, name="Dana Reyes")
        item.contacts.add(contact)
        meeting_request = MeetingRequestFactory(item=item, contact=contact)
        slot = HospitalitySlotFactory(program=program, stop=stop, starts_at=_at(18), ends_at=_at(21))
        volunteer = VolunteerFactory(council=council)
        (invitation,) = hospitality.invite(slot=slot, volunteers=[volunteer])
        admin = StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user
        version = publish_version(program=program, user=admin, note="First version")
        add_comment(version=version, body="Looks good.")
        notification = NotificationFactory(council=council, program=program, subject="Your schedule")
        task = ProgramTask.objects.create(program=program, title="Send the final itinerary", due_date=ARRIVAL)
        complete_task(task=task, user=admin, now=NOW)
        participant.last_seen_at = NOW  # the personal link was opened
        participant.save(update_fields=["last_seen_at"])
        flight = Flight.objects.create(
            participant=participant,
            direction=FlightDirection.ARRIVAL,
            carrier="United",
            number="UA 1234",
            from_airport="IAH",
            to_airport="ORD",
            departs_at=_at(9, day=ARRIVAL),
            arrives_at=_at(11, day=ARRIVAL),
        )
        AuditEvent.objects.create(council=council, user=admin, username=admin.username, action="edit program")
    client = Client()
    client.force_login(admin)
    return {
        "client": client,
        "participant": participant,
        "volunteer": volunteer,
        "slot": slot,
        "kwargs": {
            "program_id": program.pk,
            "item_id": item.pk,
            "request_id": meeting_request.pk,
            "organization_id": contact.organization_id,
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
            "message": TaskMessage.SPONSOR_UPDATE,
            "program_type": program.program_type,
            "api_token_id": _api_token(council),
            "endpoint_id": _webhook_endpoint(council),
            # The program as a segment of an agency's national program, with what the two exchanged.
            **_agency_exchange_kwargs(program, item),
        },
        "tokens": {},
    }


def _staff_pages(world):
    urls = []
    for name in sorted(PARAMS):
        row = TABLE[name]
        if row.token or row.expect[OWN_STAFF] != OK:
            continue
        url = reverse(name, kwargs=_kwargs_for(name, world, OWN_STAFF))
        if row.query:
            url += f"?participant={world['participant'].pk}&day={world['kwargs']['day']}"
        urls.append((name, url))
    return urls


def test_no_staff_page_shows_a_time_without_its_zone_or_on_the_utc_clock(chicago):
    client = chicago["client"]
    unlabelled, on_utc, pages = {}, {}, {}
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        for name, url in _staff_pages(chicago):
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue  # a POST-only action, a redirect, a file
            text = visible_text(response.content.decode())
            pages[name] = text
            if found := unlabelled_times(text):
                unlabelled[name] = found
            # Everything was made at 12:17 UTC and the meeting starts at 00:17 UTC: neither clock may show.
            if found := [moment for moment in ("12:17", "00:17") if moment in text]:
                on_utc[name] = found

    assert unlabelled == {}, "times without their zone"
    assert on_utc == {}, "times on the UTC clock"
    assert len(pages) > 40
    # The things of the report, on the Chicago clock with its label.
    assert "06:17 CST" in pages["notifications:outbox"]
    assert "06:17 CST" in pages["notifications:detail"]
    assert "06:17 CST" in pages["lifecycle:versions"]
    assert "06:17 CST" in pages["links:program"]
    assert "06:17 CST" in pages["webhooks:endpoint"]  # the secret was made then
    assert "06:17:00 CST" in pages["audit:log"]
    assert "06:17 CST" in pages["meeting_requests:list"]  # the request was sent then
    assert "18:17–19:47 CST" in pages["meetings:agenda"]
    assert "18:00–21:00 CST" in pages["hospitality:board"]
    assert "17:47 CST" in pages["logistics:vendor_sheet"]  # the pick-up
    assert " on 2 Dec" in pages["lifecycle:checklist"]  # done at 06:17 CST on 2 December


def test_a_dinner_on_the_evening_of_2_december_is_titled_with_that_day(chicago):
    slot = chicago["slot"]

    assert slot.starts_at.astimezone(dt.UTC).date() == dt.date(2026, 12, 3)
    assert str(slot) == "Dinner 2026-12-02"
    response = chicago["client"].get(reverse("hospitality:slot", kwargs={"slot_id": slot.pk}))
    assert "<title>Dinner 2026-12-02 ·" in response.content.decode()


def test_the_zone_is_the_stops_for_a_programs_things_and_the_councils_otherwise(council):
    program = ProgramFactory(council=council, arrival_date=ARRIVAL, departure_date=ARRIVAL + dt.timedelta(days=6))
    StopFactory(program=program, time_zone="America/New_York", end_date=ARRIVAL + dt.timedelta(days=2))
    denver = StopFactory(
        program=program,
        time_zone="America/Denver",
        start_date=ARRIVAL + dt.timedelta(days=2),
        end_date=program.departure_date,
    )
    council.time_zone = "America/Los_Angeles"
    item = ItineraryItemFactory(program=program, stop=denver, starts_at=_at(9), ends_at=_at(10))

    assert time_zones.zone_for(item).key == "America/Denver"
    # A program's own moments: the stop the group is in then; before the first stop, the first; after, the last.
    assert time_zones.zone_for(program, NOW).key == "America/New_York"
    assert time_zones.zone_for(program, NOW + dt.timedelta(days=3)).key == "America/Denver"
    assert time_zones.zone_for(program, NOW - dt.timedelta(days=30)).key == "America/New_York"
    assert time_zones.zone_for(program, NOW + dt.timedelta(days=30)).key == "America/Denver"
    assert time_zones.zone_for(council).key == "America/Los_Angeles"
    assert time_zones.zone_for(ProgramFactory(council=council), NOW).key == "America/Los_Angeles"  # no stops


def test_times_are_labelled_with_the_abbreviation_or_the_offset():
    assert time_zones.format_local(NOW, CHICAGO) == "Wed 2 Dec 2026, 06:17 CST"
    assert time_zones.format_local(NOW, zoneinfo.ZoneInfo("America/Lima"), "H:i") == "07:17 UTC-05"
    assert time_zones.format_local(NOW, zoneinfo.ZoneInfo("Asia/Kathmandu"), "H:i") == "18:02 UTC+05:45"
    assert time_zones.format_local(NOW, zoneinfo.ZoneInfo("UTC"), "H:i") == "12:17 UTC"
    assert time_zones.format_span(_at(18), _at(21), CHICAGO) == "Wed 2 Dec, 18:00–21:00 CST"
    late = time_zones.format_span(_at(23), _at(23) + dt.timedelta(hours=2), CHICAGO)
    assert late == "Wed 2 Dec, 23:00 CST – Thu 3 Dec, 01:00 CST"
