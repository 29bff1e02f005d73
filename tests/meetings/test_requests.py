import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from meetings import requests
from meetings.enums import ItemStatus, RequestStatus
from meetings.models import ItemChange, MeetingRequest
from meetings.tasks import meeting_request_deadlines
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.services import send_due
from tests.factories import (
    ContactFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = pytest.mark.django_db

MEETING_DAY = dt.date(2027, 3, 2)


@pytest.fixture
def program(council, staff):
    return ProgramFactory(council=council, title="Combating Trafficking in Persons", coordinator=staff)


@pytest.fixture
def item(program):
    stop = StopFactory(program=program, city="San Antonio")
    return ItineraryItemFactory(
        program=program,
        stop=stop,
        title="Bexar County District Attorney",
        status=ItemStatus.IDEA,
        topic="Prosecution and victim outreach",
        venue=VenueFactory(council=program.council, name="Justice Center", address="101 W Nueva St"),
        starts_at=local(MEETING_DAY, 9),
        ends_at=local(MEETING_DAY, 10, 30),
    )


@pytest.fixture
def contact(council):
    return ContactFactory(
        organization__council=council,
        organization__name="Bexar County DA",
        name="Rebecca Torres",
        email="rebecca@example.org",
        preferred_language="en",
    )


@pytest.fixture
def pending(item, contact, staff):
    return requests.send_request(
        item=item, contact=contact, deadline=local(dt.date(2027, 2, 23), 17), message="", user=staff
    )


def _respond_path(meeting_request):
    return reverse("meeting_requests:respond", kwargs={"token": requests.make_token(meeting_request)})


def _post_new(client, item, **data):
    return client.post(
        reverse("meeting_requests:new", kwargs={"item_id": item.pk}),
        {"deadline": "2027-02-23T17:00", "message": "", **data},
    )


def test_staff_send_a_request_and_the_contact_gets_an_email_with_a_working_link(
    staff_client, item, contact, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_new(staff_client, item, contact=contact.pk, message="We would love to visit.")
    send_due()

    assert response.status_code == 302
    meeting_request = MeetingRequest.objects.get()
    assert (meeting_request.contact, meeting_request.status) == (contact, RequestStatus.PENDING)
    assert meeting_request.deadline == local(dt.date(2027, 2, 23), 17)
    item.refresh_from_db()
    assert (item.status, item.version, item.sequence) == (ItemStatus.REQUESTED, 2, 1)
    assert list(item.contacts.all()) == [contact]
    notification = Notification.objects.get(kind=NotificationKind.MEETING_REQUEST)
    assert (notification.recipient_email, notification.language) == ("rebecca@example.org", "en")
    assert notification.dedupe_key == f"meeting-request:{meeting_request.pk}:request"
    [email] = mail.outbox
    assert email.to == ["Rebecca Torres <rebecca@example.org>"]
    assert "We would love to visit." in email.body
    link = re.search(re.escape(settings.SITE_URL) + r"(/requests/answer/\S+/)", email.body).group(1)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bexar County District Attorney" in body
    assert "09:00–10:30 CST" in body
    assert "Justice Center, 101 W Nueva St" in body


def test_the_email_and_the_page_speak_the_contacts_language(item, council, client, staff):
    contact = ContactFactory(
        organization__council=council,
        organization__name="Casa de Misericordia",
        name="Rosa Elena",
        preferred_language="es",
    )

    meeting_request = requests.send_request(
        item=item, contact=contact, deadline=local(dt.date(2027, 2, 23), 17), user=staff
    )

    notification = Notification.objects.get(kind=NotificationKind.MEETING_REQUEST)
    assert notification.language == "es"
    assert notification.subject == "Solicitud de reunión de San Antonio CIV: Bexar County District Attorney"
    assert "Estimado/a Rosa Elena:" in notification.body_text
    page = client.get(_respond_path(meeting_request), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Una solicitud de reunión de San Antonio CIV" in page
    assert "Sí, podemos recibir la reunión a esta hora" in page
    assert ItemChange.objects.get(item=item).changes["status"] == ["Idea", "Requested"]


def test_the_request_email_shows_the_meeting_in_the_stops_local_time(pending):
    notification = Notification.objects.get(kind=NotificationKind.MEETING_REQUEST)

    assert "09:00–10:30 CST (San Antonio)" in notification.body_text
    assert "17:00 CST" in notification.body_text


def test_sending_to_another_councils_contact_is_refused_and_changes_nothing(staff_client, item, other_council):
    stranger = ContactFactory(organization__council=other_council, email="stranger@example.org")

    response = _post_new(staff_client, item, contact=stranger.pk)

    assert response.status_code == 200
    assert response.context["form"].errors["contact"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert MeetingRequest.objects.count() == 0
    item.refresh_from_db()
    assert (item.status, item.version) == (ItemStatus.IDEA, 1)


def test_the_service_refuses_another_councils_contact(item, other_council, staff):
    stranger = ContactFactory(organization__council=other_council)

    with pytest.raises(requests.ValidationError):
        requests.send_request(item=item, contact=stranger, deadline=local(dt.date(2027, 2, 23), 17), user=staff)

    assert MeetingRequest.objects.count() == 0


def test_a_deadline_after_the_meeting_is_refused(staff_client, item, contact):
    response = _post_new(staff_client, item, contact=contact.pk, deadline="2027-03-02T12:00")

    assert response.context["form"].errors["deadline"] == ["The answer-by date must be before the meeting starts."]
    assert MeetingRequest.objects.count() == 0


def test_the_contact_page_shows_the_delegation_without_personal_data(client, pending, program):
    ParticipantFactory(
        program=program,
        first_name="Lucía",
        last_name="Fernández",
        country="AR",
        role="Prosecutor",
        bio="Leads trafficking cases.",
        share_bio=True,
        email="lucia@example.com",
        phone="+54 11 5555",
    )
    ParticipantFactory(
        program=program,
        first_name="Julio",
        last_name="Vargas",
        country="PE",
        bio="Public defender.",
        share_bio=False,
        preferred_language="pt",
    )

    body = client.get(_respond_path(pending)).content.decode()

    assert "2 visitors: Argentina, Peru" in body
    assert "Languages: Portuguese, Spanish" in body
    assert "Leads trafficking cases." in body
    assert "Public defender." not in body
    assert "Julio" not in body
    assert "lucia@example.com" not in body
    assert "+54 11 5555" not in body


def test_the_contact_accepts_and_the_item_is_confirmed(client, pending, staff):
    response = client.post(_respond_path(pending), {"answer": "accept", "note": "See you there"})

    assert "You accepted the meeting." in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.response_note) == (RequestStatus.ACCEPTED, "See you there")
    assert pending.responded_at is not None
    item = pending.item
    item.refresh_from_db()
    assert (item.status, item.version, item.sequence) == (ItemStatus.CONFIRMED, 3, 2)
    change = item.changes.first()
    assert change.actor_label == "Rebecca Torres"
    assert change.user is None
    assert change.changes["status"] == ["Requested", "Confirmed"]
    answer = Notification.objects.get(kind=NotificationKind.REQUEST_ANSWER)
    assert answer.recipient_email == staff.email
    assert "Rebecca Torres (Bexar County DA) answered the meeting request: Accepted." in answer.body_text


def test_the_contact_declines_and_the_item_is_declined(client, pending):
    client.post(_respond_path(pending), {"answer": "decline", "note": "Out of office"})

    pending.refresh_from_db()
    pending.item.refresh_from_db()
    assert pending.status == RequestStatus.DECLINED
    assert pending.item.status == ItemStatus.DECLINED
    assert pending.item.changes.first().changes["status"] == ["Requested", "Declined"]


def test_the_contact_proposes_another_time_and_staff_accept_it_in_one_click(client, staff_client, pending):
    client.post(
        _respond_path(pending),
        {"answer": "propose", "proposed_starts_at": "2027-03-03T14:00", "proposed_ends_at": "2027-03-03T15:00"},
    )

    pending.refresh_from_db()
    item = pending.item
    item.refresh_from_db()
    assert pending.status == RequestStatus.PROPOSED
    assert (pending.proposed_starts_at, pending.proposed_ends_at) == (
        local(dt.date(2027, 3, 3), 14),
        local(dt.date(2027, 3, 3), 15),
    )
    assert (item.status, item.starts_at, item.version) == (ItemStatus.REQUESTED, local(MEETING_DAY, 9), 2)
    assert item.changes.first().actor_label == "Rebecca Torres"
    listing = staff_client.get(reverse("meeting_requests:list", kwargs={"program_id": item.program_id}))
    assert "Proposed: Wed 3 Mar, 14:00–15:00 CST" in listing.content.decode()

    staff_client.post(reverse("meeting_requests:accept_proposal", kwargs={"request_id": pending.pk}))

    pending.refresh_from_db()
    item.refresh_from_db()
    assert pending.status == RequestStatus.ACCEPTED
    assert (item.status, item.starts_at, item.ends_at) == (
        ItemStatus.CONFIRMED,
        local(dt.date(2027, 3, 3), 14),
        local(dt.date(2027, 3, 3), 15),
    )
    assert (item.version, item.sequence) == (3, 2)
    assert Notification.objects.filter(dedupe_key=f"meeting-request:{pending.pk}:proposal-accepted").exists()


def _propose(client, meeting_request, start="2027-03-03T14:00", end="2027-03-03T15:00"):
    client.post(
        _respond_path(meeting_request), {"answer": "propose", "proposed_starts_at": start, "proposed_ends_at": end}
    )


def test_accepting_a_proposal_that_conflicts_needs_a_reason(client, staff_client, pending, program):
    ItineraryItemFactory(
        program=program,
        stop=pending.item.stop,
        title="River Walk",
        starts_at=local(dt.date(2027, 3, 3), 14),
        ends_at=local(dt.date(2027, 3, 3), 16),
    )
    _propose(client, pending)
    url = reverse("meeting_requests:accept_proposal", kwargs={"request_id": pending.pk})

    refused = staff_client.post(url)

    assert "River Walk" in refused.content.decode()
    pending.refresh_from_db()
    pending.item.refresh_from_db()
    assert pending.status == RequestStatus.PROPOSED
    assert (pending.item.status, pending.item.starts_at) == (ItemStatus.REQUESTED, local(MEETING_DAY, 9))

    staff_client.post(url, {"override_reason": "The group splits for this hour"})

    pending.refresh_from_db()
    pending.item.refresh_from_db()
    assert pending.status == RequestStatus.ACCEPTED
    assert (pending.item.status, pending.item.starts_at) == (ItemStatus.CONFIRMED, local(dt.date(2027, 3, 3), 14))
    assert pending.item.conflict_override_reason == "The group splits for this hour"


def test_a_proposal_without_times_is_refused_and_changes_nothing(client, pending):
    response = client.post(_respond_path(pending), {"answer": "propose", "proposed_starts_at": "2027-03-03T14:00"})

    assert "Please give the start and end of the time you propose." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


def test_a_proposal_outside_the_stop_is_refused(client, pending):
    response = client.post(
        _respond_path(pending),
        {"answer": "propose", "proposed_starts_at": "2027-04-03T14:00", "proposed_ends_at": "2027-04-03T15:00"},
    )

    assert response.context["form"].errors["proposed_starts_at"] == [
        "The group is in San Antonio from 2027-03-01 to 2027-03-07; please propose a time in those days."
    ]
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


def test_a_forged_token_is_refused(client, pending):
    forged = signing.dumps(["r", pending.pk], salt="another-salt")

    response = client.get(reverse("meeting_requests:respond", kwargs={"token": forged}))

    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_an_expired_link_is_refused(client, pending):
    with time_machine.travel(dt.datetime(2027, 3, 3, 16, tzinfo=dt.UTC)):
        response = client.post(_respond_path(pending), {"answer": "accept"})

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


def test_a_withdrawn_request_link_is_refused(client, staff_client, pending):
    staff_client.post(reverse("meeting_requests:withdraw", kwargs={"request_id": pending.pk}))
    client.logout()

    response = client.post(_respond_path(pending), {"answer": "accept"})

    assert response.status_code == 404
    pending.refresh_from_db()
    pending.item.refresh_from_db()
    assert pending.status == RequestStatus.WITHDRAWN
    assert pending.item.status == ItemStatus.REQUESTED


def test_an_answered_request_link_stops_working(client, pending):
    client.post(_respond_path(pending), {"answer": "decline"})

    response = client.post(_respond_path(pending), {"answer": "accept"})

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == RequestStatus.DECLINED


def test_a_late_answer_to_an_expired_request_is_still_taken(client, pending):
    with time_machine.travel(dt.datetime(2027, 2, 24, 12, tzinfo=dt.UTC)):
        meeting_request_deadlines()
        pending.refresh_from_db()
        assert pending.status == RequestStatus.EXPIRED

        client.post(_respond_path(pending), {"answer": "accept"})

    pending.refresh_from_db()
    assert pending.status == RequestStatus.ACCEPTED


@pytest.mark.parametrize(
    ("method", "name", "kwarg"),
    [
        ("get", "meeting_requests:list", "program"),
        ("get", "meeting_requests:new", "item"),
        ("post", "meeting_requests:new", "item"),
        ("post", "meeting_requests:accept_proposal", "request"),
        ("post", "meeting_requests:withdraw", "request"),
    ],
)
def test_another_councils_staff_get_404(other_staff_client, pending, method, name, kwarg):
    ids = {"program": pending.item.program_id, "item": pending.item_id, "request": pending.pk}

    response = getattr(other_staff_client, method)(reverse(name, kwargs={f"{kwarg}_id": ids[kwarg]}))

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


def test_the_reminder_goes_out_once_even_if_the_task_runs_twice(pending):
    with time_machine.travel(dt.datetime(2027, 2, 23, 8, tzinfo=dt.UTC)):
        first = meeting_request_deadlines()
        second = meeting_request_deadlines()

    reminders = Notification.objects.filter(kind=NotificationKind.HOST_REMINDER)
    assert (first["reminded"], second["reminded"]) == (1, 0)
    assert [n.dedupe_key for n in reminders] == [f"meeting-request:{pending.pk}:reminder"]
    assert reminders[0].recipient_email == "rebecca@example.org"
    pending.refresh_from_db()
    assert pending.reminded_at == dt.datetime(2027, 2, 23, 8, tzinfo=dt.UTC)


def test_no_reminder_before_the_last_day_nor_for_an_answered_request(client, pending, item, contact):
    answered = MeetingRequestFactory(
        item=item, contact=contact, deadline=pending.deadline, status=RequestStatus.ACCEPTED
    )

    with time_machine.travel(dt.datetime(2027, 2, 21, 8, tzinfo=dt.UTC)):
        early = meeting_request_deadlines()
    with time_machine.travel(dt.datetime(2027, 2, 23, 8, tzinfo=dt.UTC)):
        due = meeting_request_deadlines()

    assert (early["reminded"], due["reminded"]) == (0, 1)
    answered.refresh_from_db()
    assert answered.reminded_at is None


def test_requests_past_the_deadline_are_marked_expired(pending):
    with time_machine.travel(dt.datetime(2027, 2, 24, 0, tzinfo=dt.UTC)):
        result = meeting_request_deadlines()

    pending.refresh_from_db()
    assert result["expired"] == 1
    assert pending.status == RequestStatus.EXPIRED


def test_sending_records_the_change_on_the_item(pending, staff):
    change = ItemChange.objects.get(item=pending.item)

    assert change.user == staff
    assert change.changes["status"] == ["Idea", "Requested"]
    assert change.changes["meeting_request"] == ["", "sent to Rebecca Torres"]
    assert change.changes["host_organization"] == ["", "Bexar County DA"]
    assert change.changes["contacts"] == ["", "Rebecca Torres"]
    assert pending.item.host_organization.name == "Bexar County DA"


@pytest.mark.parametrize("items", [2, 12])
def test_request_list_query_count_does_not_grow(staff_client, program, contact, django_assert_num_queries, items):
    stop = StopFactory(program=program)
    for n in range(items):
        MeetingRequestFactory(
            item=ItineraryItemFactory(
                program=program, stop=stop, starts_at=local(MEETING_DAY, 8) + dt.timedelta(minutes=n)
            ),
            contact=contact,
        )

    # session, user (with council) (the navbar reuses them), program, items, their requests (contacts and
    # senders joined)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("meeting_requests:list", kwargs={"program_id": program.pk}))

    assert response.content.decode().count('data-request="') == items


def test_the_deadline_job_is_on_the_beat_schedule_under_its_task_name():
    from exchange.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["meeting-request-deadlines"]

    assert entry["task"] == meeting_request_deadlines.name == "meetings.meeting_request_deadlines"
    assert entry["task"] in app.tasks
