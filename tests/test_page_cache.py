"""The page cache (``exchange.page_cache``): the staff dashboard, a program's calendar data, a visitor's Today page
and calendar feed are kept under the council's data version (``councils.changes``).

A kept copy saves the work of building a page and nothing else: who may see it is checked on every request, every
committed change shows on the next request, and each person, language, query, day and minute has its own copy.
Changes are made inside ``page_cache.commit()``: the data version moves after a commit, which a test otherwise never
reaches.
"""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from councils.enums import StaffRole
from lifecycle.models import ProgramTask
from lifecycle.prepared_messages import mark_thanked
from meetings import services as itinerary
from meetings.enums import ItemKind, ItemStatus, RequestStatus
from meetings.requests import expire_overdue
from programs.links import make_token
from programs.models import Stop
from tests.factories import (
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
    local,
)
from tests.visitors.conftest import DAY_1, DAY_2, NOW, make_item
from visitors import services as links

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Time stands still unless a test moves it; sign-ins happen at the same frozen time, so sessions hold."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def items(program, stop):
    """Three whole-group items on day 2 (the briefing runs at 10:30) and one the next morning."""
    return {
        "briefing": make_item(program, stop, "Program briefing", DAY_2, 10),
        "newsroom": make_item(program, stop, "Newsroom visit", DAY_2, 11),
        "lunch": make_item(program, stop, "Lunch on the River Walk", DAY_2, 13, kind=ItemKind.MEAL),
        "coach": make_item(program, stop, "Coach to Laredo", DAY_2 + dt.timedelta(days=1), 7),
    }


@pytest.fixture
def second_browser():
    """Another browser, with cookies of its own."""
    return Client()


def page_text(response):
    """The visible words of a page, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(response, labelled_by):
    """The visible words of one section of the dashboard."""
    html = response.content.decode()
    match = re.search(rf'<section[^>]* aria-labelledby="{labelled_by}">(.*?)</section>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def dashboard_row(response, title):
    """The dashboard's row of a program: {column heading: text}."""
    html = response.content.decode()
    headings = list(dict.fromkeys(re.findall(r'<th scope="col">([^<]+)</th>', html)))  # the same in every table
    row = re.search(rf"<tr>\s*<td><a [^>]*>{re.escape(title)}</a>.*?</tr>", html, flags=re.S).group(0)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return dict(zip(headings, cells, strict=False))


def dashboard_url():
    return reverse("programs:home")


def calendar_data_url(program):
    return reverse("meetings:calendar_events", args=[program.pk])


def today_url(holder):
    return reverse("visitors:today", kwargs={"token": make_token(holder)})


def feed_url(holder):
    return reverse("visitors:calendar", kwargs={"token": make_token(holder)})


def event_titles(response):
    return [event["title"] for event in response.json()]


def feed_events(response):
    return {str(event["summary"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def keep_page(client, url, **params):
    """Open an HTML page twice: the first answer gives the browser its CSRF cookie (the page's forms carry a token
    made from it), the second is built with that cookie and kept. Returns the second."""
    client.get(url, params)
    return client.get(url, params)


def item_form(item, **changes):
    """The item form as staff submit it, unchanged but for ``changes``."""
    zone = zoneinfo.ZoneInfo(item.stop.time_zone)
    data = {
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "stop": item.stop_id,
        "starts_at": item.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": item.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "whole_group": "on" if item.whole_group else "",
        "version": item.version,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def program_form(title, **changes):
    """A new program of one stop, as staff submit the program form."""
    data = {
        "title": title,
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": "2027-06-03",
        "departure_date": "2027-06-08",
        "stops-TOTAL_FORMS": "1",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
        "stops-0-city": "San Antonio",
        "stops-0-start_date": "2027-06-03",
        "stops-0-end_date": "2027-06-08",
        "stops-0-time_zone": "America/Chicago",
    }
    data.update(changes)
    return data


# A second request is served from the cache.


def test_the_dashboard_is_served_from_the_cache_on_the_next_request(
    staff_client, program, page_cache, django_assert_num_queries
):
    kept = keep_page(staff_client, dashboard_url())

    # the session; the user with their membership and council (whose data version names the copy)
    with django_assert_num_queries(2):
        again = staff_client.get(dashboard_url())

    assert again.status_code == 200
    assert again.content == kept.content
    assert "Combating Trafficking in Persons" in section(again, "in-progress")


def test_the_calendar_data_is_served_from_the_cache_on_the_next_request(
    staff_client, program, stop, items, page_cache, django_assert_num_queries
):
    first = staff_client.get(calendar_data_url(program), {"stop": stop.pk})

    # the session; the user with their membership and council; the program, in the council (who may see it)
    with django_assert_num_queries(3):
        again = staff_client.get(calendar_data_url(program), {"stop": stop.pk})

    assert again.json() == first.json()
    assert sorted(event_titles(again)) == sorted(item.title for item in items.values())


def test_today_is_served_from_the_cache_while_the_last_visit_is_less_than_a_minute_old(
    client, participant, items, page_cache, clock, django_assert_num_queries
):
    client.get(today_url(participant))  # the visit is recorded; the browser gets its CSRF cookie
    clock.shift(dt.timedelta(seconds=20))
    kept = client.get(today_url(participant))
    clock.shift(dt.timedelta(seconds=20))

    # the holder with program and council, and nothing else: the visit is not written again, nothing is built
    with django_assert_num_queries(1):
        again = client.get(today_url(participant))

    assert again.status_code == 200
    assert again.content == kept.content
    assert "Now: Program briefing" in page_text(again)


def test_the_feed_is_served_from_the_cache_on_the_next_request(
    client, participant, items, page_cache, django_assert_num_queries
):
    first = client.get(feed_url(participant))

    # the holder with program and council
    with django_assert_num_queries(1):
        again = client.get(feed_url(participant))

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert sorted(feed_events(again)) == sorted(item.title for item in items.values())


# A committed change shows on the next request.


def test_a_program_added_with_the_program_form_is_on_the_dashboard_at_once(staff_client, program, page_cache):
    keep_page(staff_client, dashboard_url())

    with page_cache.commit():
        # followed, so that the flash message is shown there and cannot be what makes the dashboard render afresh
        saved = staff_client.post(reverse("programs:program_new"), program_form("Press freedom"), follow=True)

    assert saved.status_code == 200
    assert "Press freedom" in section(staff_client.get(dashboard_url()), "upcoming")


def test_a_program_renamed_with_the_program_form_is_renamed_on_the_dashboard_at_once(staff_client, council, page_cache):
    program = ProgramFactory(council=council, title="Draft", arrival_date=dt.date(2027, 6, 3))
    keep_page(staff_client, dashboard_url())

    with page_cache.commit():
        staff_client.post(
            reverse("programs:program_edit", args=[program.pk]),
            program_form("Rule of law", **{"stops-TOTAL_FORMS": "0"}),
            follow=True,
        )

    upcoming = section(staff_client.get(dashboard_url()), "upcoming")
    assert "Rule of law" in upcoming
    assert "Draft" not in upcoming


def test_an_item_renamed_with_the_item_form_is_renamed_in_the_calendar_data_at_once(
    staff_client, program, stop, items, page_cache
):
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    briefing = items["briefing"]

    with page_cache.commit():
        saved = staff_client.post(
            reverse("meetings:item_edit", args=[briefing.pk]), item_form(briefing, title="Welcome briefing")
        )
    staff_client.get(saved.url)  # where the form leads, showing its message

    titles = event_titles(staff_client.get(calendar_data_url(program), {"stop": stop.pk}))
    assert "Welcome briefing" in titles
    assert "Program briefing" not in titles


def test_an_item_dragged_on_the_calendar_moves_in_the_calendar_data_at_once(
    staff_client, program, stop, items, page_cache
):
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    lunch = items["lunch"]

    with page_cache.commit():
        moved = staff_client.post(
            reverse("meetings:item_move", args=[lunch.pk]),
            {"starts_at": "2027-03-02T14:00:00", "ends_at": "2027-03-02T15:00:00", "version": lunch.version},
        )

    assert moved.status_code == 200
    events = {event["title"]: event for event in staff_client.get(calendar_data_url(program), {"stop": stop.pk}).json()}
    assert events["Lunch on the River Walk"]["start"] == "2027-03-02T14:00:00"


def test_an_item_confirmed_appears_on_the_participants_today_page_and_feed_at_once(
    client, staff, program, stop, participant, items, page_cache
):
    visit = make_item(program, stop, "Visit to the county court", DAY_2, 15, status=ItemStatus.IDEA)
    keep_page(client, today_url(participant))
    client.get(feed_url(participant))
    assert "Visit to the county court" not in page_text(client.get(today_url(participant)))

    with page_cache.commit():
        itinerary.update_item(item=visit, data={"status": ItemStatus.CONFIRMED}, expected_version=1, user=staff)

    assert "3 p.m. – 4 p.m. CST Visit to the county court" in page_text(client.get(today_url(participant)))
    assert "Visit to the county court" in feed_events(client.get(feed_url(participant)))


def test_an_item_cancelled_is_shown_cancelled_on_the_today_page_and_in_the_feed_at_once(
    client, staff, participant, items, page_cache
):
    keep_page(client, today_url(participant))
    client.get(feed_url(participant))
    lunch = items["lunch"]

    with page_cache.commit():
        itinerary.update_item(item=lunch, data={"status": ItemStatus.CANCELLED}, expected_version=1, user=staff)

    assert "<del>Lunch on the River Walk</del>" in client.get(today_url(participant)).content.decode()
    assert str(feed_events(client.get(feed_url(participant)))["Lunch on the River Walk"]["status"]) == "CANCELLED"


def test_a_participant_added_to_an_item_of_part_of_the_group_sees_it_at_once(
    client, staff, program, stop, participant, items, page_cache
):
    shelter = make_item(program, stop, "Shelter visit for two", DAY_2, 15, whole_group=False)
    keep_page(client, today_url(participant))
    client.get(feed_url(participant))

    with page_cache.commit():
        itinerary.update_item(item=shelter, data={"participants": [participant]}, expected_version=1, user=staff)

    assert "Shelter visit for two" in page_text(client.get(today_url(participant)))
    assert "Shelter visit for two" in feed_events(client.get(feed_url(participant)))


def test_a_task_ticked_off_leaves_the_dashboard_at_once(staff_client, program, page_cache):
    # Ticking a task off is a conditional update, which sends no signal: the service moves the council's data
    # version itself.
    task = ProgramTask.objects.create(program=program, title="Confirm meeting details", due_date=DAY_2)
    assert "Confirm meeting details" in section(keep_page(staff_client, dashboard_url()), "due-this-week")

    with page_cache.commit():
        staff_client.post(reverse("lifecycle:complete", kwargs={"task_id": task.pk}))

    task.refresh_from_db()
    assert task.done_at is not None
    assert "Confirm meeting details" not in section(staff_client.get(dashboard_url()), "due-this-week")


def test_an_item_copied_is_in_the_calendar_data_at_once(staff_client, program, stop, items, page_cache):
    # Copies are written with bulk_create, which sends no signal: copying moves the council's data version itself.
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})

    with page_cache.commit():
        copied = staff_client.post(
            reverse("copying:item", kwargs={"item_id": items["briefing"].pk}), {"starts_at": "2027-03-04T10:00"}
        )

    assert copied.status_code == 302
    titles = event_titles(staff_client.get(calendar_data_url(program), {"stop": stop.pk}))
    assert titles.count("Program briefing") == 2


def test_an_item_marked_thanked_shows_so_in_the_calendar_data_at_once(staff_client, program, stop, items, page_cache):
    # Marking items thanked is a conditional update too.
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})

    with page_cache.commit():
        mark_thanked(program=program, item_ids=[items["briefing"].pk])

    events = {event["title"]: event for event in staff_client.get(calendar_data_url(program), {"stop": stop.pk}).json()}
    assert events["Program briefing"]["classNames"][0] == "item-status-thanked"


def test_a_request_expired_at_its_deadline_is_no_longer_counted_unanswered_on_the_dashboard(
    staff_client, program, stop, page_cache
):
    # Expiry is a conditional update too, run by beat.
    request = MeetingRequestFactory(
        item=make_item(program, stop, "Newsroom visit", DAY_2, 11, status=ItemStatus.REQUESTED),
        status=RequestStatus.PENDING,
        deadline=NOW - dt.timedelta(hours=1),
    )
    before = dashboard_row(keep_page(staff_client, dashboard_url()), program.title)

    with page_cache.commit():
        assert expire_overdue() == 1

    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    assert before["Unanswered requests"] == "1"
    assert dashboard_row(staff_client.get(dashboard_url()), program.title)["Unanswered requests"] == "0"


# Who may see a page is checked on every request.


def test_staff_of_another_council_get_404_for_calendar_data_kept_for_the_owning_council(
    staff_client, second_browser, other_council, program, stop, items, page_cache
):
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    second_browser.force_login(StaffMembershipFactory(council=other_council).user)

    response = second_browser.get(calendar_data_url(program), {"stop": stop.pk})

    assert response.status_code == 404


def test_a_signed_out_browser_is_asked_to_sign_in_for_calendar_data_kept_for_its_council(
    client, second_browser, staff, program, stop, items, page_cache
):
    second_browser.force_login(staff)
    second_browser.get(calendar_data_url(program), {"stop": stop.pk})

    response = client.get(calendar_data_url(program), {"stop": stop.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_signed_out_browser_is_asked_to_sign_in_although_the_dashboard_is_kept(staff_client, program, page_cache):
    keep_page(staff_client, dashboard_url())

    staff_client.post(reverse("logout"))
    response = staff_client.get(dashboard_url())

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_a_staff_member_taken_off_the_council_is_refused_although_the_dashboard_is_kept(
    staff_client, staff, program, page_cache
):
    keep_page(staff_client, dashboard_url())

    # Not committed: the council's data version stays, so the kept copy would still be the right one.
    staff.membership.delete()

    assert staff_client.get(dashboard_url()).status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="account-deactivated"),
        pytest.param(lambda user: user.set_password("a-new-password-2"), id="password-changed-elsewhere"),
    ],
)
def test_a_browser_whose_sign_in_no_longer_holds_is_asked_to_sign_in_although_the_dashboard_is_kept(
    staff_client, staff, program, page_cache, change
):
    keep_page(staff_client, dashboard_url())

    change(staff)
    staff.save()  # not committed: the kept copy would still be the right one

    response = staff_client.get(dashboard_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_revoked_link_is_refused_although_its_pages_are_kept(client, participant, items, page_cache):
    keep_page(client, today_url(participant))
    etag = client.get(feed_url(participant))["ETag"]
    token_pages = today_url(participant), feed_url(participant)

    with page_cache.commit():
        links.revoke_personal_link(holder=participant)

    assert [client.get(url).status_code for url in token_pages] == [404, 404]
    # nor does a phone asking whether its copy of the feed is still current learn anything
    assert client.get(feed_url(participant), headers={"If-None-Match": etag}).status_code == 404


def test_a_reissued_link_replaces_the_kept_pages_of_the_old_one(client, participant, items, page_cache):
    old_pages = today_url(participant), feed_url(participant)
    keep_page(client, old_pages[0])
    client.get(old_pages[1])

    with page_cache.commit():
        links.reissue_personal_link(holder=participant)

    assert [client.get(url).status_code for url in old_pages] == [404, 404]
    assert "Lucía Fernández" in page_text(client.get(today_url(participant)))
    assert client.get(feed_url(participant)).status_code == 200


# Each person and each language has a copy of their own.


def test_two_staff_members_of_a_council_signed_in_on_one_browser_each_see_their_own_dashboard(
    client, council, program, page_cache
):
    admin = StaffMembershipFactory(
        council=council, role=StaffRole.ADMIN, user__first_name="Maria", user__last_name="Lopez"
    ).user
    coordinator = StaffMembershipFactory(council=council, user__first_name="Jo", user__last_name="Other").user
    client.force_login(admin)
    keep_page(client, dashboard_url())
    assert "Maria Lopez" in page_text(client.get(dashboard_url()))

    # Another sign-in on the same browser. The test client keeps the browser's CSRF cookie (a real sign-in would
    # rotate it), so only the person asking tells the two copies apart.
    client.force_login(coordinator)
    client.get(dashboard_url())
    text = page_text(client.get(dashboard_url()))

    assert "Jo Other" in text
    assert "Maria Lopez" not in text
    assert "Council settings" not in text


def test_a_staff_members_new_name_shows_on_their_dashboard_at_once(staff_client, staff, program, page_cache):
    keep_page(staff_client, dashboard_url())

    with page_cache.commit():
        staff.first_name, staff.last_name = "Maria", "Lopez"
        staff.save()

    assert "Maria Lopez" in page_text(staff_client.get(dashboard_url()))


def test_a_staff_member_made_council_admin_finds_the_council_settings_at_once(staff_client, staff, program, page_cache):
    assert "Council settings" not in page_text(keep_page(staff_client, dashboard_url()))

    with page_cache.commit():
        staff.membership.role = StaffRole.ADMIN
        staff.membership.save()

    assert "Council settings" in page_text(staff_client.get(dashboard_url()))


def test_staff_who_switch_language_get_the_dashboard_in_that_language(staff_client, program, page_cache):
    assert "Needing attention" in page_text(keep_page(staff_client, dashboard_url()))

    staff_client.post(reverse("set_language"), {"language": "es", "next": "/"})

    assert "Requieren atención" in page_text(keep_page(staff_client, dashboard_url()))


def test_a_visitor_who_switches_language_gets_today_in_that_language(client, participant, items, page_cache):
    assert "Now and next" in page_text(keep_page(client, today_url(participant)))

    client.post(
        reverse("visitors:language", kwargs={"token": make_token(participant)}), {"language": "fr", "page": "today"}
    )
    in_french = page_text(client.get(today_url(participant)))
    client.post(
        reverse("visitors:language", kwargs={"token": make_token(participant)}), {"language": "en", "page": "today"}
    )
    in_english = page_text(client.get(today_url(participant)))

    assert "Maintenant et ensuite" in in_french
    assert "Aujourd’hui mardi, 2 mars" in in_french
    assert "Now and next" in in_english
    assert "Today Tuesday, March 2" in in_english


def test_two_participants_of_one_program_on_one_browser_see_their_own_today_pages(
    client, program, stop, participant, items, page_cache
):
    rafael = ParticipantFactory(program=program, first_name="Rafael", last_name="Gómez", preferred_language="en")
    dinner = make_item(program, stop, "Dinner with the mayor", DAY_2, 19, whole_group=False)
    dinner.participants.add(rafael)
    keep_page(client, today_url(participant))
    keep_page(client, today_url(rafael))

    lucia_page = page_text(client.get(today_url(participant)))
    rafael_page = page_text(client.get(today_url(rafael)))

    assert "Lucía Fernández" in lucia_page
    assert "Dinner with the mayor" not in lucia_page
    assert "Rafael Gómez" in rafael_page
    assert "Dinner with the mayor" in rafael_page


def test_program_staff_and_a_participant_on_one_browser_see_their_own_today_pages(
    client, program, stop, participant, items, page_cache
):
    interpreter = ProgramStaffMemberFactory(program=program, name="Marta Ruiz", preferred_language="en")
    make_item(program, stop, "Shelter visit for two", DAY_2, 15, whole_group=False)
    keep_page(client, today_url(interpreter))
    keep_page(client, today_url(participant))

    group_view = page_text(client.get(today_url(interpreter)))
    own_view = page_text(client.get(today_url(participant)))

    assert "Marta Ruiz · group view" in group_view
    assert "Shelter visit for two" in group_view
    assert "Lucía Fernández" in own_view
    assert "Shelter visit for two" not in own_view


def test_the_calendar_data_of_each_stop_is_a_copy_of_its_own(staff_client, program, stop, items, page_cache):
    Stop.objects.filter(pk=stop.pk).update(end_date=dt.date(2027, 3, 3))
    laredo = StopFactory(program=program, city="Laredo", start_date=dt.date(2027, 3, 3), time_zone="America/Chicago")
    make_item(program, laredo, "Border crossing", dt.date(2027, 3, 4), 9)
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    staff_client.get(calendar_data_url(program), {"stop": laredo.pk})

    assert "Border crossing" not in event_titles(staff_client.get(calendar_data_url(program), {"stop": stop.pk}))
    assert "Border crossing" in event_titles(staff_client.get(calendar_data_url(program), {"stop": laredo.pk}))


def test_the_feed_read_at_another_address_links_to_that_address(client, participant, items, page_cache):
    client.get(feed_url(participant))

    elsewhere = client.get(feed_url(participant), headers={"Host": "localhost"})

    assert str(feed_events(elsewhere)["Program briefing"]["url"]).startswith("http://localhost/v/")
    assert str(feed_events(client.get(feed_url(participant)))["Program briefing"]["url"]).startswith(
        "http://testserver/"
    )


def test_a_dashboard_search_is_a_copy_of_its_own(staff_client, council, program, page_cache):
    ProgramFactory(council=council, title="Press freedom", arrival_date=dt.date(2027, 6, 3))
    keep_page(staff_client, dashboard_url())
    keep_page(staff_client, dashboard_url(), q="press")

    everything = page_text(staff_client.get(dashboard_url()))
    found = page_text(staff_client.get(dashboard_url(), {"q": "press"}))

    assert "Combating Trafficking in Persons" in everything
    assert "Press freedom" in everything
    assert "Combating Trafficking in Persons" not in found
    assert "Press freedom" in found


def csrf_token_on(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_a_kept_dashboard_carries_a_csrf_token_that_works_in_the_browser_it_is_served_to(staff, program, page_cache):
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (laptop, phone):
        browser.force_login(staff)
        keep_page(browser, dashboard_url())

    kept = phone.get(dashboard_url())

    assert phone.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token_on(kept)}).status_code == 302


def test_a_kept_today_page_carries_a_csrf_token_that_works_in_the_browser_it_is_served_to(
    participant, items, page_cache
):
    phone, tablet = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (phone, tablet):
        keep_page(browser, today_url(participant))

    kept = tablet.get(today_url(participant))
    switched = tablet.post(
        reverse("visitors:language", kwargs={"token": make_token(participant)}),
        {"csrfmiddlewaretoken": csrf_token_on(kept), "language": "es", "page": "today"},
    )

    assert switched.status_code == 302
    assert switched.cookies["visitor_language"].value == "es"


# Messages waiting to be shown are not swallowed by a kept copy.


def test_a_message_left_by_a_save_is_shown_on_the_dashboard(staff_client, program, page_cache):
    keep_page(staff_client, dashboard_url())

    with page_cache.commit():
        staff_client.post(reverse("programs:program_new"), program_form("Press freedom"))
    shown = staff_client.get(dashboard_url())
    after = staff_client.get(dashboard_url())

    assert "“Press freedom” is saved." in page_text(shown)
    # shown once: the page that showed it was not kept
    assert "is saved." not in page_text(after)
    assert "Press freedom" in page_text(after)


def test_a_message_of_an_action_that_changes_nothing_shown_is_not_swallowed_by_the_kept_dashboard(
    staff_client, participant, page_cache
):
    # Emailing a link writes only the outbox and the audit log, which no page shows: the kept copy stays right,
    # but the message waiting for the next page must still be shown.
    kept = keep_page(staff_client, dashboard_url())

    with page_cache.commit():
        emailed = staff_client.post(reverse("links:email", kwargs={"kind": "participant", "pk": participant.pk}))
    shown = staff_client.get(dashboard_url())
    after = staff_client.get(dashboard_url())

    assert emailed.status_code == 302
    assert "The link is on its way to Lucía Fernández." in page_text(shown)
    assert after.content == kept.content


# Pages move on with the clock.


def test_today_moves_on_with_the_clock(client, participant, items, page_cache, clock):
    clock.move_to(local(DAY_2, 10, 59))
    client.get(today_url(participant))
    clock.shift(dt.timedelta(seconds=20))
    client.get(today_url(participant))
    clock.shift(dt.timedelta(seconds=20))
    before = page_text(client.get(today_url(participant)))

    clock.shift(dt.timedelta(minutes=1))  # 11:00:40: the briefing is over, the newsroom visit has begun
    after = page_text(client.get(today_url(participant)))

    assert "Now: Program briefing , until 11 a.m. CST" in before
    assert "Next: Newsroom visit , 11 a.m. CST" in before
    assert "Last updated March 2, 2027, 10:59 a.m. CST" in before
    assert "Now: Newsroom visit , until noon CST" in after
    assert "Next: Lunch on the River Walk , 1 p.m. CST" in after
    assert "Last updated March 2, 2027, 11 a.m. CST" in after


def test_what_changed_is_marked_against_the_previous_visit_also_within_a_minute(
    client, staff, participant, items, page_cache, clock
):
    clock.shift(dt.timedelta(minutes=1))
    client.get(today_url(participant))
    clock.shift(dt.timedelta(minutes=30))
    with page_cache.commit():
        itinerary.update_item(
            item=items["lunch"], data={"visitor_notes": "Now at the Mexican market."}, expected_version=1, user=staff
        )

    clock.shift(dt.timedelta(minutes=30))
    first = page_text(client.get(today_url(participant)))  # the previous visit was an hour ago
    clock.shift(dt.timedelta(seconds=20))
    second = page_text(client.get(today_url(participant)))  # the previous visit was 20 seconds ago

    assert "Lunch on the River Walk Meal Changed" in first
    assert "Changed" not in second


def test_the_dashboard_moves_on_with_the_councils_day(client, staff, council, page_cache, clock):
    # 23:58 on 1 March in San Antonio and 00:02 on 2 March are both 2 March in UTC.
    ProgramFactory(council=council, title="Rule of law", arrival_date=DAY_2)
    clock.move_to(local(DAY_1, 23, 58))
    client.force_login(staff)
    before = keep_page(client, dashboard_url())

    clock.move_to(local(DAY_2, 0, 2))  # four minutes later: the copy has not expired
    after = client.get(dashboard_url())

    assert "Rule of law" in section(before, "upcoming")
    assert "Rule of law" in section(after, "in-progress")
    assert "Rule of law" not in section(after, "upcoming")


# The feed answers a revalidation without a body while nothing changed.


def test_the_feed_answers_not_modified_until_a_change_is_committed(
    client, staff, participant, items, other_council, page_cache, django_assert_num_queries
):
    with page_cache.commit():
        participant.save()  # what was set up is committed, before the feed is first read
    first = client.get(feed_url(participant))
    with django_assert_num_queries(1):  # the holder with program and council
        unchanged = client.get(feed_url(participant), headers={"If-None-Match": first["ETag"]})
    with page_cache.commit():
        ProgramFactory(council=other_council, title="Another council's program")
    elsewhere = client.get(feed_url(participant), headers={"If-None-Match": first["ETag"]})

    with page_cache.commit():
        itinerary.update_item(
            item=items["lunch"], data={"title": "Lunch at the Mercado"}, expected_version=1, user=staff
        )
    changed = client.get(feed_url(participant), headers={"If-None-Match": first["ETag"]})

    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert elsewhere.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Lunch at the Mercado" in feed_events(changed)
    assert client.get(feed_url(participant), headers={"If-None-Match": changed["ETag"]}).status_code == 304


# Without a cache time nothing is kept.


@pytest.fixture
def written(monkeypatch):
    """The keys written to the page cache."""
    store = caches["default"]
    keys = []
    set_value = store.set

    def recording_set(key, *args, **kwargs):
        keys.append(key)
        return set_value(key, *args, **kwargs)

    monkeypatch.setattr(store, "set", recording_set)
    return keys


def test_pages_are_kept_while_the_cache_has_a_time(
    staff_client, second_browser, program, stop, participant, items, page_cache, written
):
    keep_page(staff_client, dashboard_url())
    staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    keep_page(second_browser, today_url(participant))
    second_browser.get(feed_url(participant))

    pages = [key.split(":")[1] for key in written if key.startswith("page:")]
    assert pages == ["dashboard", "calendar-events", "visitor-today", "visitor-feed"]


def test_with_no_cache_time_nothing_is_kept(
    settings, staff_client, second_browser, program, stop, participant, items, written
):
    settings.PAGE_CACHE_SECONDS = 0

    for _ in range(3):
        keep_page(staff_client, dashboard_url())
        staff_client.get(calendar_data_url(program), {"stop": stop.pk})
        keep_page(second_browser, today_url(participant))
        second_browser.get(feed_url(participant))
    # Not committed: the council's data version stays, and the pages show the change all the same.
    items["briefing"].title = "Welcome briefing"
    items["briefing"].save()

    assert "Welcome briefing" in event_titles(staff_client.get(calendar_data_url(program), {"stop": stop.pk}))
    assert "Welcome briefing" in page_text(second_browser.get(today_url(participant)))
    assert "Welcome briefing" in feed_events(second_browser.get(feed_url(participant)))
    assert [key for key in written if key.startswith("page:")] == []


def test_the_calendar_data_answers_not_modified_until_a_change_is_committed(
    staff_client, staff, program, stop, items, other_council, page_cache, django_assert_num_queries
):
    first = staff_client.get(calendar_data_url(program), {"stop": stop.pk})
    # the session; the user with membership and council; the program, in the council
    with django_assert_num_queries(3):
        unchanged = staff_client.get(
            calendar_data_url(program), {"stop": stop.pk}, headers={"If-None-Match": first["ETag"]}
        )
    with page_cache.commit():
        ProgramFactory(council=other_council, title="Another council's program")
    elsewhere = staff_client.get(
        calendar_data_url(program), {"stop": stop.pk}, headers={"If-None-Match": first["ETag"]}
    )
    with page_cache.commit():
        itinerary.update_item(
            item=items["lunch"], data={"title": "Lunch at the Mercado"}, expected_version=1, user=staff
        )
    changed = staff_client.get(calendar_data_url(program), {"stop": stop.pk}, headers={"If-None-Match": first["ETag"]})

    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert elsewhere.status_code == 304
    assert changed.status_code == 200
    assert "Lunch at the Mercado" in event_titles(changed)
    other_week = staff_client.get(
        calendar_data_url(program),
        {"stop": stop.pk, "start": "2027-01-04T00:00:00"},
        headers={"If-None-Match": changed["ETag"]},
    )
    assert other_week.status_code == 200  # another question is another answer


def test_another_councils_staff_get_no_answer_about_the_calendar_data_even_with_its_etag(
    staff_client, other_staff, program, stop, items, page_cache, client
):
    etag = staff_client.get(calendar_data_url(program), {"stop": stop.pk})["ETag"]
    client.force_login(other_staff)

    response = client.get(calendar_data_url(program), {"stop": stop.pk}, headers={"If-None-Match": etag})

    assert response.status_code == 404


def program_url(holder):
    return reverse("visitors:program", kwargs={"token": make_token(holder)})


def test_the_visitors_program_page_is_served_from_the_cache_until_a_change(
    client, staff, participant, items, page_cache, clock, django_assert_num_queries
):
    client.get(program_url(participant))
    clock.shift(dt.timedelta(seconds=20))
    kept = client.get(program_url(participant))
    clock.shift(dt.timedelta(seconds=20))
    with django_assert_num_queries(1):  # the holder with program and council
        again = client.get(program_url(participant))
    with page_cache.commit():
        itinerary.update_item(
            item=items["lunch"], data={"title": "Lunch at the Mercado"}, expected_version=1, user=staff
        )
    changed = client.get(program_url(participant))

    assert again.content == kept.content
    assert "Lunch at the Mercado" not in page_text(again)
    assert "Lunch at the Mercado" in page_text(changed)
