"""A person's page: a participant's, volunteer's or host contact's details and timeline, for their council's staff;
export and erasure buttons for its admins."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from councils.enums import StaffRole
from directory.models import Contact
from meetings import services as item_services
from meetings.enums import RequestStatus
from notifications.enums import NotificationKind, NotificationState, RecipientType
from notifications.models import Notification
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    NotificationFactory,
    StaffMembershipFactory,
    StopFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def _url(kind, person):
    return reverse("audit:person", kwargs={"kind": kind, "person_id": person.pk})


@pytest.fixture
def admin_client(client, council):
    client.force_login(StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user)
    return client


def _message(council, participant, subject, **fields):
    return NotificationFactory(
        council=council,
        kind=NotificationKind.DAILY_SCHEDULE,
        recipient_type=RecipientType.PARTICIPANT,
        recipient_id=participant.pk,
        subject=subject,
        **fields,
    )


def _timeline(response):
    return [entry.title for entry in response.context["entries"]]


def test_a_participants_timeline_merges_messages_link_opens_staff_actions_and_item_changes(
    staff_client, council, program, stop, participant
):
    now = timezone.now()
    _message(council, participant, "Your schedule for tomorrow", state=NotificationState.SENT)
    Notification.objects.update(created_at=now - dt.timedelta(days=3))
    participant.last_seen_at = now - dt.timedelta(days=2)
    participant.save(update_fields=["last_seen_at"])
    item = ItineraryItemFactory(program=program, stop=stop, title="City manager's liaison")
    item_services.change_item(item=item, data={"title": "City manager's immigration liaison"}, judge=False)
    staff_client.post(reverse("links:revoke", kwargs={"kind": "participant", "pk": participant.pk}))
    NotificationFactory(council=council, recipient_type=RecipientType.PARTICIPANT, recipient_id=participant.pk + 1)

    response = staff_client.get(_url("participant", participant))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Lucía Fernández" in page
    assert "Export their personal data" not in page  # a coordinator: no export or erasure
    entries = response.context["entries"]
    assert [entry.source for entry in entries] == ["audit", "item", "link", "message"]
    assert entries[0].title == "revoke personal link"
    assert entries[1].changes == {"title": ["City manager's liaison", "City manager's immigration liaison"]}
    assert entries[-1].title == "Your schedule for tomorrow"
    assert entries[-1].state == "Sent"


def test_admins_get_export_and_erase_buttons(admin_client, participant):
    response = admin_client.get(_url("participant", participant))

    page = response.content.decode()
    assert reverse("audit:export", args=["participant", participant.pk]) in page
    assert reverse("audit:erase", args=["participant", participant.pk]) in page


def test_staff_of_another_council_get_a_404(other_staff_client, participant, council):
    volunteer = VolunteerFactory(council=council)
    contact = ContactFactory(organization__council=council)

    for kind, person in [("participant", participant), ("volunteer", volunteer), ("contact", contact)]:
        assert other_staff_client.get(_url(kind, person)).status_code == 404
    assert other_staff_client.get(reverse("audit:person", args=["stranger", participant.pk])).status_code == 404


def test_the_page_costs_the_same_queries_for_2_or_20_messages(
    staff_client, council, program, stop, participant, django_assert_max_num_queries
):
    item = ItineraryItemFactory(program=program, stop=stop)

    def grow(count):
        for index in range(count):
            _message(council, participant, f"Message {index}")
            item_services.change_item(item=item, data={"title": f"Meeting {index}-{count}"}, judge=False)
            AuditEvent.objects.create(
                council=council,
                username="maya",
                action="edit participant",
                object_type="programs.Participant",
                object_id=str(participant.pk),
            )

    counts = []
    for count in (2, 18):  # 2, then 20 of each
        grow(count)
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(12):
                response = staff_client.get(_url("participant", participant))
        assert response.status_code == 200
        counts.append(len(queries))

    assert len(response.context["entries"]) == 20 + 20 + 20
    assert counts[0] == counts[1]


def test_a_volunteers_page_shows_their_invitations_answers_and_messages(staff_client, council):
    invitation = InvitationFactory(volunteer__council=council, slot__program__council=council)
    volunteer = invitation.volunteer
    from hospitality import services

    services.invite(slot=invitation.slot, volunteers=[VolunteerFactory(council=council)])  # someone else
    services.accept(invitation=invitation, note="Happy to")
    staff_client.post(reverse("hospitality:remind", args=[invitation.pk]))  # accepted: refused, nothing audited
    staff_client.post(reverse("hospitality:volunteer_revoke_link", args=[volunteer.pk]))
    NotificationFactory(council=council, recipient_type=RecipientType.VOLUNTEER, recipient_id=volunteer.pk)

    response = staff_client.get(_url("volunteer", volunteer))

    assert response.status_code == 200
    sources = [entry.source for entry in response.context["entries"]]
    assert sorted(sources) == ["link", "message"]  # revoking a volunteer without a sign-in user records nothing
    assert volunteer.household_name in response.content.decode()


def test_a_host_contacts_page_shows_their_requests_and_answers(staff_client, council, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop, title="District attorney")
    contact = ContactFactory(organization__council=council, name="Rebecca Torres")
    meeting_request = MeetingRequestFactory(item=item, contact=contact)
    from meetings import requests

    requests.answer_request(meeting_request=meeting_request, answer=requests.Answer.ACCEPT)

    response = staff_client.get(_url("contact", contact))

    assert response.status_code == 200
    titles = _timeline(response)
    assert "Answered a meeting request: Accepted" in titles
    assert "District attorney" in titles  # the item's change, confirmed by the answer
    assert "Rebecca Torres" in response.content.decode()


def test_admins_export_and_erase_a_host_contact(admin_client, council, program, stop):
    item = ItineraryItemFactory(program=program, stop=stop)
    contact = ContactFactory(organization__council=council, name="Rebecca Torres", email="rebecca@example.org")
    meeting_request = MeetingRequestFactory(item=item, contact=contact, status=RequestStatus.DECLINED)
    meeting_request.response_note = "Rebecca is away that week"
    meeting_request.save()
    item_services.change_item(item=item, data={"contacts": [contact]}, judge=False)

    exported = json.loads(admin_client.get(reverse("audit:export", args=["contact", contact.pk])).content)
    response = admin_client.post(
        reverse("audit:erase", args=["contact", contact.pk]), {"confirm": "rebecca@example.org"}
    )

    assert exported["contact"]["name"] == "Rebecca Torres"
    assert exported["meeting_requests"][0]["note"] == "Rebecca is away that week"
    assert response.status_code == 302
    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.name, contact.email, contact.active) == ("[erased on request]", "", False)
    meeting_request.refresh_from_db()
    assert meeting_request.response_note == ""
    assert "Rebecca Torres" not in json.dumps([change.changes for change in item.changes.all()])
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == ["export personal data", "erase personal data"]


def test_the_delegation_registry_and_directory_link_to_the_person_pages(staff_client, council, program, participant):
    volunteer = VolunteerFactory(council=council)
    contact = ContactFactory(organization__council=council)
    StopFactory(program=program)

    pages = {
        reverse("programs:participants", args=[program.pk]): _url("participant", participant),
        reverse("hospitality:volunteers"): _url("volunteer", volunteer),
        reverse("directory:organization", args=[contact.organization_id]): _url("contact", contact),
    }

    for page, link in pages.items():
        assert link in staff_client.get(page).content.decode(), page
