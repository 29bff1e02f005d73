"""The program's lifecycle in a real browser: staff tick off a task and publish versions of the itinerary; the
program officer opens the emailed link and sees what moved."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from demo.loader import DEMO_PASSWORD, load_demo
from lifecycle.models import ItineraryVersion
from lifecycle.services import sync_checklist
from meetings.enums import ItemStatus
from notifications.models import Notification
from tests.factories import (
    CouncilFactory,
    ItineraryItemFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    local,
)
from tests.lifecycle.factories import ChecklistTemplateFactory, TemplateTaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = dt.date(2027, 3, 2)


@pytest.fixture
def program():
    council = CouncilFactory(name="San Antonio CIV", slug="saciv")
    StaffMembershipFactory(council=council, user__username="coordinator")
    template = ChecklistTemplateFactory(council=council)
    TemplateTaskFactory(template=template, title="Send preliminary meeting requests", offset_days=-38)
    program = ProgramFactory(
        council=council,
        title="Combating Trafficking in Persons",
        program_officer_name="Pat Officer",
        program_officer_email="officer@state.example.gov",
    )
    sync_checklist(program)
    stop = StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")
    for title, hour in [("Anti-trafficking task force", 9), ("Express-News data desk", 13)]:
        ItineraryItemFactory(
            program=program,
            stop=stop,
            title=title,
            status=ItemStatus.CONFIRMED,
            starts_at=local(TUESDAY, hour),
            ends_at=local(TUESDAY, hour + 1),
        )
    return program


def test_staff_publish_versions_and_the_program_officer_sees_the_moved_item(page, live_server, program, browser):
    # Staff sign in through the login form and tick off a task of the checklist.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    page.goto(f"{live_server.url}/lifecycle/programs/{program.pk}/")
    page.get_by_role("button", name="Mark done: Send preliminary meeting requests").click()
    expect(page.get_by_role("row", name="Send preliminary meeting requests")).to_contain_text("Done by")

    # They publish version 1, the data desk moves to the afternoon, and they publish version 2.
    page.get_by_role("link", name="Sponsor review").click()
    page.get_by_role("button", name="Publish the itinerary as a new version").click()
    expect(page.get_by_text("Version 1 is published.")).to_be_visible()
    moved = program.items.get(title="Express-News data desk")
    moved.starts_at = local(TUESDAY, 15, 30)
    moved.ends_at = local(TUESDAY, 16, 30)
    moved.save()
    page.get_by_role("button", name="Publish the itinerary as a new version").click()
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()

    # The program officer opens the emailed link, without an account, and sees the moved item marked.
    version = ItineraryVersion.objects.get(program=program, number=2)
    email = Notification.objects.get(dedupe_key=f"lifecycle:version:{version.pk}")
    link = next(word for word in email.body_text.split() if "/lifecycle/review/" in word)
    officer_context = browser.new_context()
    officer = officer_context.new_page()
    officer.goto(link.replace(settings.SITE_URL, live_server.url))
    row = officer.locator("tr.review-row", has_text="Express-News data desk")
    expect(row).to_contain_text("moved")
    expect(row).to_contain_text("Tue 2 Mar, 15:30–16:30 CST")
    expect(row).to_contain_text("was Tue 2 Mar, 13:00 CST")
    expect(officer.locator("tr.review-row", has_text="Anti-trafficking task force")).not_to_contain_text("moved")
    officer_context.close()


@pytest.fixture
def end_of_2027():
    """The end of 2027, when the demo's meetings of that year have been held (the live server runs in this
    process, so it reads the same clock)."""
    with time_machine.travel(dt.datetime(2027, 12, 31, 12, tzinfo=dt.UTC), tick=True):
        yield


def test_the_statistics_page_draws_its_charts_from_local_files(page, live_server, end_of_2027):
    load_demo(today=dt.date(2027, 6, 19))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Listened to from the statistics page on: leaving the dashboard early aborts its own requests (its icon).
    page.wait_for_url(f"{live_server.url}/")
    errors = []
    page.on(
        "console",
        lambda message: errors.append((message.text, message.location.get("url"))) if message.type == "error" else None,
    )
    page.on("requestfailed", lambda request: errors.append(request.url))
    page.goto(f"{live_server.url}/lifecycle/statistics/?year=2027")

    expect(page.locator("#figure-visitors")).to_have_text("11")
    # Polled from here: a predicate polled inside the page would be evaluated as a string, which the content
    # security policy (no 'unsafe-eval') refuses whenever the charts are not drawn at the first look.
    charts = 0
    for _ in range(100):
        charts = page.evaluate("() => Object.keys(window.Chart ? window.Chart.instances : {}).length")
        if charts == 4:
            break
        page.wait_for_timeout(100)
    assert charts == 4
    assert errors == []
