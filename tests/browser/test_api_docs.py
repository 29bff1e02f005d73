"""The API's documentation page draws itself in Chromium from the app's own files, under the content security policy
(no CDN, no inline script), and lists the operations."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_loads_from_the_app_under_its_policy(page, live_server):
    errors, elsewhere = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(request.url))
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
    )

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock-summary-path", has_text="/api/v1/items/{id}/move/")).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert errors == []
    assert elsewhere == []
