"""The journey across councils in a real browser: the agency routes a delegation through two councils, each
council accepts and adds an item to its segment, and the visitor's Today page on the hand-over day shows the
departure from one city and the arrival in the next."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from councils.enums import StaffRole
from journeys.models import NationalProgram
from programs.links import personal_link_path
from programs.models import Participant
from tests.factories import CouncilFactory, StaffMembershipFactory
from tests.journeys.journey_world import agency_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
PASSWORD = "secret-password-1"
# The hand-over day: the group leaves San Antonio in the morning and lands in St. Louis before lunch.
HAND_OVER_MORNING = dt.datetime(2027, 3, 4, 7, 30, tzinfo=CENTRAL)


@pytest.fixture
def parties():
    """Two councils (an admin each) and the agency's program officer; the clock on the hand-over morning (the
    live server runs in this process, so it reads the same clock)."""
    with time_machine.travel(HAND_OVER_MORNING, tick=True):
        san_antonio = CouncilFactory(name="San Antonio CIV", slug="saciv")
        st_louis = CouncilFactory(name="St. Louis CIV", slug="stl-civ", city="St. Louis")
        StaffMembershipFactory(council=san_antonio, role=StaffRole.ADMIN, user__username="sa-admin")
        StaffMembershipFactory(council=st_louis, role=StaffRole.ADMIN, user__username="stl-admin")
        yield {"officer": agency_officer()}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_city(page, index, *, order, city, starts_on, ends_on, council, departure=None, arrival=None):
    field = lambda name: page.locator(f'[name="segments-{index}-{name}"]')  # noqa: E731 - a short local alias
    field("order").fill(str(order))
    field("city").fill(city)
    field("starts_on").fill(starts_on)
    field("ends_on").fill(ends_on)
    field("time_zone").fill("America/Chicago")
    field("council").select_option(label=council)
    for side, leg in (("departure", departure), ("arrival", arrival)):
        if leg:
            flight, at = leg
            field(f"{side}_mode").select_option("flight")
            field(f"{side}_detail").fill(flight)
            field(f"{side}_at").fill(at)


def accept_and_add_an_item(browser, live_server, username, *, title, start, end):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, username)
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_role("button", name="Accept and create our program").click()
    expect(page.get_by_text("its program is ready to build")).to_be_visible()
    program_id = re.search(r"/programs/(\d+)/", page.url).group(1)
    page.goto(f"{live_server.url}/itinerary/{program_id}/items/new/?start={start}&end={end}")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Status").select_option("confirmed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"“{title}” is on the itinerary.")).to_be_visible()
    context.close()


def test_the_agency_routes_the_group_and_the_visitor_sees_both_cities_on_the_hand_over_day(
    page, browser, live_server, parties
):
    # The agency signs in, lands on its own page and creates the national program with two cities.
    sign_in(page, live_server, parties["officer"].username)
    expect(page.get_by_role("heading", name=re.compile("National programs"))).to_be_visible()
    page.get_by_role("link", name="New national program").click()
    page.locator("#id_title").fill("Combating Trafficking in Persons")
    page.locator("#id_arrival_date").fill("2027-03-01")
    page.locator("#id_departure_date").fill("2027-03-07")
    fill_city(
        page,
        0,
        order=1,
        city="San Antonio",
        starts_on="2027-03-01",
        ends_on="2027-03-04",
        council="San Antonio CIV",
        departure=("AA 1504", "2027-03-04T09:05"),
    )
    fill_city(
        page,
        1,
        order=2,
        city="St. Louis",
        starts_on="2027-03-04",
        ends_on="2027-03-07",
        council="St. Louis CIV",
        arrival=("AA 1504", "2027-03-04T10:55"),
    )
    page.get_by_role("button", name="Save and invite the councils").click()
    expect(page.get_by_text("is saved and its councils are invited")).to_be_visible()
    page.get_by_role("link", name="Add a traveller").click()
    page.get_by_label("Full name").fill("Lucía Fernández")
    page.get_by_label("Country").select_option("AR")
    page.get_by_label("Email").fill("lucia@example.com")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("table.council-status")).to_contain_text("Invited")

    # Each council accepts from its dashboard and adds a confirmed item to its segment.
    accept_and_add_an_item(
        browser,
        live_server,
        "sa-admin",
        title="Check-out and ride to the airport",
        start="2027-03-04T07:00",
        end="2027-03-04T08:00",
    )
    accept_and_add_an_item(
        browser,
        live_server,
        "stl-admin",
        title="Welcome lunch",
        start="2027-03-04T13:00",
        end="2027-03-04T14:00",
    )
    page.reload()
    expect(page.locator("table.council-status")).not_to_contain_text("Invited")
    expect(page.get_by_text("Welcome lunch")).to_be_visible()

    # The visitor opens the link San Antonio gave her: Today shows leaving San Antonio and arriving in St. Louis.
    national_program = NationalProgram.objects.get()
    lucia = Participant.objects.get(traveller__national_program=national_program, program__council__slug="saciv")
    visitor_context = browser.new_context()
    visitor = visitor_context.new_page()
    visitor.goto(live_server.url + personal_link_path(lucia))
    expect(visitor.get_by_role("heading", name="Check-out and ride to the airport")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Welcome lunch")).to_be_visible()
    expect(visitor.get_by_text(re.compile(r"Leaving San Antonio"))).to_be_visible()
    expect(visitor.get_by_text(re.compile(r"Arriving in St\. Louis"))).to_be_visible()
    expect(visitor.locator("body")).to_contain_text("AA 1504")
    visitor_context.close()
