"""Merge, never overwrite: a change made on an older copy of an item keeps what others saved since.

Each test opens the item as one person would (the edit form, the calendar), lets another change land through
another route (the form, a drag, a host's answer, the hospitality slot sync, thanking), and then saves the first
person's change. Every pair ends with both changes applied, or with an explicit question about the fields both
changed — never with one change silently reverted.
"""

import datetime as dt

import pytest
from django.urls import reverse

from councils.enums import StaffRole
from hospitality import services as hospitality
from lifecycle.prepared_messages import mark_thanked
from meetings import requests as meeting_requests
from meetings import services
from meetings.enums import ItemStatus
from meetings.forms import WALL_CLOCK_FORMAT
from meetings.models import ItemChange, ItineraryItem
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
    InvitationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    StaffMembershipFactory,
    local,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 2)


@pytest.fixture
def item(program, stop):
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        title="District attorney's office",
        topic="Victim services",
        status=ItemStatus.CONFIRMED,
        starts_at=local(DAY, 9, 30),
        ends_at=local(DAY, 10, 30),
    )


@pytest.fixture
def colleague(council, client_factory):
    """A second coordinator of the council, in a browser of their own."""
    browser = client_factory()
    browser.force_login(StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user)
    return browser


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def opened_form(client, item):
    """The edit form's fields as the page filled them in when it was opened."""
    form = client.get(reverse("meetings:item_edit", args=[item.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, dt.datetime):
            data[name] = value.strftime(WALL_CLOCK_FORMAT)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def save_form(client, item, data, **changes):
    return client.post(reverse("meetings:item_edit", args=[item.pk]), {**data, **changes})


def drag(client, item, *, shown, to, version):
    """A drag on a calendar that showed the item at ``shown`` (start, end) and version ``version``."""
    return client.post(
        reverse("meetings:item_move", args=[item.pk]),
        {
            "starts_at": to[0].strftime(WALL_CLOCK_FORMAT),
            "ends_at": to[1].strftime(WALL_CLOCK_FORMAT),
            "version": version,
            "base_starts_at": shown[0].strftime(WALL_CLOCK_FORMAT),
            "base_ends_at": shown[1].strftime(WALL_CLOCK_FORMAT),
        },
    )


def wall(hour, minute=0):
    return dt.datetime.combine(DAY, dt.time(hour, minute))


def fresh(item):
    return ItineraryItem.objects.get(pk=item.pk)


# Two forms


def test_two_forms_that_change_different_fields_both_land(staff_client, colleague, item):
    mine, theirs = opened_form(staff_client, item), opened_form(colleague, item)

    assert save_form(colleague, item, theirs, title="Bexar County DA").status_code == 302
    response = save_form(staff_client, item, mine, topic="Human trafficking unit")

    assert response.status_code == 302
    saved = fresh(item)
    assert (saved.title, saved.topic, saved.version) == ("Bexar County DA", "Human trafficking unit", 3)


def test_two_forms_that_change_the_same_field_ask_which_value_stays_and_save_nothing(staff_client, colleague, item):
    mine, theirs = opened_form(staff_client, item), opened_form(colleague, item)
    save_form(colleague, item, theirs, topic="Prosecution")

    response = save_form(staff_client, item, mine, topic="Victim support", title="Bexar County DA")

    assert response.status_code == 200
    [clash] = response.context["clashes"]
    assert (clash.name, clash.mine, clash.theirs) == ("topic", "Victim support", "Prosecution")
    body = response.content.decode()
    assert body.count("Someone else changed the same fields while you were editing.") == 1
    saved = fresh(item)
    assert (saved.topic, saved.title, saved.version) == ("Prosecution", "District attorney's office", 2)


@pytest.mark.parametrize(("choice", "topic"), [("mine", "Victim support"), ("theirs", "Prosecution")])
def test_the_editors_choice_decides_the_field_both_changed_and_is_kept_in_history(
    staff_client, colleague, item, choice, topic
):
    mine, theirs = opened_form(staff_client, item), opened_form(colleague, item)
    save_form(colleague, item, theirs, topic="Prosecution", dress_code="Business")
    asked = save_form(staff_client, item, mine, topic="Victim support", title="Bexar County DA")
    assert asked.status_code == 200

    response = save_form(
        staff_client, item, mine, topic="Victim support", title="Bexar County DA", **{"resolve_topic": choice}
    )

    assert response.status_code == 302
    saved = fresh(item)
    # The editor's other change lands, the other person's other change stays.
    assert (saved.topic, saved.title, saved.dress_code) == (topic, "Bexar County DA", "Business")
    latest = saved.changes.first()
    assert "Topic was also changed by someone else" in latest.note


def test_a_duplicate_submission_changes_nothing_twice(staff_client, item):
    data = opened_form(staff_client, item)

    first = save_form(staff_client, item, data, title="Bexar County DA")
    second = save_form(staff_client, item, data, title="Bexar County DA")

    assert (first.status_code, second.status_code) == (302, 302)
    saved = fresh(item)
    assert (saved.title, saved.version) == ("Bexar County DA", 2)
    assert saved.changes.count() == 1


# The calendar and the form


def test_a_drag_on_a_stale_calendar_lands_when_the_other_change_touched_other_fields(staff_client, colleague, item):
    theirs = opened_form(colleague, item)
    save_form(colleague, item, theirs, topic="Human trafficking unit")  # version 2 now; the calendar shows 1

    response = drag(staff_client, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(11), wall(12)), version=1)

    assert response.status_code == 200
    saved = fresh(item)
    assert (saved.starts_at, saved.topic) == (local(DAY, 11), "Human trafficking unit")


def test_a_form_opened_before_a_drag_keeps_the_new_time(staff_client, colleague, item):
    mine = opened_form(staff_client, item)
    drag(colleague, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(11), wall(12)), version=1)

    response = save_form(staff_client, item, mine, topic="Human trafficking unit")

    assert response.status_code == 302
    saved = fresh(item)
    assert (saved.starts_at, saved.ends_at, saved.topic) == (local(DAY, 11), local(DAY, 12), "Human trafficking unit")


def test_a_drag_of_an_item_someone_else_moved_meanwhile_is_refused_and_the_calendar_reloads(
    staff_client, colleague, item
):
    drag(colleague, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(11), wall(12)), version=1)

    response = drag(staff_client, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(14), wall(15)), version=1)

    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert fresh(item).starts_at == local(DAY, 11)


def test_a_form_that_moves_the_item_after_a_drag_asks_about_the_time(staff_client, colleague, item):
    mine = opened_form(staff_client, item)
    drag(colleague, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(11), wall(12)), version=1)

    response = save_form(staff_client, item, mine, starts_at="2027-03-02T15:00", ends_at="2027-03-02T16:00")

    assert response.status_code == 200
    assert {clash.name for clash in response.context["clashes"]} == {"starts_at", "ends_at"}
    assert fresh(item).starts_at == local(DAY, 11)


# A host's answer, thanking, the hospitality slot


def test_a_hosts_acceptance_and_a_stale_form_both_land(staff_client, item, council):
    item.status = ItemStatus.REQUESTED
    item.save()
    contact = ContactFactory(organization__council=council)
    meeting_request = MeetingRequestFactory(item=item, contact=contact)
    mine = opened_form(staff_client, item)

    meeting_requests.answer_request(meeting_request=meeting_request, answer=meeting_requests.Answer.ACCEPT)
    response = save_form(staff_client, item, mine, topic="Human trafficking unit")

    assert response.status_code == 302
    saved = fresh(item)
    assert (saved.status, saved.topic) == (ItemStatus.CONFIRMED, "Human trafficking unit")


def test_a_stale_form_changing_the_status_a_host_just_answered_asks_first(staff_client, item, council):
    item.status = ItemStatus.REQUESTED
    item.save()
    meeting_request = MeetingRequestFactory(item=item, contact=ContactFactory(organization__council=council))
    mine = opened_form(staff_client, item)

    meeting_requests.answer_request(meeting_request=meeting_request, answer=meeting_requests.Answer.DECLINE)
    response = save_form(staff_client, item, mine, status=ItemStatus.CONFIRMED)

    assert response.status_code == 200
    assert [clash.name for clash in response.context["clashes"]] == ["status"]
    assert fresh(item).status == ItemStatus.DECLINED


def test_thanking_and_a_stale_form_cannot_revert_each_other(staff, staff_client, item, program):
    mine = opened_form(staff_client, item)

    assert mark_thanked(program=program, item_ids=[item.pk], user=staff) == 1
    thanked = fresh(item)
    assert (thanked.status, thanked.version) == (ItemStatus.THANKED, 2)  # a new version: stale forms merge
    response = save_form(staff_client, item, mine, topic="Human trafficking unit")

    assert response.status_code == 302
    saved = fresh(item)
    assert (saved.status, saved.topic) == (ItemStatus.THANKED, "Human trafficking unit")


def test_a_form_saved_before_thanking_is_not_thanked_over(staff, staff_client, item, program):
    data = opened_form(staff_client, item)
    save_form(staff_client, item, data, status=ItemStatus.CANCELLED)

    assert mark_thanked(program=program, item_ids=[item.pk], user=staff) == 0
    assert fresh(item).status == ItemStatus.CANCELLED


@pytest.fixture
def dinner(program, stop, council, participant):
    slot = HospitalitySlotFactory(program=program, stop=stop, starts_at=local(DAY, 19), ends_at=local(DAY, 21))
    invitation = InvitationFactory(slot=slot, volunteer__council=council)
    hospitality.accept(invitation=invitation, now=slot.starts_at - dt.timedelta(days=3))
    hospitality.assign_guests(invitation=invitation, participants=[participant])
    invitation.refresh_from_db()
    return invitation


def test_moving_a_slot_moves_its_dinner_through_the_item_service(dinner, program):
    item = dinner.item
    before = fresh(item)
    slot = dinner.slot

    slot.starts_at, slot.ends_at = local(DAY, 19, 30), local(DAY, 21, 30)
    slot.save()
    hospitality._sync_item(dinner, [assignment.participant for assignment in dinner.assignments.all()])

    after = fresh(item)
    assert after.starts_at == local(DAY, 19, 30)
    assert (after.version, after.sequence) == (before.version + 1, before.sequence + 1)
    latest = after.changes.first()
    assert set(latest.changes) >= {"starts_at", "ends_at"}
    assert "hospitality slot" in latest.note


def test_a_slot_move_and_a_stale_form_on_the_dinner_both_land(dinner, staff_client):
    item = dinner.item
    mine = opened_form(staff_client, item)
    slot = dinner.slot
    slot.starts_at, slot.ends_at = local(DAY, 19, 30), local(DAY, 21, 30)
    slot.save()
    hospitality._sync_item(dinner, [assignment.participant for assignment in dinner.assignments.all()])

    response = save_form(staff_client, item, mine, visitor_notes="Bring a small gift")

    assert response.status_code == 302
    saved = fresh(item)
    assert (saved.starts_at, saved.visitor_notes) == (local(DAY, 19, 30), "Bring a small gift")


def test_the_history_of_every_writer_uses_one_date_format(staff_client, colleague, item, council):
    drag(colleague, item, shown=(wall(9, 30), wall(10, 30)), to=(wall(11), wall(12)), version=1)
    meeting_request = MeetingRequestFactory(item=fresh(item), contact=ContactFactory(organization__council=council))
    meeting_requests.answer_request(
        meeting_request=meeting_request,
        answer=meeting_requests.Answer.PROPOSE,
        proposed_starts_at=local(DAY, 14),
        proposed_ends_at=local(DAY, 15),
    )

    moved, proposed = (
        ItemChange.objects.filter(item=item).exclude(changes__has_key="meeting_request").get(),
        ItemChange.objects.filter(item=item, changes__has_key="proposed_time").get(),
    )
    assert moved.changes["starts_at"][1] == services.display_time(local(DAY, 11), "America/Chicago")
    assert proposed.changes["proposed_time"][1].startswith(services.display_time(local(DAY, 14), "America/Chicago"))


# Before a move is saved, and after


def test_the_form_of_a_confirmed_item_says_who_will_be_told(staff_client, item, council, participant):
    contact = ContactFactory(organization__council=council, name="Rebecca Torres", email="rtorres@example.org")
    item.contacts.add(contact)
    participant.email = "lucia@example.org"
    participant.save()

    told = staff_client.get(reverse("meetings:item_edit", args=[item.pk])).context["told"]

    names = [name for _role, name in told]
    assert "Rebecca Torres" in names
    assert participant.full_name in names


def test_the_form_of_an_idea_names_nobody(staff_client, program, stop):
    idea = ItineraryItemFactory(program=program, stop=stop, status=ItemStatus.IDEA)

    assert staff_client.get(reverse("meetings:item_edit", args=[idea.pk])).context["told"] == []


def test_the_item_page_shows_the_hosts_acknowledgements(staff_client, item):
    body = staff_client.get(reverse("meetings:item", args=[item.pk])).content.decode()

    assert "Hosts' acknowledgements" in body
