import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.models import HospitalitySlot, Invitation
from hospitality.tasks import expire_invitations
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.services import send_due
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db

BEFORE_DEADLINE = dt.datetime(2027, 2, 20, 12, 0, tzinfo=dt.UTC)


def _link_in(body):
    return re.search(r"http://\S+/hospitality/me/sign-in/\?\S+", body).group(0)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_invite_emails_each_volunteer_a_sign_in_link_in_their_language(slot, django_capture_on_commit_callbacks):
    ana = make_volunteer(slot.program.council, contact_name="Ana", preferred_language="es")
    bob = make_volunteer(slot.program.council, contact_name="Bob", preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invite(slot=slot, volunteers=[ana, bob])
    send_due()

    assert [i.status for i in invitations] == [InvitationStatus.PENDING, InvitationStatus.PENDING]
    assert invitations[0].expires_at == slot.invitation_deadline
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert (
        by_recipient[f"Ana <{ana.email}>"].subject == "¿Podría recibir a visitantes para la cena del martes 2 de marzo?"
    )
    assert by_recipient[f"Bob <{bob.email}>"].subject == "Would you host visitors for dinner on Tuesday 2 March?"
    assert "18:00–21:00 CST" in by_recipient[f"Bob <{bob.email}>"].body
    assert Notification.objects.filter(kind=NotificationKind.INVITATION).count() == 2
    ana.refresh_from_db()
    assert ana.user.has_usable_password() is False
    assert ana.user.is_staff is False


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_the_emailed_link_signs_the_volunteer_in_and_opens_the_invitation(client, slot):
    volunteer = make_volunteer(slot.program.council)
    services.invite(slot=slot, volunteers=[volunteer])
    send_due()

    response = client.get(_link_in(mail.outbox[0].body), follow=True)

    invitation = Invitation.objects.get(volunteer=volunteer)
    assert response.redirect_chain[-1][0] == reverse("hospitality:portal_invitation", args=[invitation.pk])
    assert response.context["invitation"] == invitation


def test_a_link_older_than_fourteen_days_signs_nobody_in(client, slot):
    volunteer = make_volunteer(slot.program.council)
    with time_machine.travel(BEFORE_DEADLINE - dt.timedelta(days=20), tick=False):
        services.invite(slot=slot, volunteers=[volunteer])
        send_due()
    link = _link_in(mail.outbox[0].body)

    with time_machine.travel(BEFORE_DEADLINE - dt.timedelta(days=5), tick=False):
        response = client.get(link)
        portal = client.get(reverse("hospitality:portal"))

    assert response.status_code == 403
    assert "This sign-in link has expired or is no longer valid." in response.content.decode()
    assert portal.status_code == 403
    assert "_auth_user_id" not in client.session


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_revoked_link_signs_nobody_in_and_ends_open_sessions(client, staff, slot):
    volunteer = make_volunteer(slot.program.council)
    services.invite(slot=slot, volunteers=[volunteer])
    send_due()
    link = _link_in(mail.outbox[0].body)
    signed_in = Client()
    signed_in.get(link)

    client.force_login(staff)
    client.post(reverse("hospitality:volunteer_revoke_link", args=[volunteer.pk]))

    fresh = Client()
    assert fresh.get(link).status_code == 403
    assert "_auth_user_id" not in fresh.session
    assert signed_in.get(reverse("hospitality:portal")).status_code == 403


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_later_reminder_carries_a_working_link_after_revocation(client, slot):
    volunteer = make_volunteer(slot.program.council)
    (invitation,) = services.invite(slot=slot, volunteers=[volunteer])
    services.revoke_links(volunteer=volunteer)

    services.remind(invitation=invitation)
    send_due()

    reminder = next(m for m in mail.outbox if m.subject.startswith("Reminder"))
    response = client.get(_link_in(reminder.body), follow=True)
    assert response.context["invitation"] == invitation


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_first_acceptances_fill_the_slot_and_the_next_is_told_it_is_filled(slot):
    first, second, third = (make_volunteer(slot.program.council) for _ in range(3))
    invitations = services.invite(slot=slot, volunteers=[first, second, third])

    answers = [services.accept(invitation=invitation, note="Happy to").status for invitation in invitations]

    assert answers == [InvitationStatus.ACCEPTED, InvitationStatus.ACCEPTED, InvitationStatus.FILLED]
    slot.refresh_from_db()
    assert slot.accepted_hosts == 2


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_filled_invitation_is_told_kindly_on_the_portal(slot, volunteer_client):
    volunteers = [make_volunteer(slot.program.council) for _ in range(3)]
    invitations = services.invite(slot=slot, volunteers=volunteers)
    services.accept(invitation=invitations[0])
    services.accept(invitation=invitations[1])
    client = volunteer_client(volunteers[2])

    response = client.post(reverse("hospitality:portal_accept", args=[invitations[2].pk]), {"note": ""}, follow=True)

    body = response.content.decode()
    assert "This dinner already has all the hosts it needs" in body
    assert Invitation.objects.get(pk=invitations[2].pk).status == InvitationStatus.FILLED


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_decline_keeps_the_note_and_answering_twice_is_refused(slot):
    (invitation,) = services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council)])

    services.decline(invitation=invitation, note="Travelling that week")

    invitation.refresh_from_db()
    assert (invitation.status, invitation.note) == (InvitationStatus.DECLINED, "Travelling that week")
    with pytest.raises(services.HospitalityError, match="already been answered"):
        services.accept(invitation=invitation)
    assert HospitalitySlot.objects.get(pk=slot.pk).accepted_hosts == 0


def test_pending_invitations_expire_after_the_deadline_and_the_task_is_idempotent(slot):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        late, answered = services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council) for _ in range(2)])
        services.accept(invitation=answered)

    with time_machine.travel(slot.invitation_deadline + dt.timedelta(minutes=1), tick=False):
        first_run = expire_invitations()
        second_run = expire_invitations()
        too_late = services.accept(invitation=late)

    assert (first_run, second_run) == (1, 0)
    assert Invitation.objects.get(pk=late.pk).status == InvitationStatus.EXPIRED
    assert Invitation.objects.get(pk=answered.pk).status == InvitationStatus.ACCEPTED
    assert too_late.status == InvitationStatus.EXPIRED


def test_the_expiry_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "hospitality.expire_invitations" in tasks


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_remind_queues_one_reminder_per_invitation_per_day(client, staff, slot):
    (invitation,) = services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council)])
    url = reverse("hospitality:remind", args=[invitation.pk])
    client.force_login(staff)

    client.post(url)
    client.post(url)
    with time_machine.travel(BEFORE_DEADLINE + dt.timedelta(days=1), tick=False):
        client.post(url)

    reminders = Notification.objects.filter(kind=NotificationKind.VOLUNTEER_REMINDER).order_by("pk")
    assert [n.dedupe_key for n in reminders] == [
        f"hospitality:reminder:{invitation.pk}:2027-02-20",
        f"hospitality:reminder:{invitation.pk}:2027-02-21",
    ]
    invitation.refresh_from_db()
    assert invitation.reminded_at == BEFORE_DEADLINE + dt.timedelta(days=1)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_volunteer_who_accepts_a_full_slot_is_thanked_by_email_in_their_language(
    slot, volunteer_client, django_capture_on_commit_callbacks
):
    HospitalitySlot.objects.filter(pk=slot.pk).update(hosts_needed=1)
    first = make_volunteer(slot.program.council, contact_name="Bob")
    late = make_volunteer(slot.program.council, contact_name="Ana", preferred_language="es")
    first_invitation, late_invitation = services.invite(slot=slot, volunteers=[first, late])
    services.accept(invitation=first_invitation)
    send_due()  # the invitations
    mail.outbox.clear()
    client = volunteer_client(late)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hospitality:portal_accept", args=[late_invitation.pk]), follow=True)
    send_due()

    late_invitation.refresh_from_db()
    assert late_invitation.status == InvitationStatus.FILLED
    assert [str(m) for m in response.context["messages"]] == [
        "¡Muchas gracias por ofrecerse! Esta cena ya tiene todos los anfitriones que necesita, así que esta vez no "
        "le necesitamos. Esperamos invitarle de nuevo pronto."
    ]
    (message,) = mail.outbox
    assert message.to == [f"Ana <{late.email}>"]
    assert message.subject == "¡Gracias! Ya tenemos todos los anfitriones para la cena del martes 2 de marzo"
    assert "Ya tenemos todos los anfitriones que necesitamos" in message.body
    notification = Notification.objects.get(dedupe_key=f"hospitality:filled:{late_invitation.pk}")
    assert (notification.kind, notification.language) == (NotificationKind.INVITATION, "es")


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_an_accepted_host_gets_no_filled_email(slot):
    invitation = services.invite(slot=slot, volunteers=[make_volunteer(slot.program.council)])[0]

    services.accept(invitation=invitation)

    assert Notification.objects.filter(dedupe_key__startswith="hospitality:filled:").count() == 0
