import pytest
from django.urls import reverse

from notifications.enums import NotificationState
from tests.factories import NotificationFactory

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

    # session, user, membership, council, count, one page of rows (program joined)
    with django_assert_num_queries(6):
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
