"""The API writes itinerary items as the calendar does: through the item writer (history, version, conflicts,
change notices), refusing a write on a stale version (If-Match) and bad input with the field's message."""

import datetime as dt

import pytest
import time_machine

from audit.models import AuditEvent
from meetings import services
from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem
from notifications import change_notices
from notifications.enums import NotificationKind
from notifications.models import Notification
from tests.factories import ItineraryItemFactory, ParticipantFactory, ProgramFactory, StopFactory, local

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 2)


@pytest.fixture
def program(council):
    return ProgramFactory(council=council, title="Combating Trafficking in Persons")


@pytest.fixture
def stop(program):
    return StopFactory(program=program, city="San Antonio", time_zone="America/Chicago")


@pytest.fixture
def lucia(program):
    return ParticipantFactory(program=program, first_name="Lucía", email="lucia@example.com")


@pytest.fixture
def item(program, stop, lucia):
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        title="District attorney's office",
        status=ItemStatus.CONFIRMED,
        starts_at=local(DAY, 10),
        ends_at=local(DAY, 11),
    )


def _iso(moment):
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def test_creating_an_item_goes_through_the_item_writer(api, token, program, stop):
    body = {
        "program": program.pk,
        "stop": stop.pk,
        "title": "City manager's immigration liaison",
        "starts_at": "2027-03-02T14:00:00-06:00",
        "ends_at": "2027-03-02T15:00:00-06:00",
    }

    response = api.post("/api/v1/items/", body)

    assert response.status_code == 201, response.json()
    item = ItineraryItem.objects.get(pk=response.json()["id"])
    assert (item.title, item.starts_at, item.status, item.version) == (body["title"], local(DAY, 14), "idea", 1)
    change = ItemChange.objects.get(item=item)
    assert (change.user, change.changes["starts_at"]) == (token[0].created_by, ["", "03/02/2027 14:00 CST"])
    assert list(AuditEvent.objects.values_list("action", "object_id", "details__api_token")) == [
        ("create item", str(item.pk), token[0].prefix)
    ]
    assert response.json()["conflicts"] == []


def test_a_move_raises_the_version_records_history_and_tells_the_visitors(api, item, lucia):
    with time_machine.travel("2027-02-20 15:00:00Z", tick=False):
        response = api.post(
            f"/api/v1/items/{item.pk}/move/",
            {"starts_at": _iso(local(DAY, 13)), "ends_at": _iso(local(DAY, 14))},
            headers={"If-Match": '"1"'},
        )
    queued = change_notices.flush_due(now=dt.datetime(2027, 2, 20, 16, tzinfo=dt.UTC))

    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response["ETag"]) == (2, '"2"')
    item.refresh_from_db()
    assert (item.starts_at, item.version, item.sequence) == (local(DAY, 13), 2, 1)
    assert ItemChange.objects.get(item=item).changes["starts_at"] == ["03/02/2027 10:00 CST", "03/02/2027 13:00 CST"]
    assert queued == 1
    assert list(Notification.objects.values_list("kind", "recipient_email")) == [
        (NotificationKind.CHANGE_NOTICE, "lucia@example.com")
    ]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["move item"]


def test_a_move_on_a_stale_version_is_refused_and_changes_nothing(api, item, staff):
    # The calendar moved it since the integration read version 1.
    services.move_item(item=item, starts_at=local(DAY, 8), ends_at=local(DAY, 9), expected_version=1, user=staff)

    response = api.post(
        f"/api/v1/items/{item.pk}/move/",
        {"starts_at": _iso(local(DAY, 13)), "ends_at": _iso(local(DAY, 14))},
        headers={"If-Match": '"1"'},
    )

    assert response.status_code == 412
    assert response.json() == {"detail": "The item changed since this version.", "version": 2}
    item.refresh_from_db()
    assert (item.starts_at, item.version) == (local(DAY, 8), 2)
    assert ItemChange.objects.filter(item=item).count() == 1
    assert AuditEvent.objects.count() == 0


def test_an_edit_applies_only_the_fields_sent(api, item):
    response = api.patch(
        f"/api/v1/items/{item.pk}/",
        {"topic": "Labor trafficking cases", "dress_code": "Business"},
        headers={"If-Match": 'W/"1"'},
    )

    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert (item.topic, item.dress_code, item.title, item.version) == (
        "Labor trafficking cases",
        "Business",
        "District attorney's office",
        2,
    )
    assert AuditEvent.objects.get().action == "edit item"


def test_cancelling_keeps_the_item_as_cancelled(api, item):
    response = api.post(f"/api/v1/items/{item.pk}/cancel/")

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.version, response.json()["status"]) == (ItemStatus.CANCELLED, 2, "cancelled")
    assert ItemChange.objects.get(item=item).changes["status"] == ["Confirmed", "Cancelled"]


def test_hard_conflicts_are_refused_unless_a_reason_is_given(api, program, stop, item):
    body = {
        "program": program.pk,
        "stop": stop.pk,
        "title": "Regional anti-trafficking coalition",
        "starts_at": _iso(local(DAY, 10, 30)),
        "ends_at": _iso(local(DAY, 11, 30)),
    }

    refused = api.post("/api/v1/items/", body)
    saved = api.post("/api/v1/items/", {**body, "override_reason": "Half the group goes ahead."})

    assert refused.status_code == 409
    assert [conflict["kind"] for conflict in refused.json()["conflicts"]] == ["people"]
    assert saved.status_code == 201
    assert [(c["kind"], c["severity"], c["other_item"]) for c in saved.json()["conflicts"]] == [
        ("people", "hard", item.pk)
    ]
    assert ItineraryItem.objects.get(pk=saved.json()["id"]).conflict_override_reason == "Half the group goes ahead."


def test_bad_input_is_a_400_with_each_fields_message(api, program, stop, other_council):
    foreign = StopFactory(program=ProgramFactory(council=other_council))
    body = {
        "program": program.pk,
        "stop": foreign.pk,
        "title": "",
        "starts_at": "2027-03-02T15:00:00Z",
        "ends_at": "yesterday",
    }

    response = api.post("/api/v1/items/", body)

    assert response.status_code == 400
    assert response.json() == {
        "stop": [f'Invalid pk "{foreign.pk}" - object does not exist.'],
        "title": ["This field may not be blank."],
        "ends_at": [
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ],
    }
    assert ItineraryItem.objects.count() == 0


def test_times_outside_the_program_or_backwards_are_refused(api, item):
    response = api.post(
        f"/api/v1/items/{item.pk}/move/",
        {"starts_at": "2027-04-02T15:00:00Z", "ends_at": "2027-04-02T14:00:00Z"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "ends_at": ["The end must be after the start."],
        "starts_at": ["The item must fall within the program (03/01/2027 to 03/07/2027)."],
    }
    item.refresh_from_db()
    assert item.version == 1


def test_people_of_another_program_are_refused(api, item, council):
    stranger = ParticipantFactory(program=ProgramFactory(council=council))

    response = api.patch(f"/api/v1/items/{item.pk}/", {"whole_group": False, "participants": [stranger.pk]})

    assert response.status_code == 400
    assert response.json() == {"participants": ["Choose people of this item's program."]}


def test_a_subset_needs_someone(api, item):
    response = api.patch(f"/api/v1/items/{item.pk}/", {"whole_group": False})

    assert response.json() == {"participants": ["Choose who attends, or tick the whole group."]}


@pytest.mark.parametrize("header", ["version one", "3", ""])
def test_an_if_match_that_is_no_etag_is_refused_with_a_message(api, item, header):
    response = api.patch(f"/api/v1/items/{item.pk}/", {"topic": "Labor trafficking"}, headers={"If-Match": header})

    assert response.status_code == 400
    assert response.json() == {"If-Match": ['Send the item\'s ETag, e.g. "3".']}
    item.refresh_from_db()
    assert (item.topic, item.version) == ("", 1)


def test_bad_content_is_refused_before_the_version_is_looked_at(api, item):
    response = api.post(f"/api/v1/items/{item.pk}/move/", {}, headers={"If-Match": '"7"'})

    assert response.status_code == 400
    assert response.json() == {"starts_at": ["This field is required."], "ends_at": ["This field is required."]}
