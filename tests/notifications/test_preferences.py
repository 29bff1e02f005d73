"""Opt-out, unsubscribe links and quiet hours: non-essential mail respects them, essential mail does not wait."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications import preferences, services
from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from tests.factories import CouncilFactory, ParticipantFactory
from tests.notifications.factories import utc

pytestmark = pytest.mark.django_db

NINE_PM = dt.time(21, 0)
SEVEN_AM = dt.time(7, 0)


def _queue(participant, *, essential, key="k"):
    return services.queue_email(
        council=participant.program.council,
        program=participant.program,
        kind=NotificationKind.DAILY_SCHEDULE if not essential else NotificationKind.CHANGE_NOTICE,
        recipient_type=RecipientType.PARTICIPANT,
        recipient_id=participant.pk,
        recipient_name=participant.full_name,
        recipient_email=participant.email,
        template="notifications/email/staff_digest",
        context={"program": participant.program, "items": []},
        dedupe_key=key,
        essential=essential,
        time_zone="America/Chicago",
    )


@pytest.mark.parametrize(
    ("local_clock", "expected_utc"),
    [
        (utc(2027, 3, 14, 1, 0), utc(2027, 3, 14, 1, 0)),  # 19:00 CST Saturday: outside, unchanged
        (utc(2027, 3, 14, 4, 0), utc(2027, 3, 14, 12, 0)),  # 22:00 CST Saturday: to 07:00 CDT Sunday (DST began)
        (utc(2027, 3, 14, 9, 30), utc(2027, 3, 14, 12, 0)),  # 04:30 CDT Sunday: to 07:00 CDT the same morning
        (utc(2027, 3, 14, 12, 0), utc(2027, 3, 14, 12, 0)),  # 07:00 CDT: quiet hours are over
    ],
)
def test_end_of_quiet_hours_is_a_local_wall_clock_time(local_clock, expected_utc):
    moment = preferences.end_of_quiet_hours(local_clock, start=NINE_PM, end=SEVEN_AM, time_zone="America/Chicago")

    assert moment == expected_utc


def test_essential_mail_is_not_delayed_by_quiet_hours():
    participant = ParticipantFactory(program__council=CouncilFactory())

    with time_machine.travel(utc(2027, 3, 14, 4, 0), tick=False):
        notification = _queue(participant, essential=True)

    assert notification.send_after == utc(2027, 3, 14, 4, 0)


def test_essential_mail_reaches_a_person_who_opted_out():
    participant = ParticipantFactory(notifications_opt_out=True)

    assert _queue(participant, essential=True) is not None
    assert _queue(participant, essential=False, key="other") is None
    assert Notification.objects.count() == 1


def test_non_essential_mail_carries_an_unsubscribe_header():
    participant = ParticipantFactory(preferred_language="en")
    with time_machine.travel(utc(2027, 3, 14, 18, 0), tick=False):
        notification = _queue(participant, essential=False)

        services.deliver(notification.pk)

    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    prefix = "<http://127.0.0.1:8000/outbox/unsubscribe/"
    assert header.startswith(prefix)
    assert preferences.resolve_unsubscribe_token(header.removeprefix(prefix).removesuffix("/>")) == participant
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribe_link_asks_first_then_opts_the_person_out(client):
    participant = ParticipantFactory(preferred_language="es")
    token = preferences.unsubscribe_token(recipient_type="participant", recipient_id=participant.pk)
    url = reverse("notifications:unsubscribe", args=[token])

    asked = client.get(url)
    participant.refresh_from_db()
    opted_out_after_get = participant.notifications_opt_out
    done = client.post(url)

    participant.refresh_from_db()
    assert opted_out_after_get is False
    assert "¿Quiere dejar de recibir programas diarios" in asked.content.decode()
    assert "Ya no recibirá programas diarios" in done.content.decode()
    assert participant.notifications_opt_out is True


def test_unsubscribe_one_click_post_from_a_mail_client(client):
    participant = ParticipantFactory()
    token = preferences.unsubscribe_token(recipient_type="participant", recipient_id=participant.pk)

    client.post(reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})

    participant.refresh_from_db()
    assert participant.notifications_opt_out is True


def test_unsubscribe_with_a_forged_token_is_not_found(client):
    participant = ParticipantFactory()
    token = preferences.unsubscribe_token(recipient_type="participant", recipient_id=participant.pk)

    response = client.post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"]))

    participant.refresh_from_db()
    assert response.status_code == 404
    assert participant.notifications_opt_out is False


def test_opting_out_cancels_optional_mail_already_waiting_for_quiet_hours_to_end(client):
    participant = ParticipantFactory()
    with time_machine.travel(utc(2027, 3, 14, 4, 0), tick=False):  # 22:00 CST: waits until 07:00
        waiting = _queue(participant, essential=False, key="schedule")
        essential = _queue(participant, essential=True, key="change")
    token = preferences.unsubscribe_token(recipient_type="participant", recipient_id=participant.pk)

    client.post(reverse("notifications:unsubscribe", args=[token]))

    waiting.refresh_from_db()
    essential.refresh_from_db()
    assert (waiting.state, essential.state) == ("cancelled", "queued")
