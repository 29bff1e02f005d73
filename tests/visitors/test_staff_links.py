import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifications.enums import NotificationKind, RecipientType
from notifications.models import Notification
from programs.links import make_token, personal_link_path, personal_link_url, resolve_token
from tests.factories import ParticipantFactory, ProgramStaffMemberFactory

pytestmark = pytest.mark.django_db


def action_url(action, kind, holder):
    return reverse(f"links:{action}", kwargs={"kind": kind, "pk": holder.pk})


def test_staff_see_every_holder_of_a_program_with_their_link_status(staff_client, program, participant, interpreter):
    participant.last_seen_at = dt.datetime(2027, 3, 2, 16, tzinfo=dt.UTC)
    participant.save(update_fields=["last_seen_at"])
    revoked = ParticipantFactory(program=program, first_name="Rafael", last_name="Gómez")
    staff_client.post(action_url("revoke", "participant", revoked))

    response = staff_client.get(reverse("links:program", kwargs={"program_id": program.pk}))

    body = response.content.decode()
    assert personal_link_url(participant) in body
    assert personal_link_url(interpreter) in body
    assert personal_link_url(revoked) not in body
    assert "Revoked" in body
    assert [kind for kind, _person, _url in response.context["rows"]] == ["participant", "participant", "staff"]


@pytest.mark.parametrize("count", [10, 100])
def test_the_links_page_reads_a_fixed_number_of_queries(staff_client, program, count, django_assert_num_queries):
    ParticipantFactory.create_batch(count, program=program)
    ProgramStaffMemberFactory.create_batch(count // 10, program=program)
    url = reverse("links:program", kwargs={"program_id": program.pk})

    # session, user (with council), program, participants, program staff, last emails
    with django_assert_num_queries(6):
        response = staff_client.get(url)

    assert len(response.context["rows"]) == count + count // 10


def test_emailing_a_link_queues_it_in_the_persons_language(staff_client, program):
    participant = ParticipantFactory(program=program, first_name="Rafael", preferred_language="es")

    response = staff_client.post(action_url("email", "participant", participant))

    assert response["Location"] == reverse("links:program", kwargs={"program_id": program.pk})
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.PERSONAL_LINK
    assert notification.recipient_type == RecipientType.PARTICIPANT
    assert notification.recipient_id == participant.pk
    assert notification.recipient_email == participant.email
    assert notification.language == "es"
    assert notification.subject == "Su programa para Combating Trafficking in Persons"
    assert personal_link_url(participant) in notification.body_text
    assert personal_link_url(participant) in notification.body_html
    assert notification.dedupe_key == f"personal-link:p:{participant.pk}:v1:{timezone.now():%Y-%m-%d}"


def test_emailing_a_link_twice_the_same_day_queues_one_message(staff_client, interpreter):
    staff_client.post(action_url("email", "staff", interpreter))
    staff_client.post(action_url("email", "staff", interpreter))

    notification = Notification.objects.get()
    assert notification.recipient_type == RecipientType.PROGRAM_STAFF
    assert "group schedule" in notification.body_text


def test_emailing_a_link_without_an_address_says_so(staff_client, program):
    participant = ParticipantFactory(program=program, first_name="Rafael", last_name="Gómez", email="")

    response = staff_client.post(action_url("email", "participant", participant), follow=True)

    assert Notification.objects.count() == 0
    assert "Rafael Gómez has no email address." in response.content.decode()


def test_a_revoked_link_is_not_emailed(staff_client, participant):
    staff_client.post(action_url("revoke", "participant", participant))

    response = staff_client.post(action_url("email", "participant", participant), follow=True)

    assert Notification.objects.count() == 0
    assert "The link of Lucía Fernández is revoked; re-issue it first." in response.content.decode()


def test_revoking_a_link_refuses_it(staff_client, client, participant):
    url = personal_link_path(participant)

    staff_client.post(action_url("revoke", "participant", participant))

    participant.refresh_from_db()
    assert participant.link_revoked_at is not None
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("action", "recorded"),
    [("email", "email personal link"), ("revoke", "revoke personal link"), ("reissue", "reissue personal link")],
)
def test_link_actions_are_written_to_the_audit_log(staff_client, staff, council, participant, action, recorded):
    staff_client.post(action_url(action, "participant", participant))

    event = AuditEvent.objects.get()
    assert (event.council, event.user, event.action) == (council, staff, recorded)
    assert (event.object_type, event.object_id, event.object_label) == (
        "programs.Participant",
        str(participant.pk),
        "Lucía Fernández",
    )


def test_reissuing_a_link_replaces_every_earlier_link(staff_client, client, participant, day_items):
    old_url = personal_link_path(participant)

    staff_client.post(action_url("reissue", "participant", participant))

    participant.refresh_from_db()
    assert participant.link_version == 2
    assert client.get(old_url).status_code == 404
    new_program_page = reverse("visitors:program", kwargs={"token": make_token(participant)})
    assert "Newsroom" in client.get(new_program_page).content.decode()


@pytest.mark.parametrize("action", ["email", "revoke", "reissue"])
def test_staff_of_another_council_cannot_touch_a_link(other_staff_client, participant, action):
    token = make_token(participant)

    response = other_staff_client.post(action_url(action, "participant", participant))

    assert response.status_code == 404
    participant.refresh_from_db()
    assert (participant.link_version, participant.link_revoked_at) == (1, None)
    assert resolve_token(token) == participant
    assert Notification.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_staff_of_another_council_cannot_list_the_links(other_staff_client, program, participant):
    response = other_staff_client.get(reverse("links:program", kwargs={"program_id": program.pk}))

    assert response.status_code == 404
    assert personal_link_url(participant) not in response.content.decode()


def test_an_unknown_kind_of_holder_is_not_found(staff_client, participant):
    response = staff_client.post(reverse("links:revoke", kwargs={"kind": "volunteer", "pk": participant.pk}))

    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.link_revoked_at is None


def test_link_actions_need_a_signed_in_staff_member(client, participant):
    response = client.post(action_url("revoke", "participant", participant))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    participant.refresh_from_db()
    assert participant.link_revoked_at is None
