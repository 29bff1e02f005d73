"""The calendar builder in a real browser: sign in, select a range, fill the form, drag, see conflicts."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from meetings.models import ItineraryItem
from tests.factories import (
    CouncilFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    local,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY, WEDNESDAY, THURSDAY = dt.date(2027, 3, 2), dt.date(2027, 3, 3), dt.date(2027, 3, 4)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The browser sits in Tokyo while the stop is in Texas: the calendar must still show and send Texas time.
    return {**browser_context_args, "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def itinerary():
    council = CouncilFactory(name="San Antonio CIV", slug="saciv")
    StaffMembershipFactory(council=council, user__username="coordinator")
    program = ProgramFactory(council=council, title="Combating Trafficking in Persons")
    stop = StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")
    ParticipantFactory(program=program, first_name="Ana", last_name="Ruiz")
    ItineraryItemFactory(
        program=program, stop=stop, title="River Walk", starts_at=local(WEDNESDAY, 10), ends_at=local(WEDNESDAY, 11)
    )
    return program


def slot_point(page, day, time):
    """The middle of the calendar cell of ``day`` at ``time`` (HH:MM:SS), a little below the slot's top."""
    column = page.locator(f'td.fc-timegrid-col[data-date="{day:%Y-%m-%d}"]').bounding_box()
    lane = page.locator(f'td.fc-timegrid-slot-lane[data-time="{time}"]').bounding_box()
    return column["x"] + column["width"] / 2, lane["y"] + 4


def drag(page, source, target):
    page.mouse.move(*source)
    page.mouse.down()
    page.mouse.move(source[0] + 5, source[1] + 5, steps=3)
    page.mouse.move(*target, steps=12)
    page.mouse.up()


def in_column(page, day, title):
    return page.locator(f'td.fc-timegrid-col[data-date="{day:%Y-%m-%d}"] .fc-timegrid-event', has_text=title)


def drag_event(page, title, day):
    event = page.locator(".fc-timegrid-event", has_text=title)
    box = event.bounding_box()
    start = (box["x"] + box["width"] / 2, box["y"] + 6)
    target_column = page.locator(f'td.fc-timegrid-col[data-date="{day:%Y-%m-%d}"]').bounding_box()
    drag(page, start, (target_column["x"] + target_column["width"] / 2, start[1]))


def test_staff_build_an_item_on_the_calendar_and_see_conflicts_come_and_go(page, live_server, itinerary):
    page.set_viewport_size({"width": 1400, "height": 2200})

    # Sign in through the form.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()

    # Select Tuesday 10:00–11:00 on the calendar: the item form opens pre-filled.
    page.goto(f"{live_server.url}/itinerary/{itinerary.pk}/calendar/")
    expect(page.locator(".fc-timegrid-event", has_text="River Walk")).to_be_visible()
    drag(page, slot_point(page, TUESDAY, "10:00:00"), slot_point(page, TUESDAY, "10:30:00"))
    expect(page.get_by_role("heading", name="New item")).to_be_visible()
    expect(page.get_by_label("Starts (local time)")).to_have_value("2027-03-02T10:00")
    expect(page.get_by_label("Ends (local time)")).to_have_value("2027-03-02T11:00")
    page.get_by_label("Title").fill("Express-News data desk")
    page.get_by_role("button", name="Save").click()

    newsroom = page.locator(".fc-timegrid-event", has_text="Express-News data desk")
    river_walk = page.locator(".fc-timegrid-event", has_text="River Walk")
    expect(newsroom).to_be_visible()
    expect(page.locator(".fc-event .conflict-marker")).to_have_count(0)
    item = ItineraryItem.objects.get(title="Express-News data desk")
    assert item.starts_at == local(TUESDAY, 10)

    # Drag it onto Wednesday, over the River Walk: the server asks why; with a reason both items show a marker.
    drag_event(page, "Express-News data desk", WEDNESDAY)
    expect(page.get_by_role("heading", name="This move creates conflicts")).to_be_visible()
    page.get_by_label("Move anyway, because").fill("The newsroom only has this slot")
    page.get_by_role("button", name="Move anyway").click()
    expect(in_column(page, WEDNESDAY, "Express-News data desk")).to_be_visible()
    expect(newsroom.locator(".conflict-marker")).to_have_count(1)
    expect(river_walk.locator(".conflict-marker")).to_have_count(1)
    item.refresh_from_db()
    assert (item.starts_at, item.conflict_override_reason) == (
        local(WEDNESDAY, 10),
        "The newsroom only has this slot",
    )

    # Drag it away to Thursday: the markers disappear.
    with page.expect_response(lambda response: "/move/" in response.url and response.status == 200):
        drag_event(page, "Express-News data desk", THURSDAY)
    expect(in_column(page, THURSDAY, "Express-News data desk")).to_be_visible()
    expect(page.locator(".fc-event .conflict-marker")).to_have_count(0)
    item.refresh_from_db()
    assert (item.starts_at, item.version) == (local(THURSDAY, 10), 3)


def test_staff_lengthen_an_item_by_dragging_its_end(page, live_server, itinerary):
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/itinerary/{itinerary.pk}/calendar/")
    river_walk = page.locator(".fc-timegrid-event", has_text="River Walk")
    expect(river_walk).to_be_visible()

    # The handle at the bottom of the event shows on hover; drop it in the 11:00–11:30 slot.
    river_walk.hover()
    handle = river_walk.locator(".fc-event-resizer-end").bounding_box()
    with page.expect_response(lambda response: "/move/" in response.url and response.status == 200):
        drag(
            page,
            (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2),
            slot_point(page, WEDNESDAY, "11:00:00"),
        )

    item = ItineraryItem.objects.get(title="River Walk")
    assert (item.starts_at, item.ends_at, item.version) == (local(WEDNESDAY, 10), local(WEDNESDAY, 11, 30), 2)
    page.reload()
    expect(river_walk).to_contain_text("10:00 - 11:30")


def test_a_drag_in_one_page_and_a_form_saved_in_another_both_survive(page, live_server, itinerary):
    """The same coordinator has the calendar open in one tab and the item's form in another."""
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    item = ItineraryItem.objects.get(title="River Walk")
    form_page = page.context.new_page()
    form_page.goto(f"{live_server.url}/itinerary/items/{item.pk}/edit/")
    expect(form_page.get_by_label("Title")).to_have_value("River Walk")

    # The calendar, loaded after the form: the drag moves the item to Thursday.
    page.goto(f"{live_server.url}/itinerary/{itinerary.pk}/calendar/")
    expect(page.locator(".fc-timegrid-event", has_text="River Walk")).to_be_visible()
    with page.expect_response(lambda response: "/move/" in response.url and response.status == 200):
        drag_event(page, "River Walk", THURSDAY)

    # The form, opened before the drag, changes the topic and the title: it saves, and keeps the drag's time.
    form_page.get_by_label("Title").fill("River Walk with the mayor")
    form_page.get_by_label("Topic").fill("Urban renewal")
    form_page.get_by_role("button", name="Save").click()
    expect(form_page.locator(".fc-timegrid-event", has_text="River Walk with the mayor")).to_be_visible()

    item.refresh_from_db()
    assert (item.title, item.topic, item.starts_at) == (
        "River Walk with the mayor",
        "Urban renewal",
        local(THURSDAY, 10),
    )
    expect(form_page.get_by_text("your changes were merged with theirs")).to_be_visible()
