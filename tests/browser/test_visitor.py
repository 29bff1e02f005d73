"""A visitor's phone: Chromium at 360 px opens a participant's personal link."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.enums import ItemStatus
from programs.links import personal_link_path
from tests.factories import (
    CouncilFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    return page


@pytest.fixture
def participant():
    """A program under way in San Antonio: three items today (one cancelled) and one tomorrow."""
    today = timezone.now().astimezone(CENTRAL).date()
    council = CouncilFactory(name="San Antonio CIV", slug="saciv")
    program = ProgramFactory(
        council=council,
        title="Combating Trafficking in Persons",
        arrival_date=today - dt.timedelta(days=1),
        departure_date=today + dt.timedelta(days=3),
    )
    stop = StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")
    venue = VenueFactory(council=council, name="Express-News building", address="200 Avenue E")
    for title, hour, extra in [
        ("Newsroom: a labor-trafficking case study", 12, {"venue": venue, "what_to_bring": "Photo ID"}),
        ("Program briefing", 8, {}),
        ("County court visit", 14, {"status": ItemStatus.CANCELLED}),
        ("River Walk", 16, {"dress_code": "Comfortable shoes"}),
        ("Coach to Laredo", 7, {"day": today + dt.timedelta(days=1)}),
    ]:
        day = extra.pop("day", today)
        ItineraryItemFactory(
            program=program,
            stop=stop,
            title=title,
            starts_at=local(day, hour),
            ends_at=local(day, hour + 1),
            **extra,
        )
    return ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", preferred_language="en")


def times(hour):
    """How the English page writes a one-hour item starting at ``hour`` today, with the zone's abbreviation."""
    start = local(timezone.now().astimezone(CENTRAL).date(), hour)
    label = {8: "8 a.m.–9 a.m.", 12: "noon–1 p.m.", 14: "2 p.m.–3 p.m.", 16: "4 p.m.–5 p.m."}[hour]
    return f"{label} {start.strftime('%Z')}"


def test_a_participants_link_shows_todays_items_in_order_with_local_times(phone, live_server, participant):
    phone.goto(live_server.url + personal_link_path(participant))

    day = phone.locator("section", has=phone.get_by_role("heading", name="The day"))
    expect(day.locator("article h3")).to_have_text(
        ["Program briefing", "Newsroom: a labor-trafficking case study", "County court visit", "River Walk"]
    )
    expect(day.locator("article .when")).to_have_text([times(8), times(12), times(14), times(16)])
    expect(day.locator("article").nth(2).locator(".flag")).to_have_text("Cancelled")
    expect(day.locator("article").nth(1)).to_contain_text("Photo ID")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_switching_to_spanish_translates_the_page(phone, live_server, participant):
    phone.goto(live_server.url + personal_link_path(participant))

    phone.get_by_label("Language").select_option("es")
    phone.get_by_role("button", name="Change language").click()

    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hoy")
    expect(phone.get_by_role("heading", name="Ahora y después")).to_be_visible()
    expect(phone.get_by_role("link", name="Programa", exact=True)).to_be_visible()
    expect(phone.locator("article .when").first).to_have_text(
        f"08:00–09:00 {local(timezone.now().astimezone(CENTRAL).date(), 8).strftime('%Z')}"
    )


def test_the_last_loaded_schedule_stays_readable_offline(phone, context, live_server, participant):
    url = live_server.url + personal_link_path(participant)
    phone.goto(url)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Polled from here: a predicate polled inside the page is evaluated as a string, which the content security
    # policy (no 'unsafe-eval') refuses whenever it is not true at the first look.
    for _ in range(100):
        if phone.evaluate("() => navigator.serviceWorker.controller !== null"):
            break
        phone.wait_for_timeout(100)
    assert phone.evaluate("() => navigator.serviceWorker.controller !== null")
    phone.get_by_role("link", name="Program", exact=True).click()
    expect(phone.get_by_role("heading", name="The whole program")).to_be_visible()
    phone.goto(url)  # now through the worker, which keeps a copy of both pages
    updated = phone.locator(".updated").inner_text()

    context.set_offline(True)
    try:
        phone.reload()

        expect(phone.locator("article h3").first).to_have_text("Program briefing")
        expect(phone.locator(".updated")).to_have_text(updated)
        expect(phone.locator("#offline-note")).to_be_visible()
        phone.get_by_role("link", name="Program", exact=True).click()
        expect(phone.get_by_role("heading", name="The whole program")).to_be_visible()
        expect(phone.locator("article h3")).to_have_count(5)
    finally:
        context.set_offline(False)
