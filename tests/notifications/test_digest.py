"""The staff digest says how things stand when it is SENT, not when it was queued: a digest held by quiet hours is
rendered again from the current data just before delivery, in the recipient's language."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from meetings.enums import ItemStatus, RequestStatus
from notifications import digest, services
from notifications.enums import NotificationKind, NotificationState, RecipientType
from notifications.models import Notification
from programs.enums import ProgramStatus
from tests.factories import (
    ContactFactory,
    HostOrganizationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    local,
)

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2027, 3, 1)
# Queued at 22:00 in San Antonio, inside the council's quiet hours (21:00–07:00): it waits until 07:00.
QUEUED_AT = local(dt.date(2027, 2, 20), 22)
QUIET_HOURS_END = local(dt.date(2027, 2, 21), 7)


@pytest.fixture
def coordinator(council):
    return StaffMembershipFactory(
        council=council, user__first_name="Maya", user__last_name="Lopez", user__email="maya@saciv.example.org"
    ).user


@pytest.fixture
def program(council, coordinator):
    program = ProgramFactory(
        council=council, title="Combating Trafficking", coordinator=coordinator, arrival_date=ARRIVAL
    )
    StopFactory(program=program)
    return program


def _item(program, title, hour, minute=0, *, day=1, status=ItemStatus.REQUESTED, stop=None, **extra):
    start = local(ARRIVAL + dt.timedelta(days=day), hour, minute)
    return ItineraryItemFactory(
        program=program,
        stop=stop or program.stops.get(),
        title=title,
        status=status,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        **extra,
    )


def _queue(program, *, language="en", key="digest:1"):
    (recipient,) = digest.coordinators(program)
    recipient = digest.StaffRecipient(
        name=recipient.name, email=recipient.email, language=language, user_id=recipient.user_id
    )
    with time_machine.travel(QUEUED_AT, tick=False):
        return digest.queue_digest(program=program, recipient=recipient, dedupe_key=key)


def test_the_sent_digest_shows_the_state_at_send_time_not_at_queue_time(program):
    district_attorney = _item(program, "District attorney", 15, 45)
    coalition = _item(program, "Coalition", 10, status=ItemStatus.IDEA)
    contact = ContactFactory(name="Rosa Diaz", organization=HostOrganizationFactory(council=program.council))
    meeting_request = MeetingRequestFactory(item=district_attorney, contact=contact)
    notification = _queue(program)
    queued_text = notification.body_text
    # After it was queued: the district attorney confirmed and moved to 16:15, the coalition moved to 11:30.
    district_attorney.status = ItemStatus.CONFIRMED
    district_attorney.starts_at = local(ARRIVAL + dt.timedelta(days=1), 16, 15)
    district_attorney.ends_at = district_attorney.starts_at + dt.timedelta(hours=1)
    district_attorney.save()
    meeting_request.status = RequestStatus.ACCEPTED
    meeting_request.save()
    coalition.starts_at = local(ARRIVAL + dt.timedelta(days=1), 11, 30)
    coalition.ends_at = coalition.starts_at + dt.timedelta(hours=1)
    coalition.save()

    with time_machine.travel(QUIET_HOURS_END, tick=False):
        sent = services.send_due()

    (message,) = mail.outbox
    notification.refresh_from_db()
    assert notification.send_after == QUIET_HOURS_END
    assert "District attorney (Requested)" in queued_text
    assert "15:45" in queued_text
    assert "Rosa Diaz" in queued_text
    assert sent == 1
    assert message.subject == "Combating Trafficking: 1 item waits for confirmation"
    assert "Combating Trafficking, as of Sun 21 Feb, 07:00 CST:" in message.body
    assert "- Tue 2 Mar, 11:30 CST: Coalition (Idea)" in message.body
    assert "District attorney" not in message.body
    assert "15:45" not in message.body
    assert "Rosa Diaz" not in message.body
    assert "11:30" in message.alternatives[0].content
    assert "District attorney" not in message.alternatives[0].content
    # The outbox keeps what was sent.
    assert (notification.state, notification.subject, notification.body_text) == (
        NotificationState.SENT,
        message.subject,
        message.body,
    )


def test_a_digest_delivered_by_its_own_task_is_rendered_again_too(program):
    item = _item(program, "District attorney", 15, 45)
    notification = _queue(program)
    item.starts_at = local(ARRIVAL + dt.timedelta(days=1), 16, 15)
    item.ends_at = item.starts_at + dt.timedelta(hours=1)
    item.save()

    with time_machine.travel(QUIET_HOURS_END, tick=False):
        assert services.deliver(notification.pk) is True

    (message,) = mail.outbox
    assert "- Tue 2 Mar, 16:15 CST: District attorney (Requested)" in message.body
    assert "15:45" not in message.body


def test_the_digest_is_rendered_in_the_recipients_language_when_sent(program):
    item = _item(program, "Fiscalía del condado", 9)
    notification = _queue(program, language="es")
    _item(program, "Coalición", 11, status=ItemStatus.IDEA)
    item.status = ItemStatus.CONFIRMED
    item.save()

    with time_machine.travel(QUIET_HOURS_END, tick=False):
        services.send_due()

    (message,) = mail.outbox
    assert notification.language == "es"
    assert message.subject == "Combating Trafficking: 1 actividad espera confirmación"
    assert "Estas actividades del programa aún no están confirmadas:" in message.body
    assert "Coalición (Idea)" in message.body
    assert "Fiscalía" not in message.body


def test_a_digest_says_so_when_nothing_waits_any_more(program):
    item = _item(program, "District attorney", 15, 45)
    _queue(program)
    item.status = ItemStatus.CONFIRMED
    item.save()

    with time_machine.travel(QUIET_HOURS_END, tick=False):
        services.send_due()

    (message,) = mail.outbox
    assert message.subject == "Combating Trafficking: nothing waits for you"
    assert "Nothing in this program waits for you." in message.body


def test_the_digest_lists_requests_and_conflicts(program):
    contact = ContactFactory(name="Rosa Diaz", organization=HostOrganizationFactory(council=program.council))
    first = _item(program, "Task force", 9, status=ItemStatus.CONFIRMED)
    _item(program, "Newspaper", 9, 30, status=ItemStatus.CONFIRMED)  # the whole group, at the same time
    MeetingRequestFactory(item=first, contact=contact, deadline=local(ARRIVAL - dt.timedelta(days=5), 17))

    with time_machine.travel(QUEUED_AT, tick=False):
        subject, body_text, body_html = digest.render(program, language="en")

    assert subject == ("Combating Trafficking: 1 request waits for an answer, 2 items have a conflict")
    assert "Meeting requests waiting for an answer:" in body_text
    assert "- Task force (Tue 2 Mar, 09:00 CST): Rosa Diaz" in body_text
    assert "answer by Wed 24 Feb, 17:00 CST" in body_text
    assert "Items with a conflict that blocks saving:" in body_text
    assert "also at “Newspaper”" in body_text


def test_an_unanswered_request_past_its_deadline_is_marked_overdue(program):
    contact = ContactFactory(name="Rosa Diaz", organization=HostOrganizationFactory(council=program.council))
    item = _item(program, "Task force", 9)
    MeetingRequestFactory(item=item, contact=contact, deadline=local(ARRIVAL - dt.timedelta(days=15), 17))

    with time_machine.travel(QUEUED_AT, tick=False):
        _subject, body_text, _html = digest.render(program, language="en")

    assert "answer was due Sun 14 Feb, 17:00 CST" in body_text


def test_preview_shows_what_would_be_sent_now_without_writing(program):
    item = _item(program, "District attorney", 15, 45)
    notification = _queue(program)
    item.starts_at = local(ARRIVAL + dt.timedelta(days=1), 16, 15)
    item.ends_at = item.starts_at + dt.timedelta(hours=1)
    item.save()

    _subject, body_text, _html = digest.preview(notification)

    notification.refresh_from_db()
    assert "16:15" in body_text
    assert "15:45" not in body_text
    assert "15:45" in notification.body_text  # nothing written until it is sent


def test_other_kinds_of_message_go_out_as_they_were_queued(program):
    _item(program, "District attorney", 15, 45)
    notification = services.queue_email(
        council=program.council,
        program=program,
        kind=NotificationKind.STAFF_REMINDER,
        recipient_type=RecipientType.STAFF,
        recipient_name="Maya Lopez",
        recipient_email="maya@saciv.example.org",
        template="notifications/email/staff_digest",
        context={"program": program, "items": []},
        dedupe_key="not-a-digest",
    )

    services.deliver(notification.pk)

    (message,) = mail.outbox
    assert message.body == notification.body_text
    assert "District attorney" not in message.body


# Who gets it, and when


def test_the_digest_goes_to_the_coordinator_else_to_the_council(program, council, coordinator):
    council.email = "office@saciv.example.org"
    council.save()

    (to_coordinator,) = digest.coordinators(program)
    program.coordinator = None
    program.save()
    (to_council,) = digest.coordinators(program)
    council.email = ""
    council.save()

    assert (to_coordinator.email, to_coordinator.user_id, to_coordinator.recipient_type) == (
        "maya@saciv.example.org",
        coordinator.pk,
        RecipientType.STAFF,
    )
    assert (to_council.email, to_council.user_id, to_council.recipient_type) == (
        "office@saciv.example.org",
        None,
        RecipientType.OTHER,
    )
    assert digest.coordinators(program) == []


def test_the_daily_digest_is_queued_once_a_day_at_the_councils_schedule_time(program, council):
    _item(program, "District attorney", 15, 45)
    quiet = ProgramFactory(council=council, coordinator=program.coordinator, arrival_date=ARRIVAL)
    _item(quiet, "Task force", 9, status=ItemStatus.CONFIRMED, stop=StopFactory(program=quiet))
    closed = ProgramFactory(council=council, status=ProgramStatus.CANCELLED, arrival_date=ARRIVAL)
    _item(closed, "Cancelled program's idea", 9, status=ItemStatus.IDEA, stop=StopFactory(program=closed))
    evening = local(dt.date(2027, 2, 20), 19)  # the council's daily_schedule_time

    before = digest.queue_due(now=evening - dt.timedelta(minutes=1))
    at_the_time = digest.queue_due(now=evening)
    again = digest.queue_due(now=evening + dt.timedelta(minutes=5))
    next_day = digest.queue_due(now=evening + dt.timedelta(days=1))

    rows = Notification.objects.filter(kind=NotificationKind.STAFF_DIGEST).order_by("pk")
    assert (before, at_the_time, again, next_day) == (0, 1, 0, 1)
    assert [row.program_id for row in rows] == [program.pk, program.pk]
    assert [row.dedupe_key for row in rows] == [
        f"staff-digest:{program.pk}:user-{program.coordinator_id}:2027-02-20",
        f"staff-digest:{program.pk}:user-{program.coordinator_id}:2027-02-21",
    ]
    assert rows[0].recipient_email == "maya@saciv.example.org"
    assert rows[0].essential is False
    assert rows[0].send_after == evening


def test_the_demo_digest_is_rendered_again_when_sent(settings):
    from demo.loader import load_demo

    load_demo(today=dt.date(2027, 6, 19))
    digests = Notification.objects.filter(dedupe_key__startswith="demo-digest:")
    last = max(notification.send_after for notification in digests)

    with time_machine.travel(last + dt.timedelta(minutes=1)):
        services.send_due()

    sent = {message.subject for message in mail.outbox}
    assert len(digests) == 2  # one per demo program, to its coordinator
    for notification in digests:
        notification.refresh_from_db()
        assert notification.kind == NotificationKind.STAFF_DIGEST
        assert notification.state == NotificationState.SENT
        assert notification.subject in sent
