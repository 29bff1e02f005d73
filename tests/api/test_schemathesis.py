"""The API against its own description: schemathesis reads ``/api/schema/`` from a running gunicorn on PostgreSQL and
sends what the schema allows (and what it does not) with a read-and-write token. No answer may be a server error,
every answer must be one the schema names, with the body it describes, and what the schema forbids is refused."""

import subprocess
import sys
from pathlib import Path

import pytest

from meetings.models import ItemChange
from tests.api.conftest import make_token
from tests.councils.test_fresh_access import WebProcess
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    ItineraryItemFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StopFactory,
    VenueFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
]


@pytest.fixture
def world(council):
    program = ProgramFactory(council=council, title="Combating Trafficking in Persons")
    stop = StopFactory(program=program)
    participant = ParticipantFactory(program=program, first_name="Jorge", email="jorge.treviño@example.com")
    ProgramStaffMemberFactory(program=program)
    contact = ContactFactory(organization__council=council)
    item = ItineraryItemFactory(program=program, stop=stop, host_organization=contact.organization)
    item.contacts.add(contact)
    invitation = InvitationFactory(slot__program=program, slot__stop=stop, volunteer__council=council)
    return {
        "programs": program,
        "participants": participant,
        "items": item,
        "host-organizations": contact.organization,
        "contacts": contact,
        "venues": VenueFactory(council=council, organization=contact.organization),
        "volunteers": invitation.volunteer,
        "hospitality-slots": invitation.slot,
        "invitations": invitation,
        "notifications": NotificationFactory(council=council, program=program),
    }


def _config(path, world):
    """Each detail route is sent the id of an object of the council, so that its requests reach the view's logic
    (random ids would only meet 404s)."""
    blocks = [
        f'[[operations]]\ninclude-path-regex = "^/api/v1/{resource}/\\\\{{"\nparameters = {{ "path.id" = {obj.pk} }}\n'
        for resource, obj in world.items()
    ]
    path.write_text("\n".join(blocks))
    return path


def test_the_api_keeps_to_its_schema(require_postgres, council, world, tmp_path, monkeypatch):
    _token, secret = make_token(council)
    monkeypatch.setenv("API_RATE_LIMIT", "100000/minute")
    web = WebProcess(cache_url="")
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(_config(tmp_path / "schemathesis.toml", world)),
                "run",
                f"http://127.0.0.1:{web.port}/api/schema/",
                "--header",
                f"Authorization: Bearer {secret}",
                "--checks",
                ",".join(CHECKS),
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "5",
                "--seed",
                "20270302",
                "--workers",
                "2",
                "--request-timeout",
                "20",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            check=False,
        )
    finally:
        web.stop()

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    world["items"].refresh_from_db()
    assert world["items"].version > 1, "no write reached the item writer"
    assert ItemChange.objects.filter(item=world["items"]).exists()
