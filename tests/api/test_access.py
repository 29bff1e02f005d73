"""Every route of the API, with every method it answers, asked by every kind of requester, gives the one outcome this
file declares: the owning council's token reaches it, another council's token finds nothing of ours, a revoked
token and no token are refused (401), a read-only token may read but not write (403).

The routes are read from the URL resolver: a new route or method without a world object or a body for its write
fails ``test_every_route_is_walked``.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from api.enums import TokenScope
from api.models import ApiToken
from audit.models import AuditEvent
from hospitality.models import Invitation
from meetings.models import ItineraryItem
from programs.models import Participant
from tests.api.conftest import ApiClient, make_token
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    ItineraryItemFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    StopFactory,
    VenueFactory,
    local,
)

pytestmark = pytest.mark.django_db

OWN = "read-and-write token of the owning council"
OTHER = "read-and-write token of another council"
REVOKED = "revoked token of the owning council"
READ_ONLY = "read-only token of the owning council"
NONE = "no token"
REQUESTERS = [OWN, OTHER, REVOKED, READ_ONLY, NONE]
SAFE = ("get", "head", "options")


def _api_routes(patterns=None, namespace=""):
    """(URL name, view) of every route of the API's resources (the DRF viewsets under ``api:``)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _api_routes(pattern.url_patterns, inner)
        elif namespace.startswith("api:") and hasattr(pattern.callback, "actions"):
            yield f"{namespace}{pattern.name}", pattern.callback


ROUTES = [(name, method) for name, view in _api_routes() for method in view.actions]

# The world object each resource's detail routes name (by the router's basename).
OBJECTS = {
    "program": lambda world: world["program"],
    "participant": lambda world: world["participant"],
    "item": lambda world: world["item"],
    "host_organization": lambda world: world["contact"].organization,
    "contact": lambda world: world["contact"],
    "venue": lambda world: world["venue"],
    "volunteer": lambda world: world["invitation"].volunteer,
    "hospitality_slot": lambda world: world["invitation"].slot,
    "invitation": lambda world: world["invitation"],
    "notification": lambda world: world["notification"],
}


def _times(hour):
    return {
        "starts_at": local(dt.date(2027, 3, 3), hour).isoformat(),
        "ends_at": local(dt.date(2027, 3, 3), hour + 1).isoformat(),
    }


# A body that the owning council's token writes successfully, for every write (name, method).
BODIES = {
    ("api:item-list", "post"): lambda world: {
        "program": world["program"].pk,
        "stop": world["stop"].pk,
        "title": "Bexar County district attorney",
        **_times(14),
    },
    ("api:item-detail", "patch"): lambda world: {"topic": "Prosecuting labor trafficking"},
    ("api:item-move", "post"): lambda world: _times(9),
    ("api:item-cancel", "post"): lambda world: {},
    ("api:participant-list", "post"): lambda world: {
        "program": world["program"].pk,
        "first_name": "Ana",
        "last_name": "Ruiz",
        "country": "PE",
    },
    ("api:participant-detail", "patch"): lambda world: {"role": "Prosecutor"},
}
SUCCESS = {"post": 200, "patch": 200}


def test_every_route_is_walked():
    basenames = {name.split(":")[-1].rsplit("-", 1)[0] for name, _method in ROUTES}
    writes = {(name, method) for name, method in ROUTES if method not in SAFE}

    assert sorted(basenames - set(OBJECTS)) == [], "API resources without a world object"
    assert sorted(writes - set(BODIES)) == [], "API writes without a body"
    assert sorted(set(BODIES) - writes) == [], "bodies for writes that no longer exist"
    assert len(ROUTES) >= 24


@pytest.fixture
def world(council, other_council):
    program = ProgramFactory(council=council, title="Confidential Delegation")
    stop = StopFactory(program=program)
    participant = ParticipantFactory(program=program, last_name="Secretname")
    item = ItineraryItemFactory(program=program, stop=stop, starts_at=local(dt.date(2027, 3, 2), 9))
    revoked, _secret = make_token(council)
    revoked_secret = _secret
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=program.created_at)
    return {
        "program": program,
        "stop": stop,
        "participant": participant,
        "item": item,
        "contact": ContactFactory(organization__council=council, name="Private Contact Person"),
        "venue": VenueFactory(council=council),
        "invitation": InvitationFactory(slot__program=program, slot__stop=stop, volunteer__council=council),
        "notification": NotificationFactory(council=council, program=program),
        "secrets": {
            OWN: make_token(council)[1],
            OTHER: make_token(other_council)[1],
            REVOKED: revoked_secret,
            READ_ONLY: make_token(council, scope=TokenScope.READ)[1],
            NONE: None,
        },
    }


def _expected(name, method, requester):
    route = name.rsplit("-", 1)[1]
    if requester in (REVOKED, NONE):
        return 401
    if method not in SAFE and requester == READ_ONLY:
        return 403
    if requester == OTHER and route != "list":
        return 404
    if requester == OTHER and method == "post":
        return 400  # the program named in the body is none of theirs
    if method == "post" and route == "list":
        return 201
    return 200


def _url(name, world):
    basename = name.split(":")[-1].rsplit("-", 1)[0]
    if name.endswith("-list"):
        return reverse(name)
    return reverse(name, kwargs={"pk": OBJECTS[basename](world).pk})


def _fingerprint():
    """What a refused write must leave as it was."""
    return (
        list(ItineraryItem.objects.order_by("pk").values_list("pk", "version", "status", "topic")),
        AuditEvent.objects.count(),
        list(Invitation.objects.values_list("status", flat=True)),
        list(Participant.objects.order_by("pk").values_list("pk", "role")),
    )


@pytest.mark.parametrize(("name", "method"), ROUTES, ids=[f"{method} {name}" for name, method in ROUTES])
def test_access(name, method, world):
    url = _url(name, world)
    body = BODIES[(name, method)](world) if method not in SAFE else None
    outcomes, leaks = {}, []
    for requester in REQUESTERS:
        api = ApiClient(world["secrets"][requester])
        before = _fingerprint()
        with transaction.atomic():
            response = getattr(api, method)(url) if body is None else getattr(api, method)(url, body)
            if response.status_code >= 400 or method in SAFE:
                assert _fingerprint() == before, f"{requester} changed something with {response.status_code}"
            transaction.set_rollback(True)
        outcomes[requester] = response.status_code
        shown = response.content.decode()
        if requester == OTHER and any(secret in shown for secret in ("Confidential", "Secretname", "Private Contact")):
            leaks.append(requester)

    assert outcomes == {requester: _expected(name, method, requester) for requester in REQUESTERS}
    assert leaks == []


def test_the_schema_and_the_docs_are_open_and_show_no_data(client, world):
    schema = client.get(reverse("api:schema"))
    docs = client.get(reverse("api:docs"))

    assert (schema.status_code, docs.status_code) == (200, 200)
    assert b"/api/v1/items/{id}/move/" in schema.content
    assert b"Confidential" not in schema.content
