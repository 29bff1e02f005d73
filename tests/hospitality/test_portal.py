import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from hospitality import services
from hospitality.enums import InvitationStatus
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation
from meetings.enums import ItemStatus
from notifications.services import send_due
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 2, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def two_hosts(slot, guests):
    """Ana accepted and has Lucía and João; Bob was invited too and has not answered."""
    with time_machine.travel(NOW, tick=False):
        ana = make_volunteer(slot.program.council, household_name="Ana's home", contact_name="Ana")
        bob = make_volunteer(slot.program.council, household_name="Bob's home", contact_name="Bob")
        ana_invitation, bob_invitation = services.invite(slot=slot, volunteers=[ana, bob])
        services.accept(invitation=ana_invitation)
        services.assign_guests(invitation=ana_invitation, participants=guests[:2])
    return ana_invitation, bob_invitation


@time_machine.travel(NOW, tick=False)
def test_an_accepted_host_sees_their_guests_first_names_countries_languages_and_needs(two_hosts, volunteer_client):
    ana_invitation, _ = two_hosts
    client = volunteer_client(ana_invitation.volunteer)

    response = client.get(reverse("hospitality:portal_invitation", args=[ana_invitation.pk]))

    body = response.content.decode()
    assert [g.first_name for g in response.context["guests"]] == ["João", "Lucía"]
    assert "<strong>João</strong> (Brazil) — speaks Portuguese" in body
    assert "Dietary needs: vegetarian" in body
    assert "Example" not in body  # last names stay with the council


@time_machine.travel(NOW, tick=False)
def test_guest_details_are_hidden_before_the_volunteer_accepted(two_hosts, volunteer_client, guests):
    _, bob_invitation = two_hosts
    # Even with a guest recorded at his table (say, entered in the admin), nothing of them shows until Bob accepts.
    GuestAssignment.objects.create(slot=bob_invitation.slot, invitation=bob_invitation, participant=guests[2])
    client = volunteer_client(bob_invitation.volunteer)

    response = client.get(reverse("hospitality:portal_invitation", args=[bob_invitation.pk]))

    body = response.content.decode()
    assert response.context["guests"] == []
    assert "Grace" not in body
    assert "Belize" not in body


@time_machine.travel(NOW, tick=False)
def test_a_volunteer_never_sees_another_volunteers_invitation_or_guests(two_hosts, volunteer_client):
    ana_invitation, bob_invitation = two_hosts
    client = volunteer_client(bob_invitation.volunteer)

    detail = client.get(reverse("hospitality:portal_invitation", args=[ana_invitation.pk]))
    withdraw = client.post(reverse("hospitality:portal_withdraw", args=[ana_invitation.pk]))
    accept = client.post(reverse("hospitality:portal_accept", args=[ana_invitation.pk]))
    home = client.get(reverse("hospitality:portal"))

    assert (detail.status_code, withdraw.status_code, accept.status_code) == (404, 404, 404)
    assert [i.pk for i in home.context["pending"]] == [bob_invitation.pk]
    assert home.context["confirmed"] == []
    assert "Ana" not in home.content.decode()
    assert Invitation.objects.get(pk=ana_invitation.pk).status == InvitationStatus.ACCEPTED


@time_machine.travel(NOW, tick=False)
def test_staff_pages_refuse_a_signed_in_volunteer(two_hosts, volunteer_client):
    ana_invitation, _ = two_hosts
    client = volunteer_client(ana_invitation.volunteer)

    response = client.get(reverse("hospitality:volunteers"))

    assert response.status_code == 403


def test_the_portal_asks_anyone_else_for_their_link(client):
    response = client.get(reverse("hospitality:portal"))

    assert response.status_code == 403
    assert "Please open this page from the link in your most recent invitation email." in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_portal_speaks_the_volunteers_language(two_hosts, volunteer_client):
    ana_invitation, _ = two_hosts
    volunteer = ana_invitation.volunteer
    volunteer.preferred_language = "es"
    volunteer.save(update_fields=["preferred_language"])
    client = volunteer_client(volunteer)

    response = client.get(reverse("hospitality:portal"))

    assert "Cenas que usted ofrece" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_withdrawing_frees_the_place_unseats_the_guests_and_tells_the_coordinator(
    two_hosts, volunteer_client, slot, staff
):
    ana_invitation, _ = two_hosts
    item = Invitation.objects.get(pk=ana_invitation.pk).item
    client = volunteer_client(ana_invitation.volunteer)

    client.post(reverse("hospitality:portal_withdraw", args=[ana_invitation.pk]), {"note": "Kitchen flooded"})
    send_due()

    ana_invitation.refresh_from_db()
    item.refresh_from_db()
    assert (ana_invitation.status, ana_invitation.item) == (InvitationStatus.WITHDRAWN, None)
    assert HospitalitySlot.objects.get(pk=slot.pk).accepted_hosts == 0
    assert GuestAssignment.objects.filter(slot=slot).count() == 0
    assert item.status == ItemStatus.CANCELLED
    (notice,) = [m for m in mail.outbox if "withdrew" in m.subject]
    assert notice.to == [f"{staff.get_full_name()} <{staff.email}>"]
    assert notice.subject == "Ana's home withdrew from hosting on Tue 2 Mar"
    assert "Kitchen flooded" in notice.body


@time_machine.travel(NOW, tick=False)
def test_a_volunteer_updates_their_household_and_availability(two_hosts, volunteer_client):
    ana_invitation, _ = two_hosts
    volunteer = ana_invitation.volunteer
    client = volunteer_client(volunteer)

    client.post(
        reverse("hospitality:portal_household"),
        {
            "household_name": "Ana and Luis",
            "contact_name": "Ana",
            "languages": "en, ES",
            "preferred_language": "es",
            "max_guests": "4",
            "dietary_accommodations": "vegetarian",
            "available_weekdays": ["6", "7"],
            "available_dates": "2027-03-02, 2027-03-04",
        },
    )

    volunteer.refresh_from_db()
    assert (volunteer.household_name, volunteer.languages, volunteer.max_guests) == ("Ana and Luis", "en,es", 4)
    assert volunteer.available_weekdays == [6, 7]
    assert [str(a.date) for a in volunteer.available_dates.all()] == ["2027-03-02", "2027-03-04"]
    assert volunteer.vetting_status == "vetted"  # not theirs to change


@pytest.mark.parametrize("dinners", [1, 5])
def test_the_portal_reads_a_constant_number_of_queries(council, volunteer_client, django_assert_num_queries, dinners):
    from tests.factories import HospitalitySlotFactory, ParticipantFactory

    volunteer = make_volunteer(council)
    for _ in range(dinners):
        slot = HospitalitySlotFactory(program__council=council, invitation_deadline=None)
        (invitation,) = services.invite(slot=slot, volunteers=[volunteer])
        services.accept(invitation=invitation)
        services.assign_guests(invitation=invitation, participants=[ParticipantFactory(program=slot.program)])
    client = volunteer_client(volunteer)

    # session, user, volunteer (council), invitations (slot, stop, program), their guests, and the page
    # header's look for a staff membership (there is none)
    with django_assert_num_queries(6):
        response = client.get(reverse("hospitality:portal"))

    assert len(response.context["confirmed"]) == dinners


@time_machine.travel(NOW, tick=False)
def test_a_spanish_volunteer_reads_their_own_name_and_their_guests_languages_in_spanish(two_hosts, volunteer_client):
    ana_invitation, _ = two_hosts
    volunteer = ana_invitation.volunteer
    volunteer.preferred_language = "es"
    volunteer.save(update_fields=["preferred_language"])
    client = volunteer_client(volunteer)

    body = client.get(reverse("hospitality:portal_invitation", args=[ana_invitation.pk])).content.decode()

    assert re.search(r'<span class="navbar-text[^"]*">Ana</span>', body)
    assert f"volunteer-{volunteer.pk}" not in body
    assert "Cerrar sesión" in body
    assert "habla portugués" in body
