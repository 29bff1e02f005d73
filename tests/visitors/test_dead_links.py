"""A dead personal, volunteer or host link shows the project's friendly page, in the visitor's language, also with
DEBUG on (where Django's own 404 page would list every URL pattern of the project)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from sesame.utils import get_query_string

from hospitality import services as hospitality
from programs.links import make_token, reissue_link, revoke_link
from tests.factories import ParticipantFactory, ProgramStaffMemberFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

TECHNICAL = ("URLconf", "Django tried these URL patterns", "technical")


@pytest.fixture(autouse=True)
def debug(settings):
    settings.DEBUG = True


def _assert_friendly(response, *, status=404, language=None):
    body = response.content.decode()
    assert response.status_code == status
    assert [marker for marker in TECHNICAL if marker in body] == []
    if status == 404:
        assert "404.html" in [template.name for template in response.templates]  # the project's own page
    if language:
        assert f'<html lang="{language}">' in body
        assert response["Content-Language"] == language


@pytest.mark.parametrize("page", ["visitors:today", "visitors:program", "visitors:people", "visitors:calendar"])
def test_a_revoked_personal_link_shows_the_friendly_page_in_the_visitors_language(client, program, page):
    visitor = ParticipantFactory(program=program, preferred_language="pt")
    token = make_token(visitor)
    revoke_link(visitor)

    _assert_friendly(client.get(reverse(page, kwargs={"token": token})), language="pt")


def test_a_replaced_link_of_program_staff_speaks_their_language(client, program):
    interpreter = ProgramStaffMemberFactory(program=program, preferred_language="fr")
    token = make_token(interpreter)
    reissue_link(interpreter)

    _assert_friendly(client.get(reverse("visitors:today", kwargs={"token": token})), language="fr")


def test_the_language_the_visitor_chose_comes_first(client, program):
    visitor = ParticipantFactory(program=program, preferred_language="pt")
    token = make_token(visitor)
    revoke_link(visitor)
    client.cookies["visitor_language"] = "es"

    _assert_friendly(client.get(reverse("visitors:today", kwargs={"token": token})), language="es")


def test_a_forged_link_speaks_the_browsers_language(client):
    response = client.get(reverse("visitors:today", kwargs={"token": "forged"}), HTTP_ACCEPT_LANGUAGE="es")

    _assert_friendly(response, language="es")


@pytest.mark.parametrize(
    "name",
    [
        "meeting_requests:respond",
        "notifications:acknowledge",
        "lifecycle:feedback_form",
        "lifecycle:sponsor_review",
        "notifications:unsubscribe",
    ],
)
def test_a_forged_host_officer_or_unsubscribe_link_is_friendly(client, name):
    response = client.get(reverse(name, kwargs={"token": "forged-link"}), HTTP_ACCEPT_LANGUAGE="fr")

    body = response.content.decode()
    assert response.status_code == 404
    assert [marker for marker in TECHNICAL if marker in body] == []
    assert '<html lang="fr">' in body


def test_a_revoked_volunteer_link_is_friendly(client, council):
    volunteer = VolunteerFactory(council=council)
    query = get_query_string(hospitality.ensure_user(volunteer))
    hospitality.revoke_links(volunteer=get_user_model().objects.get(pk=volunteer.user_id).volunteer)

    response = client.get(reverse("hospitality:sign_in") + query)

    # The portal's own page for a link that no longer signs in (403: nobody was signed in).
    _assert_friendly(response, status=403)
    assert "This sign-in link has expired or is no longer valid." in response.content.decode()


def test_other_not_found_pages_are_untouched(staff_client):
    response = staff_client.get(reverse("programs:program", args=[987654]))

    assert response.status_code == 404
