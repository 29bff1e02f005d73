"""Property-based drills: malformed or hostile input on the main forms is refused with a message, or stored as
typed and shown escaped. Never a server error, never a partial write."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hospitality.models import Volunteer
from meetings.models import ItineraryItem
from programs.models import Program
from tests.factories import ProgramFactory, StaffMembershipFactory, StopFactory

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as people (and attackers) type it: any unicode but lone surrogates, which no browser can send.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE programs_program; --",
        "x" * 5000,
        "\u202eevil",
        "null\x00byte",
        "🙂 Niño São Paulo Œuvre",
        "{{ 7*7 }}",
        "{% debug %}",
    ]
)
TIME_ZONE = st.one_of(
    st.sampled_from(["America/Chicago", "Europe/Lisbon", "Asia/Kathmandu", "Pacific/Chatham", "UTC"]),
    st.sampled_from(["America/Atlantis", "Mars/Olympus", "", "utc+3", "../../etc/passwd", "GMT+14"]),
    TEXT,
)
DATE = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2027, 12, 31)),
)


@pytest.fixture
def staff_http(council):
    client = Client(raise_request_exception=True)
    client.force_login(StaffMembershipFactory(council=council).user)
    return client


def _stored_and_escaped(text, stored, page):
    assert stored == text.strip()
    assert "<script>alert(1)</script>" not in page


@PROPERTY
@given(title=st.one_of(TEXT, HOSTILE), time_zone=TIME_ZONE, arrival=DATE, length=st.integers(-3, 30))
def test_program_form_refuses_or_stores_safely(staff_http, council, title, time_zone, arrival, length):
    departure = (
        arrival + dt.timedelta(days=length)
        if dt.date.min + dt.timedelta(days=3) < arrival < dt.date(9999, 12, 1)
        else arrival
    )
    before = Program.objects.count()
    data = {
        "title": title,
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": arrival.isoformat(),
        "departure_date": departure.isoformat(),
        "stops-TOTAL_FORMS": "1",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
        "stops-0-city": title[:100] or "City",
        "stops-0-start_date": arrival.isoformat(),
        "stops-0-end_date": departure.isoformat(),
        "stops-0-time_zone": time_zone,
    }

    response = staff_http.post(reverse("programs:program_new"), data)

    event(f"answered {response.status_code}")
    if response.status_code == 302:
        program = Program.objects.latest("pk")
        page = staff_http.get(response["Location"]).content.decode()
        _stored_and_escaped(title, program.title, page)
        assert program.stops.get().time_zone == time_zone
    else:
        assert response.status_code == 200
        assert response.context["form"].errors or response.context["stop_formset"].total_error_count()
        assert Program.objects.count() == before


@PROPERTY
@given(
    title=st.one_of(TEXT, HOSTILE),
    notes=st.one_of(TEXT, HOSTILE),
    # Wall-clock times as typed in the form: naive on purpose. Mostly around the program, some anywhere in time.
    starts=st.one_of(
        st.datetimes(min_value=dt.datetime(2027, 2, 27), max_value=dt.datetime(2027, 3, 9)),  # noqa: DTZ001
        st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),  # noqa: DTZ001
    ),
    minutes=st.integers(-120, 600),
)
def test_item_form_refuses_or_stores_safely(staff_http, council, title, notes, starts, minutes):
    program = ProgramFactory(council=council, arrival_date=dt.date(2027, 3, 1), departure_date=dt.date(2027, 3, 7))
    stop = StopFactory(program=program, time_zone="America/Chicago")
    ends = starts + dt.timedelta(minutes=minutes)
    data = {
        "title": title,
        "kind": "meeting",
        "status": "idea",
        "stop": stop.pk,
        "whole_group": "on",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": ends.strftime("%Y-%m-%dT%H:%M"),
        "visitor_notes": notes,
        "internal_notes": notes,
    }

    response = staff_http.post(reverse("meetings:item_new", args=[program.pk]), data)

    event(f"answered {response.status_code}")
    if response.status_code == 302:
        item = ItineraryItem.objects.get(program=program)
        page = staff_http.get(reverse("meetings:item", args=[item.pk])).content.decode()
        _stored_and_escaped(title, item.title, page)
        assert item.ends_at > item.starts_at
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not ItineraryItem.objects.filter(program=program).exists()


@PROPERTY
@given(
    household=st.one_of(TEXT, HOSTILE),
    languages=st.one_of(TEXT, HOSTILE),
    dates=st.one_of(TEXT, HOSTILE),
    guests=st.integers(-5, 40),
)
def test_volunteer_form_refuses_or_stores_safely(staff_http, council, household, languages, dates, guests):
    before = Volunteer.objects.count()
    data = {
        "household_name": household,
        "contact_name": "Claire",
        "email": f"v{before}@example.net",
        "languages": languages,
        "preferred_language": "en",
        "max_guests": guests,
        "available_dates": dates,
        "vetting_status": "vetted",
        "active": "on",
    }

    response = staff_http.post(reverse("hospitality:volunteer_create"), data)

    event(f"answered {response.status_code}")
    if response.status_code == 302:
        volunteer = Volunteer.objects.latest("pk")
        page = staff_http.get(reverse("hospitality:volunteers")).content.decode()
        _stored_and_escaped(household, volunteer.household_name, page)
        assert 1 <= volunteer.max_guests <= 40
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert Volunteer.objects.count() == before
