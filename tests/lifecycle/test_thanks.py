import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment
from lifecycle.enums import RespondentType, TaskMessage
from lifecycle.links import feedback_url
from lifecycle.models import Feedback
from lifecycle.prepared_messages import send_thank_yous
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItemChange
from notifications.enums import RecipientType
from notifications.models import Notification
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
    InvitationFactory,
    ItineraryItemFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VolunteerFactory,
)
from tests.lifecycle.factories import ProgramTaskFactory

pytestmark = pytest.mark.django_db

AFTER_THE_PROGRAM = dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def program(council):
    council.survey_url = "https://survey.example.org/saciv"
    council.save()
    program = ProgramFactory(council=council, has_home_hospitality=True)
    StopFactory(program=program)
    return program


def _hosted(program, status=ItemStatus.CONFIRMED, contacts=1):
    item = ItineraryItemFactory(program=program, stop=program.stops.get(), status=status)
    item.contacts.set(ContactFactory.create_batch(contacts, organization__council=program.council))
    return item


def _thanks(program):
    return Notification.objects.filter(program=program, dedupe_key__startswith=f"lifecycle:thanks:{program.pk}:")


def test_thank_yous_go_to_every_confirmed_host_once_and_the_items_become_thanked(program, staff):
    first = _hosted(program, contacts=2)
    second = _hosted(program)
    requested = _hosted(program, status=ItemStatus.REQUESTED)
    cancelled = _hosted(program, status=ItemStatus.CANCELLED)
    confirmed_hosts = {c.email for item in (first, second) for c in item.contacts.all()}

    send_thank_yous(program=program, user=staff, now=AFTER_THE_PROGRAM)
    send_thank_yous(program=program, user=staff, now=AFTER_THE_PROGRAM)

    assert sorted(_thanks(program).values_list("recipient_email", flat=True)) == sorted(confirmed_hosts)
    assert {item.pk: item.status for item in program.items.all()} == {
        first.pk: ItemStatus.THANKED,
        second.pk: ItemStatus.THANKED,
        requested.pk: ItemStatus.REQUESTED,
        cancelled.pk: ItemStatus.CANCELLED,
    }
    assert ItemChange.objects.filter(item=first).count() == 1


def test_a_host_of_two_items_gets_one_message_naming_both(program, staff):
    contact = ContactFactory(organization__council=program.council)
    items = [ItineraryItemFactory(program=program, stop=program.stops.get()) for _ in range(2)]
    for item in items:
        item.contacts.add(contact)

    # The link is signed with the time: the message and the expected link are made in the same second.
    with time_machine.travel(AFTER_THE_PROGRAM, tick=False):
        send_thank_yous(program=program, user=staff, now=AFTER_THE_PROGRAM)
        expected_link = feedback_url(program, contact)

    message = _thanks(program).get()
    assert all(item.title in message.body_text for item in items)
    assert "https://survey.example.org/saciv" in message.body_text
    assert expected_link in message.body_text


def test_items_not_over_yet_are_not_thanked(program, staff):
    item = _hosted(program)

    send_thank_yous(program=program, user=staff, now=item.starts_at - dt.timedelta(days=1))

    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED
    assert _thanks(program).count() == 0


def test_volunteers_who_hosted_are_thanked_and_their_dinner_marked_thanked(program, staff):
    slot = HospitalitySlotFactory(program=program, stop=program.stops.get())
    dinner = ItineraryItemFactory(program=program, stop=slot.stop, kind=ItemKind.HOME_HOSPITALITY)
    accepted = InvitationFactory(slot=slot, status=InvitationStatus.ACCEPTED, item=dinner)
    InvitationFactory(slot=slot, status=InvitationStatus.DECLINED)

    send_thank_yous(program=program, user=staff, now=AFTER_THE_PROGRAM)

    message = _thanks(program).get()
    dinner.refresh_from_db()
    assert (message.recipient_type, message.recipient_email) == (RecipientType.VOLUNTEER, accepted.volunteer.email)
    assert dinner.status == ItemStatus.THANKED


def test_the_thank_you_page_previews_and_sends_and_ticks_off_the_task(client, staff, program):
    item = _hosted(program)
    task = ProgramTaskFactory(program=program, message=TaskMessage.THANK_YOU)
    url = reverse("lifecycle:prepared_message", kwargs={"program_id": program.pk, "message": "thank_you"})

    with time_machine.travel(AFTER_THE_PROGRAM, tick=False):
        client.force_login(staff)
        preview = client.get(url)
        client.post(url, {"note": "It was a pleasure."})

    task.refresh_from_db()
    item.refresh_from_db()
    assert item.contacts.get().email in preview.content.decode()
    assert "Thank you for your time with the visitors" in preview.content.decode()
    assert "It was a pleasure." in _thanks(program).get().body_text
    assert (task.done_by, item.status) == (staff, ItemStatus.THANKED)


def test_host_details_go_to_each_accepted_volunteer_with_their_guests(staff_client, program, staff):
    slot = HospitalitySlotFactory(program=program, stop=program.stops.get())
    invitation = InvitationFactory(slot=slot, status=InvitationStatus.ACCEPTED)
    guest = ParticipantFactory(
        program=program, first_name="Rosa", dietary_needs="Vegetarian", bio="Runs a shelter in Lima.", share_bio=True
    )
    shy = ParticipantFactory(program=program, first_name="Julio", bio="Private bio.", share_bio=False)
    for participant in (guest, shy):
        GuestAssignment.objects.create(slot=slot, invitation=invitation, participant=participant)
    task = ProgramTaskFactory(program=program, message=TaskMessage.HOST_DETAILS)
    url = reverse("lifecycle:prepared_message", kwargs={"program_id": program.pk, "message": "host_details"})

    page = staff_client.get(url)
    staff_client.post(url, {"note": ""})

    message = Notification.objects.get(dedupe_key__startswith="lifecycle:host-details:")
    task.refresh_from_db()
    assert invitation.volunteer.email in page.content.decode()
    assert message.recipient_email == invitation.volunteer.email
    assert "Vegetarian" in message.body_text
    assert "Runs a shelter in Lima." in message.body_text
    assert "Private bio." not in message.body_text
    assert task.done_by == staff


def test_hosts_answer_the_feedback_form_from_their_link_and_staff_read_it(client, staff_client, program):
    contact = ContactFactory(organization__council=program.council, name="Luke Whyte")
    path = feedback_url(program, contact).removeprefix("http://127.0.0.1:8000")

    client.post(path, {"rating": "5", "comments": "Great questions about data.", "would_host_again": "on"})
    client.post(path, {"rating": "4", "comments": "Great questions about data!", "would_host_again": "on"})
    staff_page = staff_client.get(reverse("lifecycle:feedback_list", kwargs={"program_id": program.pk}))

    feedback = Feedback.objects.get()
    assert (feedback.respondent_type, feedback.respondent_name, feedback.rating) == (
        RespondentType.CONTACT,
        "Luke Whyte",
        4,
    )
    assert "Great questions about data!" in staff_page.content.decode()


def test_a_feedback_form_without_a_rating_shows_the_error(client, program):
    volunteer = VolunteerFactory(council=program.council)
    path = feedback_url(program, volunteer).removeprefix("http://127.0.0.1:8000")

    response = client.post(path, {"comments": "Lovely evening"})

    assert "This field is required." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_a_feedback_link_for_someone_of_another_council_is_refused(client, program, other_council):
    outsider = ContactFactory(organization__council=other_council)
    path = feedback_url(program, outsider).removeprefix("http://127.0.0.1:8000")

    response = client.get(path)

    assert response.status_code == 404


def test_a_feedback_link_expires_weeks_after_the_program(client, program):
    contact = ContactFactory(organization__council=program.council)
    path = feedback_url(program, contact).removeprefix("http://127.0.0.1:8000")

    with time_machine.travel(dt.datetime(2027, 6, 1, tzinfo=dt.UTC)):
        response = client.get(path)

    assert response.status_code == 404


def test_a_host_reads_the_thank_you_in_their_language(program, staff):
    item = _hosted(program)
    contact = item.contacts.get()
    contact.preferred_language = "es"
    contact.save()

    send_thank_yous(program=program, user=staff, now=AFTER_THE_PROGRAM)

    message = _thanks(program).get()
    assert message.subject == f"Gracias por reunirse con los visitantes de {program.title}"
    assert "Cuéntenos en dos minutos cómo fue:" in message.body_text


@pytest.mark.parametrize("size", [1, 6])
def test_feedback_page_keeps_its_query_count(staff_client, program, django_assert_num_queries, size):
    for index in range(size):
        Feedback.objects.create(
            program=program,
            respondent_type=RespondentType.CONTACT,
            respondent_id=index + 1,
            respondent_name=f"Host {index}",
            rating=5,
            comments="Wonderful group",
        )

    # session, user (with council), program, feedback, the program's stops (whose clock the dates are read on)
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("lifecycle:feedback_list", kwargs={"program_id": program.pk}))

    assert response.content.decode().count("Wonderful group") == size
