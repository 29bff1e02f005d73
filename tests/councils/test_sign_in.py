"""Staff sign in with a password; guessing is locked out per account and per address."""

import pytest
from django.urls import reverse

from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_staff_sign_in_with_their_password_and_land_on_the_programs(client, council):
    user = StaffMembershipFactory(council=council, user__username="maya").user

    response = _sign_in(client, "maya", "secret-password-1")

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_wrong_password_redisplays_the_form_with_an_error(client, council):
    StaffMembershipFactory(council=council, user__username="maya")

    response = _sign_in(client, "maya", "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_brute_force_on_an_account_is_locked_out_even_with_the_right_password(client, council, settings):
    StaffMembershipFactory(council=council, user__username="maya")

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "maya", f"guess-{attempt}", address=f"198.51.100.{attempt}")
    response = _sign_in(client, "maya", "secret-password-1", address="198.51.100.200")

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_brute_force_from_one_address_is_locked_out_across_accounts(client, council, settings):
    StaffMembershipFactory(council=council, user__username="maya")

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"user{attempt}", "guess", address="203.0.113.9")
    response = _sign_in(client, "maya", "secret-password-1", address="203.0.113.9")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
