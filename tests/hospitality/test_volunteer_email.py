"""A volunteer's sign-in user keeps the volunteer's email, whoever changes it."""

import pytest
from django.urls import reverse

from councils.enums import StaffRole
from hospitality import services
from hospitality.forms import VolunteerForm
from hospitality.models import Volunteer
from tests.hospitality.conftest import make_volunteer

pytestmark = pytest.mark.django_db


def _registry_data(volunteer, **changes):
    data = {
        "household_name": volunteer.household_name,
        "contact_name": volunteer.contact_name,
        "email": volunteer.email,
        "languages": volunteer.languages,
        "preferred_language": volunteer.preferred_language,
        "max_guests": str(volunteer.max_guests),
        "vetting_status": volunteer.vetting_status,
        "available_weekdays": [str(day) for day in volunteer.available_weekdays],
        "available_dates": "",
        "active": "on",
    }
    return {**data, **changes}


def test_staff_changing_a_volunteers_email_changes_their_sign_in_users_email(staff_client, council):
    volunteer = make_volunteer(council, email="old@example.net")
    user = services.ensure_user(volunteer)

    response = staff_client.post(
        reverse("hospitality:volunteer_edit", args=[volunteer.pk]), _registry_data(volunteer, email="New@Example.net")
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (Volunteer.objects.get(pk=volunteer.pk).email, user.email) == ("new@example.net", "new@example.net")


def test_saving_a_volunteer_without_a_sign_in_user_creates_none(council):
    volunteer = make_volunteer(council, email="old@example.net")
    form = VolunteerForm(_registry_data(volunteer, email="new@example.net"), council=council, instance=volunteer)
    assert form.is_valid(), form.errors

    saved = services.save_volunteer(form=form)

    saved.refresh_from_db()
    assert (saved.email, saved.user) == ("new@example.net", None)


def test_a_refused_email_change_leaves_the_sign_in_user_as_it_was(staff_client, council):
    make_volunteer(council, email="taken@example.net")
    volunteer = make_volunteer(council, email="old@example.net")
    user = services.ensure_user(volunteer)

    response = staff_client.post(
        reverse("hospitality:volunteer_edit", args=[volunteer.pk]), _registry_data(volunteer, email="taken@example.net")
    )

    assert response.context["form"].errors["email"] == ["Another volunteer of the council has this email."]
    user.refresh_from_db()
    assert user.email == "old@example.net"


def test_an_email_changed_in_the_admin_reaches_the_sign_in_user(staff_client, staff, council):
    staff.membership.role = StaffRole.ADMIN  # only the council's admins use the admin
    staff.membership.save(update_fields=["role"])
    volunteer = make_volunteer(council, email="old@example.net")
    user = services.ensure_user(volunteer)
    data = {
        **_registry_data(volunteer, email="admin@example.net"),
        "council": str(council.pk),
        "city": "",
        "available_weekdays": "[2]",
        "available_dates-TOTAL_FORMS": "0",
        "available_dates-INITIAL_FORMS": "0",
    }

    response = staff_client.post(reverse("admin:hospitality_volunteer_change", args=[volunteer.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "admin@example.net"
