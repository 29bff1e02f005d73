import datetime as dt

import pytest
from django.urls import reverse

from notifications.enums import NotificationState
from notifications.models import Notification
from tests.factories import NotificationFactory, ProgramFactory
from tests.notifications.factories import confirmed_item, program_under_way, visitor

pytestmark = pytest.mark.django_db


def test_outbox_lists_the_councils_messages_with_their_state(staff_client, council, other_council):
    NotificationFactory(council=council, subject="Daily schedule for Tuesday", state=NotificationState.SENT)
    NotificationFactory(council=council, subject="Meeting request", state=NotificationState.FAILED, last_error="boom")
    NotificationFactory(council=other_council, subject="Another council's message")

    response = staff_client.get(reverse("notifications:outbox"))

    body = response.content.decode()
    assert "Daily schedule for Tuesday" in body
    assert "Meeting request" in body
    assert "boom" in body
    assert "Another council&#x27;s message" not in body


def test_outbox_filters_by_state(staff_client, council):
    NotificationFactory(council=council, subject="Sent one", state=NotificationState.SENT)
    NotificationFactory(council=council, subject="Failed one", state=NotificationState.FAILED)

    response = staff_client.get(reverse("notifications:outbox"), {"state": "failed"})

    assert [n.subject for n in response.context["page"]] == ["Failed one"]


@pytest.mark.parametrize("rows", [3, 30])
def test_outbox_query_count_does_not_grow_with_rows(staff_client, council, django_assert_num_queries, rows):
    NotificationFactory.create_batch(rows, council=council)

    # session, user (with council), count, one page of rows (program joined), the program filter's choices
    with django_assert_num_queries(5):
        staff_client.get(reverse("notifications:outbox"))


def test_another_councils_message_is_not_found(other_staff_client, council):
    notification = NotificationFactory(council=council)

    assert other_staff_client.get(reverse("notifications:detail", args=[notification.pk])).status_code == 404
    assert other_staff_client.post(reverse("notifications:resend", args=[notification.pk])).status_code == 404


def test_staff_resend_a_failed_message(staff_client, council):
    notification = NotificationFactory(council=council, state=NotificationState.FAILED, attempts=5)

    staff_client.post(reverse("notifications:resend", args=[notification.pk]))

    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED
    assert notification.attempts == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:outbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_outbox_filters_by_program_kind_and_recipient(staff_client, council):
    program = ProgramFactory(council=council, title="Combating Trafficking")
    other_program = ProgramFactory(council=council, title="Press Freedom")
    NotificationFactory(council=council, program=program, kind="daily_schedule", recipient_name="Ana Rojas")
    NotificationFactory(council=council, program=program, kind="change_notice", recipient_name="Ana Rojas")
    NotificationFactory(council=council, program=program, kind="daily_schedule", recipient_name="Luis Vega")
    NotificationFactory(council=council, program=other_program, kind="daily_schedule", recipient_name="Ana Rojas")

    response = staff_client.get(
        reverse("notifications:outbox"), {"program": program.pk, "kind": "daily_schedule", "q": "rojas"}
    )

    assert [(n.program.title, n.kind, n.recipient_name) for n in response.context["page"]] == [
        ("Combating Trafficking", "daily_schedule", "Ana Rojas")
    ]


def test_outbox_refuses_another_councils_program_as_a_filter(staff_client, council, other_council):
    foreign = ProgramFactory(council=other_council)
    NotificationFactory(council=other_council, program=foreign, subject="Foreign message")

    response = staff_client.get(reverse("notifications:outbox"), {"program": foreign.pk})

    assert "program" in response.context["form"].errors
    assert "Foreign message" not in response.content.decode()


def test_outbox_shows_dead_letters_with_their_error(staff_client, council):
    NotificationFactory(council=council, subject="Gave up", state=NotificationState.FAILED, last_error="SMTP 550")
    NotificationFactory(council=council, subject="Went out", state=NotificationState.SENT)

    response = staff_client.get(reverse("notifications:outbox"), {"state": "failed"})

    body = response.content.decode()
    assert [n.subject for n in response.context["page"]] == ["Gave up"]
    assert "Failed (dead letter)" in body
    assert "SMTP 550" in body


def test_message_html_is_served_sandboxed_with_a_strict_policy(staff_client, council):
    notification = NotificationFactory(council=council, body_html="<p>Hi</p><script>alert(1)</script>")

    page = staff_client.get(reverse("notifications:detail", args=[notification.pk]))
    frame = staff_client.get(reverse("notifications:detail_html", args=[notification.pk]))

    assert 'sandbox="" referrerpolicy="no-referrer"' in page.content.decode()
    assert frame.content.decode() == "<p>Hi</p><script>alert(1)</script>"
    policy = frame["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"


def test_another_councils_message_html_is_not_found(other_staff_client, council):
    notification = NotificationFactory(council=council)

    assert other_staff_client.get(reverse("notifications:detail_html", args=[notification.pk])).status_code == 404


def test_staff_preview_tomorrows_daily_schedule_without_queuing(staff_client, council):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana", last_name="Rojas", preferred_language="es")
    confirmed_item(program, stop, dt.date(2027, 3, 15), 9, title="Fiscalía")

    page = staff_client.get(reverse("notifications:preview"), {"participant": ana.pk, "day": "2027-03-15"})
    frame = staff_client.get(reverse("notifications:preview_html"), {"participant": ana.pk, "day": "2027-03-15"})

    assert page.context["preview"]["subject"] == "Su programa del lunes 15 de marzo en San Antonio"
    assert "09:00–10:00 CDT  Fiscalía" in page.content.decode()
    assert "Fiscalía" in frame.content.decode()
    assert "default-src 'none'" in frame["Content-Security-Policy"]
    assert Notification.objects.count() == 0


def test_staff_cannot_preview_another_councils_participant(staff_client, other_council):
    program, stop = program_under_way(council=other_council)
    foreign = visitor(program, first_name="Ana")
    confirmed_item(program, stop, dt.date(2027, 3, 15), 9, title="Secret meeting")

    page = staff_client.get(reverse("notifications:preview"), {"participant": foreign.pk, "day": "2027-03-15"})
    frame = staff_client.get(reverse("notifications:preview_html"), {"participant": foreign.pk, "day": "2027-03-15"})

    assert page.context["preview"] is None
    assert "participant" in page.context["form"].errors
    assert "Secret meeting" not in page.content.decode()
    assert frame.status_code == 404


@pytest.mark.parametrize("items", [1, 6])
def test_preview_query_count_does_not_grow_with_items(staff_client, council, django_assert_num_queries, items):
    program, stop = program_under_way(council=council)
    ana = visitor(program, first_name="Ana")
    for hour in range(8, 8 + items):
        confirmed_item(program, stop, dt.date(2027, 3, 15), hour, title=f"Meeting at {hour}")

    # session, user (with council); the chosen participant (with program); the program's stops; the day's
    # items (joins) and their contacts; the participant choices
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("notifications:preview"), {"participant": ana.pk, "day": "2027-03-15"})

    assert len(response.context["preview"]["items"]) == items
