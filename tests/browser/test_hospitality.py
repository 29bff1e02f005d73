"""Home hospitality in a real browser: staff invite two volunteers, who answer from their emailed links; staff
seat the guests, and the dinner appears on the visitor's schedule."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from hospitality.enums import InvitationStatus, VettingStatus
from hospitality.models import Invitation
from meetings.enums import ItemKind
from meetings.queries import items_for_participant
from notifications.services import send_due
from programs.links import make_token
from tests.factories import (
    CouncilFactory,
    HospitalitySlotFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    VolunteerFactory,
    local,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUNDAY = dt.date(2027, 3, 7)


@pytest.fixture
def slot():
    council = CouncilFactory(name="St. Louis CIV", slug="stl-civ")
    StaffMembershipFactory(council=council, user__username="coordinator")
    program = ProgramFactory(council=council, title="Combating Trafficking in Persons", has_home_hospitality=True)
    stop = StopFactory(program=program, city="St. Louis", time_zone="America/Chicago")
    for household, contact, email in [
        ("The Okafors", "Ada Okafor", "ada@example.net"),
        ("The Lins", "Wei Lin", "wei@example.net"),
    ]:
        VolunteerFactory(
            council=council,
            household_name=household,
            contact_name=contact,
            email=email,
            languages="en,es",
            vetting_status=VettingStatus.VETTED,
            available_weekdays=[7],
        )
    ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández", country="PE")
    ParticipantFactory(program=program, first_name="Mateo", last_name="Rojas", country="BO")
    return HospitalitySlotFactory(
        program=program,
        stop=stop,
        starts_at=local(SUNDAY, 18),
        ends_at=local(SUNDAY, 21),
        hosts_needed=1,
        guests_per_host=2,
        meeting_point="Hotel lobby",
    )


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("secret-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()


def emailed_link(name, live_server):
    """The sign-in link of the email sent to ``name``, pointed at the test server."""
    [email] = [message for message in mail.outbox if message.to[0].startswith(name)]
    link = urlsplit(re.search(r"http\S+/hospitality/me/sign-in/\?\S+", email.body).group(0))
    return f"{live_server.url}{link.path}?{link.query}"


def test_staff_invite_two_volunteers_one_accepts_one_declines_and_the_dinner_reaches_the_schedule(
    page, live_server, browser, slot
):
    # Staff sign in and invite both suggested volunteers.
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/hospitality/slots/{slot.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("18:00–21:00 CST")
    page.get_by_label("The Okafors").check()
    page.get_by_label("The Lins").check()
    page.get_by_role("button", name="Invite the selected volunteers").click()
    expect(page.get_by_text("2 volunteers invited.")).to_be_visible()

    send_due()
    okafor_link, lin_link = emailed_link("Ada Okafor", live_server), emailed_link("Wei Lin", live_server)

    # Ada opens her link in her own browser and accepts.
    ada = browser.new_context().new_page()
    ada.goto(okafor_link)
    expect(ada.get_by_role("heading", level=1)).to_have_text("Dinner, Sunday 7 March 2027")
    ada.get_by_label("A note for the council (optional)").fill("We have a vegetarian option.")
    ada.get_by_role("button", name="Yes, I will host").click()
    expect(ada.get_by_text("Thank you! You are hosting this dinner.")).to_be_visible()
    expect(ada.locator("#invitation-status")).to_have_text("Accepted")

    # Wei declines from his.
    wei = browser.new_context().new_page()
    wei.goto(lin_link)
    wei.get_by_role("button", name="No, not this time").click()
    expect(wei.get_by_text("Thank you for letting us know.")).to_be_visible()

    # Staff seat both guests with the Okafors.
    page.goto(f"{live_server.url}/hospitality/slots/{slot.pk}/")
    table = page.locator(".host-table", has_text="The Okafors")
    table.get_by_label("Lucía Fernández").check()
    table.get_by_label("Mateo Rojas").check()
    table.get_by_role("button", name="Save guests").click()
    expect(page.get_by_text("Guests of The Okafors saved.")).to_be_visible()

    # Ada now sees her guests' first names; the visitor's program shows the dinner.
    ada.reload()
    expect(ada.locator("#your-guests .guest strong")).to_have_text(["Lucía", "Mateo"])
    lucia = slot.program.participants.get(first_name="Lucía")
    page.goto(live_server.url + reverse("visitors:program", kwargs={"token": make_token(lucia)}))
    expect(page.locator("article h3", has_text="Dinner with The Okafors")).to_be_visible()

    statuses = dict(Invitation.objects.values_list("volunteer__household_name", "status"))
    assert statuses == {"The Okafors": InvitationStatus.ACCEPTED, "The Lins": InvitationStatus.DECLINED}
    [dinner] = [item for item in items_for_participant(lucia) if item.kind == ItemKind.HOME_HOSPITALITY]
    assert dinner.starts_at == slot.starts_at
    ada.context.close()
    wei.context.close()
