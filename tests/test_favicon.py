"""Every page names the site's icon, and ``/favicon.ico`` (asked for by pages that name none) is found."""

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_pages_link_the_icon(client, staff_client):
    sign_in = client.get(reverse("login")).content.decode()
    staff_page = staff_client.get(reverse("programs:home")).content.decode()

    for page in (sign_in, staff_page):
        assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page
