"""Clean pages on a phone and on a laptop: axe-core finds no serious or critical violation on the staff pages (the
dashboard, calendar, agenda, item form, hospitality board, the escort's day), the volunteer portal and a visitor's
pages, at 360 and 1280 px; and at 360 px none of them scrolls sideways.

axe-core is test-only: its ``axe.min.js`` is vendored in ``tests/browser/vendor/axe-core/`` (pinned in
package.json), never served from static/. It is injected as an inline script, which the site's content security
policy refuses: these browser contexts bypass the policy (and only these)."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.pages import (
    PAGE_NAMES,
    STAFF_PASSWORD,
    STAFF_USERNAME,
    build_world,
    staff_pages,
    visitor_pages,
    volunteer_pages,
    volunteer_sign_in_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1280)
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world():
    return build_world()


def sign_in(page, live_server, world, name):
    """Open the way the page's reader does, and return the page's path."""
    if name in staff_pages(world):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(STAFF_USERNAME)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Programs")).to_be_visible()
        return staff_pages(world)[name]
    if name in volunteer_pages(world):
        page.goto(live_server.url + volunteer_sign_in_path(world))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return volunteer_pages(world)[name]
    return visitor_pages(world)[name]


def open_page(page, url):
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    if page.locator("#calendar").count():  # drawn by FullCalendar, its items fetched (networkidle, above)
        expect(page.locator("#calendar .fc-timegrid-body")).to_be_visible()


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (impacts) => {
            const results = await axe.run(document, { resultTypes: ["violations"] });
            return results.violations
                .filter((v) => impacts.includes(v.impact))
                .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }""",
        list(SERIOUS),
    )


def scroll_overflow(page):
    """How far the page reaches past the window's right edge (0: no sideways scroll), and what reaches out."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const over = document.documentElement.scrollWidth - width;
            const outside = [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > width + 1)
                .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
                .slice(0, 5)
                .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join("."));
            return over > 0 ? [over, outside] : [0, []];
        }"""
    )


def test_every_checked_page_is_listed(world):
    listed = {**staff_pages(world), **volunteer_pages(world), **visitor_pages(world)}

    assert sorted(listed) == sorted(PAGE_NAMES)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_serious_accessibility_violation_and_no_sideways_scroll_on_a_phone(page, live_server, world, name):
    path = sign_in(page, live_server, world, name)
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        open_page(page, live_server.url + path)
        violations = serious_violations(page)
        if violations:
            found[f"axe at {width} px"] = violations
        if width == 360:
            over, outside = scroll_overflow(page)
            if over:
                found["scrolls sideways at 360 px"] = [f"{over} px too wide: {', '.join(outside)}"]

    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def test_the_menu_collapses_on_a_phone_and_fits_a_laptop(page, live_server, world):
    sign_in(page, live_server, world, "dashboard")
    menu = page.get_by_role("navigation", name="Main")

    page.set_viewport_size({"width": 360, "height": 800})
    expect(menu.get_by_role("button", name="Sign out")).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    expect(menu.get_by_role("link", name="Council settings")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()
    sign_out = menu.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box["x"] + box["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_running_late_on_a_phone_moves_the_rest_of_the_day(page, live_server, world):
    meeting = world.meeting  # today 12:00–13:00 CST, the day's second item
    planned = meeting.starts_at
    # 10:00 in San Antonio on the day (the clock runs on): the meeting is still to come, whenever the suite runs.
    with time_machine.travel(planned - dt.timedelta(hours=2)):
        path = sign_in(page, live_server, world, "escort's day")
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(live_server.url + path)
        expect(page.get_by_role("link", name="Call Luke Whyte")).to_have_attribute("href", "tel:+12105550101")
        expect(page.locator(".now-next .next")).to_contain_text(meeting.title)

        page.get_by_label("Minutes late").fill("15")
        page.get_by_role("button", name="Move the rest of today").click()

        expect(page.get_by_role("status")).to_contain_text("moved 15 minutes later")
        expect(page.locator(f"#item-{meeting.pk} time").first).to_contain_text("12:15–13:15")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    meeting.refresh_from_db()
    assert meeting.starts_at == planned + dt.timedelta(minutes=15)
