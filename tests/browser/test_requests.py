"""A meeting request in a real browser: staff send it from the item page; the host answers from the emailed link."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from meetings.enums import ItemStatus, RequestStatus
from meetings.models import MeetingRequest
from notifications.services import send_due
from tests.factories import (
    ContactFactory,
    CouncilFactory,
    ItineraryItemFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    local,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = dt.date(2027, 3, 2)


@pytest.fixture
def item():
    council = CouncilFactory(name="San Antonio CIV", slug="saciv")
    StaffMembershipFactory(council=council, user__username="coordinator")
    program = ProgramFactory(council=council, title="Combating Trafficking in Persons")
    stop = StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")
    ContactFactory(
        organization__council=council,
        organization__name="Bexar County DA",
        name="Rebecca Torres",
        email="rebecca@example.org",
    )
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        title="Anti-trafficking task force",
        status=ItemStatus.IDEA,
        starts_at=local(TUESDAY, 15, 45),
        ends_at=local(TUESDAY, 17),
    )


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()


def test_staff_send_a_request_and_the_host_accepts_it_from_the_emailed_link(page, live_server, item):
    # Staff open the item and send a request to the host contact.
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/itinerary/items/{item.pk}/")
    page.get_by_role("link", name="Send a meeting request").click()
    page.get_by_label("Host contact").select_option(label="Rebecca Torres, Bexar County DA")
    page.get_by_label("Message").fill("Eleven visitors from Latin America would like to meet your task force.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("The request is on its way to Rebecca Torres.")).to_be_visible()
    expect(page.get_by_test_id("request-status")).to_have_text("Waiting for an answer")

    # The outbox sends it; the host finds the link in the email.
    send_due()
    [email] = mail.outbox
    assert email.to == ["Rebecca Torres <rebecca@example.org>"]
    link = re.search(r"http\S+/requests/answer/\S+/", email.body).group(0)
    path = link.split("/requests/", 1)[1]

    # The host, signed in nowhere, answers.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/requests/{path}")
    expect(page.get_by_test_id("meeting-time")).to_contain_text("15:45–17:00 CST")
    expect(page.get_by_text("Eleven visitors from Latin America would like to meet your task force.")).to_be_visible()
    page.get_by_label("Yes, we can host the meeting at this time").check()
    page.get_by_label("Note").fill("We will meet you in the lobby.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_test_id("answer")).to_have_text("You accepted the meeting. We look forward to it.")

    # Staff see the item confirmed.
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/itinerary/items/{item.pk}/")
    expect(page.locator(".badge", has_text="Confirmed")).to_be_visible()
    meeting_request = MeetingRequest.objects.get()
    assert (meeting_request.status, meeting_request.response_note) == (
        RequestStatus.ACCEPTED,
        "We will meet you in the lobby.",
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED
