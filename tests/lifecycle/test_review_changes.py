"""Sponsor review flags every field that changed between two versions (old → new), and a program officer's comment
is emailed to the program's coordinator."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from lifecycle.links import review_url
from lifecycle.models import SponsorComment
from lifecycle.sponsor_review import add_comment, compare, publish_version, review_rows
from meetings.enums import ItemStatus
from notifications import services
from notifications.enums import RecipientType
from notifications.models import Notification
from tests.factories import (
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StaffMembershipFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(council):
    return StaffMembershipFactory(
        council=council, user__first_name="Maya", user__last_name="Lopez", user__email="maya@saciv.example.org"
    ).user


@pytest.fixture
def program(council, coordinator):
    council.email = "office@saciv.example.org"
    council.save()
    program = ProgramFactory(
        council=council,
        title="Combating Trafficking in Persons",
        coordinator=coordinator,
        program_officer_name="Pat Officer",
        program_officer_email="officer@state.example.gov",
    )
    StopFactory(program=program)
    return program


def _item(program, title, **extra):
    start = local(program.arrival_date + dt.timedelta(days=1), 9)
    return ItineraryItemFactory(
        program=program,
        stop=program.stops.get(),
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        **extra,
    )


def _path(version):
    return review_url(version).removeprefix("http://127.0.0.1:8000")


def _row(version, item):
    return next(row for row in review_rows(version) if row.id == item.pk)


def _changes(row):
    return {change.field: (str(change.old_display), str(change.new_display)) for change in row.changes}


def test_a_renamed_item_is_flagged_with_its_old_and_new_title(client, program, staff):
    item = _item(program, "Meeting with the task force")
    publish_version(program=program, user=staff)
    item.title = "Working lunch with the task force"
    item.save()
    second = publish_version(program=program, user=staff)

    row = _row(second, item)
    page = client.get(_path(second)).content.decode()

    assert row.mark == "changed"
    assert _changes(row) == {"title": ("Meeting with the task force", "Working lunch with the task force")}
    assert "Title: <s>Meeting with the task force</s> → Working lunch with the task force" in page


def test_a_change_of_place_is_flagged_with_both_places(client, program, staff, council):
    item = _item(program, "District attorney", venue=VenueFactory(council=council, name="Cadena-Reeves Justice Center"))
    publish_version(program=program, user=staff)
    item.venue = VenueFactory(council=council, name="Bexar County Courthouse")
    item.save()
    second = publish_version(program=program, user=staff)

    row = _row(second, item)
    page = client.get(_path(second)).content.decode()

    assert row.mark == "changed"
    assert _changes(row) == {"venue": ("Cadena-Reeves Justice Center", "Bexar County Courthouse")}
    assert "Place: <s>Cadena-Reeves Justice Center</s> → Bexar County Courthouse" in page


def test_a_change_of_status_is_flagged_with_both_statuses(program, staff):
    item = _item(program, "City manager's immigration liaison", status=ItemStatus.REQUESTED)
    publish_version(program=program, user=staff)
    item.status = ItemStatus.CONFIRMED
    item.save()
    second = publish_version(program=program, user=staff)

    row = _row(second, item)

    assert row.mark == "changed"
    assert _changes(row) == {"status": ("Requested", "Confirmed")}


def test_a_change_of_attendees_is_flagged_from_the_whole_group_to_the_names(client, program, staff):
    lucia = ParticipantFactory(program=program, first_name="Lucía", last_name="Fernández")
    ana = ParticipantFactory(program=program, first_name="Ana", last_name="O'Brien")
    ParticipantFactory(program=program, first_name="Jorge", last_name="Ramos")
    item = _item(program, "Shelter visit")
    publish_version(program=program, user=staff)
    item.whole_group = False
    item.save()
    item.participants.set([lucia, ana])
    second = publish_version(program=program, user=staff)
    item.participants.set([lucia])
    third = publish_version(program=program, user=staff)

    page = client.get(_path(second)).content.decode()

    assert _row(second, item).mark == "changed"
    assert _changes(_row(second, item)) == {"attendees": ("Whole group", "Ana O'Brien, Lucía Fernández")}
    assert _changes(_row(third, item)) == {"attendees": ("Ana O'Brien, Lucía Fernández", "Lucía Fernández")}
    assert "Attendees: <s>Whole group</s> → Ana O&#x27;Brien, Lucía Fernández" in page


def test_a_moved_and_renamed_item_is_marked_moved_and_lists_both_changes(program, staff):
    item = _item(program, "Newspaper data desk")
    publish_version(program=program, user=staff)
    item.title = "Express-News data desk"
    item.starts_at += dt.timedelta(hours=2, minutes=30)
    item.ends_at += dt.timedelta(hours=2, minutes=30)
    item.save()
    second = publish_version(program=program, user=staff)

    row = _row(second, item)

    assert row.mark == "moved"
    assert row.previous_starts_at.hour == 9
    assert _changes(row) == {
        "title": ("Newspaper data desk", "Express-News data desk"),
        "time": ("Tue 2 Mar, 09:00–10:00 CST", "Tue 2 Mar, 11:30–12:30 CST"),
    }


def test_a_cancelled_item_shows_its_status_change(program, staff):
    item = _item(program, "Coalition lunch")
    publish_version(program=program, user=staff)
    item.status = ItemStatus.CANCELLED
    item.save()
    second = publish_version(program=program, user=staff)

    row = _row(second, item)

    assert row.mark == "cancelled"
    assert _changes(row) == {"status": ("Confirmed", "Cancelled")}


def test_an_unchanged_item_is_not_flagged(program, staff):
    item = _item(program, "Task force")
    publish_version(program=program, user=staff)
    second = publish_version(program=program, user=staff)

    row = _row(second, item)

    assert (row.mark, row.changes) == ("", [])


def test_a_version_published_before_attendees_were_recorded_compares_the_rest():
    old = {
        "id": 1,
        "title": "Task force",
        "kind": "meeting",
        "status": "confirmed",
        "starts_at": "2027-03-02T15:00:00+00:00",
        "ends_at": "2027-03-02T16:00:00+00:00",
        "stop": "San Antonio",
        "time_zone": "America/Chicago",
        "venue": "",
    }
    new = {**old, "title": "Anti-trafficking task force", "whole_group": False, "participants": ["Ana O'Brien"]}

    (row,) = compare([old], [new])

    assert row.mark == "changed"
    assert [change.field for change in row.changes] == ["title"]


def test_the_staff_page_of_a_version_shows_the_changes_and_the_comments(staff_client, program, staff):
    item = _item(program, "Task force")
    publish_version(program=program, user=staff)
    item.title = "Anti-trafficking task force"
    item.save()
    second = publish_version(program=program, user=staff)
    SponsorComment.objects.create(version=second, body="Please keep the task force on Tuesday.")

    page = staff_client.get(reverse("lifecycle:version_detail", kwargs={"version_id": second.pk})).content.decode()

    assert "Title: <s>Task force</s> → Anti-trafficking task force" in page
    assert "Please keep the task force on Tuesday." in page


# The program officer's comments


def test_an_officer_comment_queues_exactly_one_email_to_the_coordinator(client, program, staff, coordinator):
    version = publish_version(program=program, user=staff)
    before = set(Notification.objects.values_list("pk", flat=True))

    client.post(_path(version), {"body": "Please add a meeting with the Attorney General's office."})

    (notification,) = Notification.objects.exclude(pk__in=before)
    version_page = "http://127.0.0.1:8000" + reverse("lifecycle:version_detail", kwargs={"version_id": version.pk})
    assert notification.recipient_email == "maya@saciv.example.org"
    assert notification.recipient_name == "Maya Lopez"
    assert (notification.recipient_type, notification.recipient_id) == (RecipientType.STAFF, coordinator.pk)
    assert notification.program == program
    assert notification.language == "en"
    assert (
        notification.subject == "Combating Trafficking in Persons: the program officer commented on itinerary version 1"
    )
    assert "Pat Officer commented on version 1" in notification.body_text
    assert "Please add a meeting with the Attorney General's office." in notification.body_text
    assert version_page in notification.body_text
    assert f'href="{version_page}"' in notification.body_html
    assert "Attorney General&#x27;s office" in notification.body_html


def test_the_comment_email_is_sent_once_with_the_comment(program, staff):
    version = publish_version(program=program, user=staff)
    comment = add_comment(version=version, body="Looks good.")
    notification = Notification.objects.get(dedupe_key__startswith=f"lifecycle:comment:{comment.pk}:")

    sent = [services.deliver(notification.pk), services.deliver(notification.pk)]

    assert sent == [True, False]
    assert [message.to for message in mail.outbox] == [["Maya Lopez <maya@saciv.example.org>"]]
    assert "Looks good." in mail.outbox[0].body


def test_without_a_coordinator_the_comment_goes_to_the_councils_address(program, staff):
    program.coordinator = None
    program.save()
    version = publish_version(program=program, user=staff)

    comment = add_comment(version=version, body="Looks good.")

    (notification,) = Notification.objects.filter(dedupe_key__startswith=f"lifecycle:comment:{comment.pk}:")
    assert notification.recipient_email == "office@saciv.example.org"
    assert (notification.recipient_type, notification.recipient_id) == (RecipientType.OTHER, None)


def test_a_coordinator_who_left_the_council_is_not_told(program, staff, coordinator, other_council):
    """A coordinator now on another council's staff must not read this council's program: the council is told."""
    coordinator.membership.council = other_council
    coordinator.membership.save()
    version = publish_version(program=program, user=staff)

    comment = add_comment(version=version, body="Looks good.")

    (notification,) = Notification.objects.filter(dedupe_key__startswith=f"lifecycle:comment:{comment.pk}:")
    assert notification.recipient_email == "office@saciv.example.org"


def test_with_nobody_to_tell_the_comment_is_still_stored(program, staff, council):
    program.coordinator = None
    program.save()
    council.email = ""
    council.save()
    version = publish_version(program=program, user=staff)

    comment = add_comment(version=version, body="Looks good.")

    assert SponsorComment.objects.filter(pk=comment.pk).exists()
    assert not Notification.objects.filter(dedupe_key__startswith="lifecycle:comment:").exists()
