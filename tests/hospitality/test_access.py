"""Staff of another council get 404 on every staff URL of hospitality; nothing of the object leaks."""

import pytest
from django.urls import reverse

from hospitality.enums import InvitationStatus
from hospitality.models import HospitalitySlot, Invitation, Volunteer
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(council):
    invitation = InvitationFactory(slot__program__council=council, volunteer__council=council)
    return {
        "volunteer_id": invitation.volunteer.pk,
        "program_id": invitation.slot.program.pk,
        "slot_id": invitation.slot.pk,
        "invitation_id": invitation.pk,
    }


STAFF_URLS = [
    ("get", "hospitality:volunteer_edit", "volunteer_id"),
    ("post", "hospitality:volunteer_edit", "volunteer_id"),
    ("post", "hospitality:volunteer_revoke_link", "volunteer_id"),
    ("get", "hospitality:board", "program_id"),
    ("get", "hospitality:slot_create", "program_id"),
    ("post", "hospitality:slot_create", "program_id"),
    ("get", "hospitality:slot", "slot_id"),
    ("get", "hospitality:slot_edit", "slot_id"),
    ("post", "hospitality:slot_edit", "slot_id"),
    ("post", "hospitality:invite", "slot_id"),
    ("post", "hospitality:assign_suggested", "slot_id"),
    ("post", "hospitality:assign", "invitation_id"),
    ("post", "hospitality:remind", "invitation_id"),
]


@pytest.mark.parametrize(("method", "name", "key"), STAFF_URLS)
def test_staff_of_another_council_get_404(other_staff_client, objects, method, name, key):
    before = (
        list(Volunteer.objects.values()),
        list(HospitalitySlot.objects.values()),
        list(Invitation.objects.values()),
    )

    response = getattr(other_staff_client, method)(reverse(name, kwargs={key: objects[key]}))

    assert response.status_code == 404
    after = (
        list(Volunteer.objects.values()),
        list(HospitalitySlot.objects.values()),
        list(Invitation.objects.values()),
    )
    assert after == before
    assert Invitation.objects.get().status == InvitationStatus.PENDING


@pytest.mark.parametrize("name", ["hospitality:index", "hospitality:volunteers", "hospitality:volunteer_export"])
def test_council_wide_pages_show_only_the_own_councils_volunteers(other_staff_client, objects, name):
    response = other_staff_client.get(reverse(name))

    assert Volunteer.objects.get().household_name not in response.content.decode()


@pytest.mark.parametrize("name", ["hospitality:volunteers", "hospitality:volunteer_import", "hospitality:index"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
