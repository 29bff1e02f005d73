"""A host contact or volunteer answers a change from the link in its notice, without an account: "still fine" is
recorded against the version of the item they saw, another time is proposed to the coordinator, and a link that
an even newer change has overtaken says so instead of recording anything."""

import datetime as dt
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import override_settings

from notifications.acknowledgements import acknowledgements_for
from notifications.enums import AckAnswer, NotificationKind
from notifications.models import Acknowledgement, Notification
from programs.models import Program
from tests.factories import StaffMembershipFactory
from tests.notifications.factories import at
from tests.notifications.item_world import MONDAY, START, edit, flush, meeting_with_everyone, notice_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ten_minute_window")]

LINK = re.compile(r"http://127\.0\.0\.1:8000(/outbox/meeting/[^/\s]+/)")


@pytest.fixture
def ten_minute_window():
    with override_settings(NOTIFICATION_CHANGE_WINDOW_MINUTES=10):
        yield


@pytest.fixture
def meeting(council):
    return meeting_with_everyone(council)


@pytest.fixture
def moved(meeting):
    """The meeting moved from 09:30 to 11:00; the window closed at minute 10 and everyone was told."""
    item = edit(meeting, 0, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    flush(10)
    return item


def link_of(email):
    return LINK.search(notice_to(email).body_text).group(1)


def _at(minute):
    return time_machine.travel(START + dt.timedelta(minutes=minute), tick=False)


def _row(item, contact_name):
    contact = item.contacts.get(name=contact_name)
    return Acknowledgement.objects.filter(item=item, recipient_type="contact", recipient_id=contact.pk).latest(
        "sequence"
    )


def test_a_hosts_still_fine_is_recorded_against_the_version_they_saw(client, moved):
    link = link_of("lee@da.example.org")

    with _at(20):
        page = client.get(link)
        opened = _row(moved, "Lee Park").answer
        answered = client.post(link, {"action": "fine"})

    row = _row(moved, "Lee Park")
    assert page.status_code == 200
    assert "Monday 15 March 2027, 11:00–12:00 CDT" in page.content.decode()
    assert opened == AckAnswer.NONE  # opening the link (a mail scanner may) records nothing
    assert answered.status_code == 200
    assert 'data-testid="acknowledged"' in answered.content.decode()
    assert (row.answer, row.sequence, row.item_version) == (AckAnswer.STILL_FINE, moved.sequence, moved.version)
    assert row.at == START + dt.timedelta(minutes=20)
    acks = acknowledgements_for(moved)
    assert [entry.name for entry in acks.acknowledged] == ["Lee Park"]
    assert [(entry.name, entry.outdated) for entry in acks.waiting] == [("Dana Cruz", False)]


def test_a_link_overtaken_by_a_further_move_says_the_meeting_changed_and_records_nothing(client, moved):
    link = link_of("lee@da.example.org")
    again = edit(moved, 30, starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 15))

    with _at(31):
        page = client.get(link)
        posted = client.post(link, {"action": "fine"})

    text = page.content.decode()
    assert page.status_code == posted.status_code == 200
    assert 'data-testid="changed-since"' in text
    assert "Monday 15 March 2027, 14:00–15:00 CDT" in text
    assert 'value="fine"' not in text
    assert not Acknowledgement.objects.filter(answer=AckAnswer.STILL_FINE).exists()
    # Until the window closes the host is listed as told of an earlier version; then of the current one.
    assert [(e.name, e.outdated) for e in acknowledgements_for(again).waiting] == [
        ("Dana Cruz", True),
        ("Lee Park", True),
    ]
    flush(40)
    assert [(e.name, e.outdated) for e in acknowledgements_for(again).waiting] == [
        ("Dana Cruz", False),
        ("Lee Park", False),
    ]


def test_a_host_proposing_another_time_is_recorded_and_the_coordinator_is_emailed(client, council, moved):
    coordinator = StaffMembershipFactory(council=council, user__email="maya@saciv.example.org").user
    Program.objects.filter(pk=moved.program_id).update(coordinator=coordinator)
    link = link_of("lee@da.example.org")

    with _at(20):
        response = client.post(
            link,
            {
                "action": "propose",
                "proposed_starts_at": "2027-03-15T15:00",
                "proposed_ends_at": "2027-03-15T16:00",
                "note": "Our director can join in the afternoon.",
            },
        )

    row = _row(moved, "Lee Park")
    [email] = Notification.objects.filter(kind=NotificationKind.REQUEST_ANSWER)
    assert 'data-testid="proposed"' in response.content.decode()
    assert (row.answer, row.proposed_starts_at, row.proposed_ends_at) == (
        AckAnswer.OTHER_TIME,
        at(MONDAY, 15),
        at(MONDAY, 16),
    )
    assert email.recipient_email == "maya@saciv.example.org"
    assert email.subject == 'Lee Park proposes another time for "District attorney\'s office"'
    assert "Proposed: Monday 15 March 2027, 15:00–16:00 CDT" in email.body_text
    assert "Our director can join in the afternoon." in email.body_text
    [entry] = acknowledgements_for(moved).proposed
    assert (entry.name, entry.proposed_starts_at) == ("Lee Park", at(MONDAY, 15))


def test_a_proposal_ending_before_it_starts_is_refused(client, moved):
    link = link_of("lee@da.example.org")

    with _at(20):
        response = client.post(
            link,
            {"action": "propose", "proposed_starts_at": "2027-03-15T15:00", "proposed_ends_at": "2027-03-15T14:00"},
        )

    assert "The end must be after the start." in response.content.decode()
    assert _row(moved, "Lee Park").answer == AckAnswer.NONE


def test_the_page_speaks_the_hosts_language(client, moved):
    with _at(20):
        page = client.get(link_of("dana@da.example.org"))

    text = page.content.decode()
    assert '<html lang="es">' in text
    assert "Sigue bien" in text
    assert "Proponer otro horario" in text


def test_a_forged_link_or_the_link_of_a_host_taken_off_the_item_does_not_work(client, moved):
    link = link_of("lee@da.example.org")
    dana = moved.contacts.get(name="Dana Cruz")
    edit(moved, 15, contacts=[dana])

    with _at(20):
        forged = client.get(link[:-3] + "xx/")
        taken_off = client.get(link)
        still_there = client.get(link_of("dana@da.example.org"))

    assert (forged.status_code, taken_off.status_code, still_there.status_code) == (404, 404, 200)


def test_the_item_page_include_lists_who_acknowledged_and_who_has_not_yet(client, moved):
    with _at(20):
        client.post(link_of("lee@da.example.org"), {"action": "fine"})

    html = render_to_string("notifications/_acknowledgements.html", {"item": moved})

    assert re.search(r'data-state="acknowledged">.*Lee Park.*still fine \(10 Mar, 09:20 CST\)', html)
    assert re.search(r'data-state="waiting">.*Dana Cruz.*no answer yet', html)
