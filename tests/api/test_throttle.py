"""Each token may send API_RATE_LIMIT requests; past it, 429 with Retry-After, for that token only."""

import subprocess
import sys

import pytest
import time_machine

from tests.api.conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_is_told_when_to_come_back(settings, council):
    settings.API_RATE_LIMIT = "3/minute"
    busy, calm = ApiClient(make_token(council)[1]), ApiClient(make_token(council)[1])

    with time_machine.travel("2027-03-02 15:00:00Z", tick=False):
        answered = [busy.get("/api/v1/programs/").status_code for _ in range(4)]
        refused = busy.get("/api/v1/programs/")
        other = calm.get("/api/v1/programs/")
    with time_machine.travel("2027-03-02 15:01:01Z", tick=False):
        later = busy.get("/api/v1/programs/")

    assert answered == [200, 200, 200, 429]
    assert (refused.status_code, refused["Retry-After"]) == (429, "60")
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert other.status_code == 200
    assert later.status_code == 200


def test_a_bad_rate_stops_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "exchange.settings_test", "API_RATE_LIMIT": "lots", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert "API_RATE_LIMIT must read like 600/minute, not 'lots'" in result.stderr
