import datetime as dt

import pytest
from django.urls import reverse

from lifecycle.enums import TaskMessage
from lifecycle.links import review_url
from lifecycle.models import ItineraryVersion, SponsorComment, WeeklySponsorUpdate
from lifecycle.sponsor_review import approve_version, publish_version, revoke_version, send_weekly_updates
from lifecycle.tasks import send_weekly_sponsor_updates
from meetings.enums import ItemStatus
from notifications.models import Notification
from programs.enums import ProgramStatus
from tests.factories import ItineraryItemFactory, ProgramFactory, StopFactory, local
from tests.lifecycle.factories import ProgramTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(council):
    program = ProgramFactory(
        council=council, program_officer_name="Pat Officer", program_officer_email="officer@state.example.gov"
    )
    StopFactory(program=program)
    return program


def _item(program, title, day, hour, **extra):
    start = local(program.arrival_date + dt.timedelta(days=day), hour)
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


def _marks(response):
    return {row.title: row.mark for row in response.context["rows"]}


def test_sponsor_link_shows_exactly_the_changes_since_the_last_version(client, program, staff):
    kept = _item(program, "Task force", 1, 9)
    moved = _item(program, "Newspaper data desk", 1, 11)
    cancelled = _item(program, "District attorney", 2, 9)
    dropped = _item(program, "Coalition lunch", 2, 12)
    publish_version(program=program, user=staff)
    moved.starts_at += dt.timedelta(hours=3)
    moved.ends_at += dt.timedelta(hours=3)
    moved.save()
    cancelled.status = ItemStatus.CANCELLED
    cancelled.save()
    dropped.delete()
    _item(program, "River Walk", 3, 14)
    _item(program, "Only an idea", 3, 18, status=ItemStatus.IDEA)
    second = publish_version(program=program, user=staff)

    response = client.get(_path(second))

    assert _marks(response) == {
        kept.title: "",
        "Newspaper data desk": "moved",
        "District attorney": "cancelled",
        "Coalition lunch": "cancelled",
        "River Walk": "added",
    }
    moved_row = next(row for row in response.context["rows"] if row.mark == "moved")
    assert moved_row.previous_starts_at.hour == 11
    assert moved_row.starts_at.hour == 14
    assert "moved" in response.content.decode()


def test_the_first_version_marks_nothing(client, program, staff):
    _item(program, "Task force", 1, 9)

    response = client.get(_path(publish_version(program=program, user=staff)))

    assert _marks(response) == {"Task force": ""}


def test_a_revoked_link_is_refused(client, program, staff):
    version = publish_version(program=program, user=staff)
    revoke_version(version=version)

    response = client.get(_path(version))

    assert response.status_code == 404
    assert version.program.title not in response.content.decode()


def test_a_forged_link_is_refused(client, program, staff):
    version = publish_version(program=program, user=staff)

    response = client.get(_path(version)[:-3] + "xyz/")

    assert response.status_code == 404


def test_publishing_numbers_versions_and_sends_the_link_to_the_program_officer(program, staff):
    publish_version(program=program, user=staff)
    second = publish_version(program=program, user=staff, note="Two meetings moved.")

    notification = Notification.objects.get(dedupe_key=f"lifecycle:version:{second.pk}")
    assert list(program.itinerary_versions.values_list("number", flat=True)) == [2, 1]
    assert notification.recipient_email == "officer@state.example.gov"
    assert review_url(second) in notification.body_text
    assert "Two meetings moved." in notification.body_text


def test_the_program_officers_comments_are_stored_and_shown_to_staff(client, staff_client, program, staff):
    version = publish_version(program=program, user=staff)

    client.post(_path(version), {"body": "Please add a meeting with the Attorney General's office."})
    staff_page = staff_client.get(reverse("lifecycle:versions", kwargs={"program_id": program.pk}))

    assert (
        SponsorComment.objects.get(version=version).body == "Please add a meeting with the Attorney General's office."
    )
    assert "Please add a meeting with the Attorney General&#x27;s office." in staff_page.content.decode()


def test_only_one_version_is_the_approved_one(program, staff):
    first = publish_version(program=program, user=staff)
    second = publish_version(program=program, user=staff)
    approve_version(version=first, user=staff)

    approve_version(version=second, user=staff)

    assert list(ItineraryVersion.objects.filter(approved_at__isnull=False)) == [second]


def test_staff_approve_and_revoke_from_the_versions_page(staff_client, program, staff):
    version = publish_version(program=program, user=staff)

    staff_client.post(reverse("lifecycle:approve", kwargs={"version_id": version.pk}))
    staff_client.post(reverse("lifecycle:revoke", kwargs={"version_id": version.pk}))

    version.refresh_from_db()
    assert version.approved_by == staff
    assert version.revoked_at is not None


def test_weekly_update_is_sent_once_per_iso_week(program):
    WeeklySponsorUpdate.objects.create(program=program, weekday=1)
    _item(program, "Task force", 1, 9)
    monday = dt.date(2027, 2, 15)

    sent = [
        send_weekly_updates(today=monday),
        send_weekly_updates(today=monday + dt.timedelta(days=2)),
        send_weekly_updates(today=monday + dt.timedelta(days=7)),
    ]

    updates = Notification.objects.filter(dedupe_key__startswith=f"lifecycle:sponsor-weekly:{program.pk}:")
    assert sent == [1, 0, 1]
    assert sorted(updates.values_list("dedupe_key", flat=True)) == [
        f"lifecycle:sponsor-weekly:{program.pk}:2027-W07",
        f"lifecycle:sponsor-weekly:{program.pk}:2027-W08",
    ]
    assert "Task force" in updates.first().body_text


def test_weekly_update_waits_for_its_weekday_and_stops_with_the_program(program):
    WeeklySponsorUpdate.objects.create(program=program, weekday=3)
    tuesday = dt.date(2027, 2, 16)

    before_weekday = send_weekly_updates(today=tuesday)
    ProgramFactory._meta.model.objects.filter(pk=program.pk).update(status=ProgramStatus.COMPLETED)
    after_completion = send_weekly_updates(today=tuesday + dt.timedelta(days=1))

    assert (before_weekday, after_completion) == (0, 0)


def test_staff_schedule_the_weekly_update(staff_client, program):
    staff_client.post(
        reverse("lifecycle:weekly_update", kwargs={"program_id": program.pk}), {"active": "on", "weekday": "2"}
    )

    schedule = WeeklySponsorUpdate.objects.get(program=program)
    assert (schedule.active, schedule.weekday) == (True, 2)


@pytest.mark.parametrize("size", [1, 5])
def test_versions_page_keeps_its_query_count(staff_client, program, staff, django_assert_num_queries, size):
    _item(program, "Task force", 1, 9)
    for _ in range(size):
        version = publish_version(program=program, user=staff)
        SponsorComment.objects.create(version=version, body="Looks good")

    # session, user (with council), program, weekly schedule, versions with their staff, comments, the program's
    # stops (whose clock the times are shown on)
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("lifecycle:versions", kwargs={"program_id": program.pk}))

    assert response.content.decode().count("Looks good") == size


def test_the_beat_task_sends_the_weeks_updates(program):
    WeeklySponsorUpdate.objects.create(program=program, weekday=1)

    sent = send_weekly_sponsor_updates.apply().get()

    assert sent == 1
    assert Notification.objects.filter(dedupe_key__startswith=f"lifecycle:sponsor-weekly:{program.pk}:").count() == 1


def test_an_empty_comment_is_refused_with_the_error(client, program, staff):
    version = publish_version(program=program, user=staff)

    response = client.post(_path(version), {"body": ""})

    assert "This field is required." in response.content.decode()
    assert SponsorComment.objects.count() == 0


def test_the_sponsor_update_task_opens_the_prepared_message_and_sending_ticks_it_off(staff_client, program, staff):
    _item(program, "Task force", 1, 9)
    publish_version(program=program, user=staff)
    task = ProgramTaskFactory(program=program, title="Update the sponsor", message=TaskMessage.SPONSOR_UPDATE)
    checklist = staff_client.get(reverse("lifecycle:checklist", kwargs={"program_id": program.pk}))
    url = reverse("lifecycle:prepared_message", kwargs={"program_id": program.pk, "message": "sponsor_update"})

    staff_client.post(url, {"note": "The district attorney moved to Wednesday."})

    update = Notification.objects.get(dedupe_key__startswith=f"lifecycle:sponsor-update:{program.pk}:")
    task.refresh_from_db()
    assert f'href="{url}"' in checklist.content.decode()
    assert update.recipient_email == "officer@state.example.gov"
    assert "The district attorney moved to Wednesday." in update.body_text
    assert "Task force" in update.body_text
    assert task.done_by == staff
