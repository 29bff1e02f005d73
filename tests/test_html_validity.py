"""The Nu HTML checker (vnu) finds no error in the pages the accessibility tests open (``tests/browser/pages.py``):
the dashboard, calendar, agenda, item form, hospitality board, the escort's day, the volunteer portal and a
visitor's pages, as the server sends them.

The checker is a Java program from the npm package ``vnu-jar`` (pinned in package.json; ``npm ci`` puts it in
node_modules/), or wherever ``VNU_JAR`` says. Without Java or the jar the test is skipped, saying which is missing.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser.pages import build_world, staff_pages, visitor_pages, volunteer_pages

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("VNU_JAR") or settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def _checker():
    java = shutil.which("java")
    if java is None:
        pytest.skip("the Nu HTML checker needs Java (Debian: openjdk-17-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.skip(f"the Nu HTML checker is not installed: no {VNU_JAR} (run `npm ci`, or set VNU_JAR)")
    return [java, "-jar", str(VNU_JAR)]


def _pages(world):
    """{name: HTML} of every checked page, each opened the way its reader opens it."""
    pages = {}
    forms = {  # formsets laid out as tables: their hidden inputs must sit inside a cell
        "program form": reverse("programs:program_edit", kwargs={"program_id": world.program.pk}),
        "checklist template": reverse("lifecycle:edit_template", kwargs={"program_type": world.program.program_type}),
    }
    for group, sign_in in [
        ({**staff_pages(world), **forms}, lambda client: client.force_login(world.admin)),
        (
            volunteer_pages(world),
            lambda client: client.force_login(world.volunteer.user, backend="sesame.backends.ModelBackend"),
        ),
        (visitor_pages(world), lambda client: None),
    ]:
        client = Client()
        sign_in(client)
        for name, url in group.items():
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            pages[name] = response.content.decode()
    return pages


def test_the_pages_have_no_html_error(tmp_path):
    checker = _checker()
    world = build_world()
    files = []
    for name, html in _pages(world).items():
        path = tmp_path / (name.replace(" ", "-").replace("'", "") + ".html")
        path.write_text(html, encoding="utf-8")
        files.append(str(path))

    result = subprocess.run(
        [*checker, "--errors-only", "--format", "gnu", *files], capture_output=True, text=True, timeout=300
    )

    errors = [line.replace(str(tmp_path) + "/", "") for line in result.stderr.splitlines() if line.strip()]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0
