"""Council admins register, edit, rotate and delete their endpoints; nobody else reaches them."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from councils.enums import StaffRole
from notifications.enums import NotificationState
from notifications.models import Notification
from tests.factories import ItineraryItemFactory, StaffMembershipFactory
from tests.webhooks.conftest import make_endpoint
from webhooks import events
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _form(**changes):
    return {
        "name": "Case management system",
        "url": "https://cases.saciv.example.org/exchange",
        "events": ["item.cancelled", "item.created"],
        "is_active": "on",
        **changes,
    }


def _actions(council):
    return list(AuditEvent.objects.filter(council=council).order_by("pk").values_list("action", flat=True))


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(council, admin_client):
    response = admin_client.post(reverse("webhooks:new"), _form())

    endpoint = WebhookEndpoint.objects.get()
    first = admin_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    second = admin_client.get(reverse("webhooks:endpoint", args=[endpoint.pk]))
    assert response["Location"] == reverse("webhooks:endpoint", args=[endpoint.pk])
    assert (endpoint.council, endpoint.url) == (council, "https://cases.saciv.example.org/exchange")
    assert endpoint.events == ["item.created", "item.cancelled"]
    assert endpoint.secret.startswith("whsec_")
    assert f'<code id="webhook-secret">{endpoint.secret}</code>' in first.content.decode()
    assert endpoint.secret not in second.content.decode()
    assert _actions(council) == ["create webhook endpoint"]


def test_a_bad_url_or_no_event_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("webhooks:new"), _form(url="ftp://cases.example.org/", events=[]))

    assert WebhookEndpoint.objects.count() == 0
    assert response.context["form"].errors == {
        "url": ["Enter a valid URL."],
        "events": ["This field is required."],
    }


def test_rotating_the_secret_replaces_it_and_shows_the_new_one_once(council, admin_client):
    endpoint = make_endpoint(council, "https://cases.saciv.example.org/exchange")
    old = endpoint.secret

    admin_client.post(reverse("webhooks:rotate", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    shown = admin_client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert endpoint.secret != old
    assert endpoint.secret in shown
    assert _actions(council) == ["rotate webhook secret"]


def test_deleting_an_endpoint_cancels_what_waits_and_keeps_the_record(council, program, stop, admin_client):
    endpoint = make_endpoint(council, "https://cases.saciv.example.org/exchange")
    [row] = events.item_created(ItineraryItemFactory(program=program, stop=stop))

    admin_client.post(reverse("webhooks:delete", args=[endpoint.pk]))

    row.refresh_from_db()
    assert WebhookEndpoint.objects.count() == 0
    assert (row.state, row.webhook_endpoint, row.target_url) == (
        NotificationState.CANCELLED,
        None,
        "https://cases.saciv.example.org/exchange",
    )
    assert _actions(council) == ["delete webhook endpoint"]


def test_switching_an_endpoint_off_cancels_what_waits(council, program, stop, admin_client):
    endpoint = make_endpoint(council, "https://cases.saciv.example.org/exchange")
    [row] = events.item_created(ItineraryItemFactory(program=program, stop=stop))

    admin_client.post(reverse("webhooks:endpoint", args=[endpoint.pk]), _form(is_active=""))

    row.refresh_from_db()
    endpoint.refresh_from_db()
    assert (endpoint.is_active, row.state) == (False, NotificationState.CANCELLED)
    assert _actions(council) == ["edit webhook endpoint"]


@pytest.mark.parametrize("name", ["webhooks:endpoint", "webhooks:rotate", "webhooks:delete"])
def test_another_councils_endpoint_is_not_found(name, client, council, other_council):
    endpoint = make_endpoint(council, "https://cases.saciv.example.org/exchange")
    client.force_login(StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user)

    response = client.post(reverse(name, args=[endpoint.pk]), _form(name="Taken over"))

    endpoint.refresh_from_db()
    assert response.status_code == 404
    assert endpoint.name == "Case management system"
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize("name", ["webhooks:endpoints", "webhooks:new", "webhooks:endpoint", "webhooks:delete"])
def test_a_coordinator_is_refused(name, client, council):
    endpoint = make_endpoint(council, "https://cases.saciv.example.org/exchange")
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user)
    args = [endpoint.pk] if name in ("webhooks:endpoint", "webhooks:delete") else []

    response = client.post(reverse(name, args=args), _form())

    assert response.status_code == 403
    assert list(WebhookEndpoint.objects.values_list("name", flat=True)) == ["Case management system"]


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_reads_a_fixed_number_of_queries(
    count, council, other_council, admin_client, django_assert_num_queries
):
    for number in range(count):
        make_endpoint(council, f"https://cases.saciv.example.org/{number}", name=f"System {number:02}")
    make_endpoint(other_council, "https://stl.example.org/", name="Another council's system")

    # the session, the user with their membership and council, the endpoints
    with django_assert_num_queries(3):
        response = admin_client.get(reverse("webhooks:endpoints"))

    shown = response.content.decode()
    assert shown.count('class="webhook-endpoint"') == count
    assert "Another council&#x27;s system" not in shown
    assert "whsec_" not in shown


def test_the_outbox_filters_webhook_deliveries_by_url(council, program, stop, staff_client):
    make_endpoint(council, "https://cases.saciv.example.org/exchange")
    make_endpoint(council, "https://stats.saciv.example.org/in", name="Statistics")
    events.item_created(ItineraryItemFactory(program=program, stop=stop))

    response = staff_client.get(reverse("notifications:outbox"), {"channel": "webhook", "q": "stats.saciv"})

    assert [row.recipient_name for row in response.context["page"]] == ["Statistics"]
    assert Notification.objects.filter(channel="webhook").count() == 2
