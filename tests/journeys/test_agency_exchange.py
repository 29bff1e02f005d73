"""The itinerary goes to the agency as numbered versions, and the agency's edited version comes back to the council,
which accepts or rejects each difference."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agency_exchange.enums import ChangeKind, Decision, VersionReason
from agency_exchange.itinerary import send_weekly_versions
from agency_exchange.models import AgencyEdit, ItineraryVersion, ProposedChange
from agency_exchange.tasks import send_weekly_agency_versions
from meetings import services as item_services
from meetings.enums import ItemStatus
from meetings.models import ItemChange, ItineraryItem
from notifications.models import Notification
from tests.factories import local
from tests.journeys.agency_exchange_world import agency_with_officer, build_world, item

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2027, 2, 15)


@pytest.fixture
def world(council, other_council):
    return build_world(council, other_council)


def _agency_mail(world):
    return Notification.objects.filter(recipient_email=world.agency.email).order_by("pk")


# Versions sent to the agency


def test_a_weekly_and_a_fell_through_version_reach_the_agency_numbered(world, commit):
    item(world.segment, "Task force", 1, 9)
    district_attorney = item(world.segment, "District attorney", 2, 9, status=ItemStatus.CONFIRMED)

    with commit():
        weekly = [send_weekly_versions(today=MONDAY), send_weekly_versions(today=MONDAY + dt.timedelta(days=2))]
    with commit():
        item_services.change_item(item=district_attorney, data={"status": ItemStatus.DECLINED})

    versions = ItineraryVersion.objects.filter(segment=world.segment).order_by("number")
    assert weekly == [2, 0]  # both segments once; a second run in the same week sends nothing
    assert [(v.number, v.reason) for v in versions] == [(1, VersionReason.WEEKLY), (2, VersionReason.FELL_THROUGH)]
    mail = _agency_mail(world).filter(program=world.program)
    assert [(m.recipient_email, m.language, m.dedupe_key) for m in mail] == [
        ("officer@northfield.example", "es", f"agency-exchange:version:{versions[0].pk}"),
        ("officer@northfield.example", "es", f"agency-exchange:version:{versions[1].pk}"),
    ]
    # The second one names what fell through, from the previous version to this one.
    assert "District attorney" in mail[1].body_text
    assert "Task force" not in mail[1].body_text
    assert [entry["title"] for entry in versions[1].snapshot] == ["Task force"]


def test_the_beat_task_sends_each_segment_once_a_week(world):
    item(world.segment, "Task force", 1, 9)

    sent = [send_weekly_agency_versions.apply().get(), send_weekly_agency_versions.apply().get()]

    assert sent == [2, 0]
    assert _agency_mail(world).count() == 2


def test_a_change_that_is_not_a_falling_through_sends_nothing(world):
    task_force = item(world.segment, "Task force", 1, 9, status=ItemStatus.REQUESTED)

    item_services.change_item(item=task_force, data={"status": ItemStatus.DECLINED})
    item_services.change_item(item=item(world.segment, "Coalition", 2, 9), data={"title": "Coalition lunch"})

    assert ItineraryVersion.objects.count() == 0


def test_the_version_the_agency_sees_keeps_council_secrets_out(world, client):
    item(world.segment, "Task force", 1, 9, internal_notes="Driver owes us a favour", visitor_notes="Bring ID")
    send_weekly_versions(today=MONDAY)
    version = ItineraryVersion.objects.get(segment=world.segment)
    client.force_login(world.agency_user)

    page = client.get(reverse("agency_exchange:version", args=[version.pk])).content.decode()
    exported = client.get(reverse("agency_exchange:version_export", args=[version.pk, "json"])).content.decode()

    assert "Task force" in page
    assert "Bring ID" in exported
    assert "Driver owes us a favour" not in page + exported + str(version.snapshot)


# The agency's edited version


def _export_rows(client, version):
    response = client.get(reverse("agency_exchange:version_export", args=[version.pk, "csv"]))
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("edited.csv", out.getvalue().encode(), content_type="text/csv")


def _upload(client, segment, upload):
    return client.post(reverse("agency_exchange:edit_upload", args=[segment.pk]), {"file": upload})


def _decide(client, change, decision, **extra):
    return client.post(reverse("agency_exchange:decide", args=[change.pk]), {"decision": decision, **extra})


@pytest.fixture
def sent(world):
    """Three confirmed items sent to the agency as version 1."""
    items = {
        "moved": item(world.segment, "Newspaper data desk", 1, 11),
        "renamed": item(world.segment, "Task force", 1, 14),
        "dropped": item(world.segment, "River Walk", 2, 15),
    }
    send_weekly_versions(today=MONDAY)
    return items


def _edited(client, world, sent):
    version = ItineraryVersion.objects.get(segment=world.segment, number=1)
    rows = _export_rows(client, version)
    by_title = {row["title"]: row for row in rows}
    by_title["Newspaper data desk"]["start"], by_title["Newspaper data desk"]["end"] = "13:00", "14:00"
    by_title["Task force"]["title"] = "Task force (UTSA)"
    rows.remove(by_title["River Walk"])
    new = {key: "" for key in rows[0]}
    new.update(title="Welcome dinner", date="2027-03-03", start="19:00", end="21:00", kind="Meal")
    return [*rows, new]


def test_the_council_sees_each_difference_of_the_agencys_edit(world, sent, staff_client):
    staff_client.force_login(world.staff)

    response = _upload(staff_client, world.segment, _csv(_edited(staff_client, world, sent)))

    edit = AgencyEdit.objects.get(segment=world.segment)
    assert response.status_code == 302
    changes = {(c.kind, c.title): c for c in edit.changes.all()}
    assert sorted(changes) == [
        (ChangeKind.ADDED, "Welcome dinner"),
        (ChangeKind.CHANGED, "Newspaper data desk"),
        (ChangeKind.CHANGED, "Task force (UTSA)"),
        (ChangeKind.REMOVED, "River Walk"),
    ]
    assert sorted(changes[ChangeKind.CHANGED, "Newspaper data desk"].fields) == ["ends_at", "starts_at"]
    assert changes[ChangeKind.CHANGED, "Task force (UTSA)"].fields == {"title": ["Task force", "Task force (UTSA)"]}
    page = staff_client.get(reverse("agency_exchange:edit", args=[edit.pk])).content.decode()
    assert "Tue 2 Mar 2027, 13:00 CST" in page  # the asked-for time, on the stop's labelled clock
    assert "Tue 2 Mar 2027, 11:00 CST" in page  # as it was sent


def test_only_the_accepted_differences_are_applied(world, sent, staff_client):
    staff_client.force_login(world.staff)
    _upload(staff_client, world.segment, _csv(_edited(staff_client, world, sent)))
    changes = {c.title: c for c in ProposedChange.objects.all()}
    history_before = ItemChange.objects.filter(item=sent["renamed"]).count()

    _decide(staff_client, changes["Newspaper data desk"], "accept")
    _decide(staff_client, changes["Task force (UTSA)"], "reject")
    _decide(staff_client, changes["Welcome dinner"], "accept")

    moved, renamed, dropped = (ItineraryItem.objects.get(pk=sent[key].pk) for key in ("moved", "renamed", "dropped"))
    assert moved.starts_at == local(dt.date(2027, 3, 2), 13)
    assert moved.version == sent["moved"].version + 1
    assert list(moved.changes.values_list("user", flat=True)[:1]) == [world.staff.pk]
    assert renamed.title == "Task force"
    assert renamed.version == sent["renamed"].version
    assert ItemChange.objects.filter(item=renamed).count() == history_before
    assert dropped.status == ItemStatus.CONFIRMED  # not decided yet
    dinner = ItineraryItem.objects.get(program=world.program, title="Welcome dinner")
    assert (dinner.status, dinner.kind, dinner.starts_at) == (ItemStatus.IDEA, "meal", local(dt.date(2027, 3, 3), 19))
    assert dinner.changes.count() == 1
    assert dict(ProposedChange.objects.values_list("title", "decision")) == {
        "Newspaper data desk": Decision.ACCEPTED,
        "Task force (UTSA)": Decision.REJECTED,
        "Welcome dinner": Decision.ACCEPTED,
        "River Walk": Decision.PENDING,
    }


def test_an_accepted_removal_cancels_the_item_through_the_item_service(world, sent, staff_client):
    staff_client.force_login(world.staff)
    _upload(staff_client, world.segment, _csv(_edited(staff_client, world, sent)))

    _decide(staff_client, ProposedChange.objects.get(kind=ChangeKind.REMOVED), "accept")

    dropped = ItineraryItem.objects.get(pk=sent["dropped"].pk)
    assert dropped.status == ItemStatus.CANCELLED
    assert dropped.changes.first().changes["status"] == ["Confirmed", "Cancelled"]
    # A confirmed meeting the council cancels is one that fell through: the agency hears at once.
    assert ItineraryVersion.objects.filter(segment=world.segment).latest("number").reason == VersionReason.FELL_THROUGH


def test_a_staff_edit_made_since_is_a_conflict_not_overwritten(world, sent, staff_client):
    staff_client.force_login(world.staff)
    _upload(staff_client, world.segment, _csv(_edited(staff_client, world, sent)))
    change = ProposedChange.objects.get(title="Newspaper data desk")
    staff_time = local(dt.date(2027, 3, 2), 16)
    item_services.update_item(
        item=sent["moved"],
        data={"starts_at": staff_time, "ends_at": staff_time + dt.timedelta(hours=1)},
        expected_version=sent["moved"].version,
    )

    _decide(staff_client, change, "accept")

    change.refresh_from_db()
    assert change.decision == Decision.CONFLICT
    assert ItineraryItem.objects.get(pk=sent["moved"].pk).starts_at == staff_time
    page = staff_client.get(reverse("agency_exchange:edit", args=[change.edit_id])).content.decode()
    assert "changed since" in page

    _decide(staff_client, change, "accept", overwrite="on")

    change.refresh_from_db()
    assert change.decision == Decision.ACCEPTED
    assert ItineraryItem.objects.get(pk=sent["moved"].pk).starts_at == local(dt.date(2027, 3, 2), 13)


def test_bad_rows_of_an_edit_are_reported_by_line_and_nothing_is_kept(world, sent, staff_client):
    staff_client.force_login(world.staff)
    rows = _edited(staff_client, world, sent)
    rows[0]["date"] = "2 March"  # line 2
    rows[1]["item_id"] = "999999"  # line 3
    rows[2]["end"] = "18:00"  # line 4: the dinner would end before it starts

    response = _upload(staff_client, world.segment, _csv(rows))

    errors = [str(error) for error in response.context["report"].errors]
    assert [error.line for error in response.context["report"].errors] == [2, 3, 4]
    assert "Line 2" in response.content.decode()
    assert "999999" in errors[1]
    assert AgencyEdit.objects.count() == 0
    assert ProposedChange.objects.count() == 0


def test_the_agency_uploads_its_edit_as_json_too(world, sent, client):
    client.force_login(world.agency_user)
    version = ItineraryVersion.objects.get(segment=world.segment, number=1)
    document = client.get(reverse("agency_exchange:version_export", args=[version.pk, "json"])).json()
    document["items"][0]["title"] = "Newspaper data desk (Express-News)"
    upload = SimpleUploadedFile("edited.json", json.dumps(document).encode())

    _upload(client, world.segment, upload)

    change = ProposedChange.objects.get()
    assert (change.kind, change.fields["title"][1], change.edit.based_on) == (
        ChangeKind.CHANGED,
        "Newspaper data desk (Express-News)",
        version,
    )


# Access


def test_another_council_cannot_see_or_answer_the_differences_of_a_segment_not_theirs(world, sent, client):
    client.force_login(world.staff)
    _upload(client, world.segment, _csv(_edited(client, world, sent)))
    change = ProposedChange.objects.get(title="Newspaper data desk")
    version = ItineraryVersion.objects.get(segment=world.segment, number=1)
    client.force_login(world.other_staff)

    responses = [
        client.get(reverse("agency_exchange:edit", args=[change.edit_id])),
        client.get(reverse("agency_exchange:segment", args=[world.segment.pk])),
        client.get(reverse("agency_exchange:version", args=[version.pk])),
        client.get(reverse("agency_exchange:version_export", args=[version.pk, "csv"])),
        _decide(client, change, "accept"),
        _upload(client, world.segment, SimpleUploadedFile("x.csv", b"a")),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    change.refresh_from_db()
    assert change.decision == Decision.PENDING
    assert ItineraryItem.objects.get(pk=sent["moved"].pk).starts_at == local(dt.date(2027, 3, 2), 11)


def test_the_agency_reads_the_differences_but_only_the_council_answers(world, sent, client):
    client.force_login(world.agency_user)
    _upload(client, world.segment, _csv(_edited(client, world, sent)))
    change = ProposedChange.objects.get(title="Newspaper data desk")

    page = client.get(reverse("agency_exchange:edit", args=[change.edit_id]))
    answer = _decide(client, change, "accept")

    assert "Newspaper data desk" in page.content.decode()
    assert 'name="decision"' not in page.content.decode()
    assert answer.status_code == 403
    change.refresh_from_db()
    assert change.decision == Decision.PENDING


def test_staff_of_another_agency_get_404(world, sent, client):
    _other, stranger = agency_with_officer("Harbor Exchange Partners", "harbor", email="po@harbor.example")
    version = ItineraryVersion.objects.get(segment=world.segment, number=1)
    client.force_login(stranger)

    responses = [
        client.get(reverse("agency_exchange:program", args=[world.national_program.pk])),
        client.get(reverse("agency_exchange:segment", args=[world.segment.pk])),
        client.get(reverse("agency_exchange:version", args=[version.pk])),
        client.get(reverse("agency_exchange:version_export", args=[version.pk, "xlsx"])),
    ]

    assert [r.status_code for r in responses] == [404] * 4


def test_council_staff_cannot_open_the_agencys_pages(world, client):
    client.force_login(world.staff)

    response = client.get(reverse("agency_exchange:program", args=[world.national_program.pk]))

    assert response.status_code == 403


def test_the_council_sends_the_final_itinerary(world, sent, staff_client):
    staff_client.force_login(world.staff)

    staff_client.post(reverse("agency_exchange:send", args=[world.segment.pk]), {"reason": "final", "note": "Approved"})

    version = ItineraryVersion.objects.get(segment=world.segment, number=2)
    assert (version.reason, version.note, version.sent_by) == (VersionReason.FINAL, "Approved", world.staff)
    assert _agency_mail(world).filter(dedupe_key=f"agency-exchange:version:{version.pk}").exists()


@pytest.mark.parametrize("size", [1, 4])
def test_the_segment_page_keeps_its_query_count(world, client, django_assert_num_queries, size):
    item(world.segment, "Task force", 1, 9)
    for week in range(size):
        send_weekly_versions(today=MONDAY + dt.timedelta(weeks=week))
        AgencyEdit.objects.create(segment=world.segment, file_name=f"edit-{week}.csv")
    client.force_login(world.staff)

    # session, user (with council and agency), segment, versions, edits
    with django_assert_num_queries(5):
        response = client.get(reverse("agency_exchange:segment", args=[world.segment.pk]))

    assert response.content.decode().count("edit-") == size


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_an_export_read_back_unchanged_asks_for_nothing_and_formulas_stay_text(world, staff_client, format):
    item(world.segment, '=HYPERLINK("http://evil.example","x")', 1, 9, visitor_notes="+1 bring ID")
    send_weekly_versions(today=MONDAY)
    version = ItineraryVersion.objects.get(segment=world.segment)
    staff_client.force_login(world.staff)
    exported = staff_client.get(reverse("agency_exchange:version_export", args=[version.pk, format])).content

    _upload(staff_client, world.segment, SimpleUploadedFile(f"same.{format}", exported))

    edit = AgencyEdit.objects.get()
    assert list(edit.changes.all()) == []
    if format == "csv":
        assert "'=HYPERLINK" in exported.decode()
    if format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        titles = [cell for cell in sheet[2] if str(cell.value).startswith("=HYPERLINK")]
        assert [cell.data_type for cell in titles] == ["s"]
