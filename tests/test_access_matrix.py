"""Every URL of the project, opened by every kind of requester, gives the outcome this one table declares.

The table names each URL pattern. A pattern without a row fails ``test_every_url_has_a_row``; a view whose
permission check is removed fails its row (staff of another council, a coordinator on an admin's page, a
volunteer, a revoked link or a link of the wrong kind would then get in). The Django admin's URLs are walked the
same way, model by model, in ``tests/councils/test_admin_access.py``.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from sesame.utils import get_query_string

from councils.enums import StaffRole
from hospitality.models import Volunteer
from lifecycle.links import feedback_url, review_url
from lifecycle.models import ItineraryVersion, ProgramTask
from logistics.enums import FlightDirection
from logistics.models import Flight, Hotel, TransportVendor
from meetings.enums import RequestStatus
from meetings.requests import make_token as request_token
from notifications.acknowledgements import make_token as ack_token
from notifications.acknowledgements import told
from notifications.enums import RecipientType
from notifications.preferences import unsubscribe_token
from programs.links import make_token as visit_token
from programs.links import revoke_link
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
)

pytestmark = pytest.mark.django_db

# Requesters
ANONYMOUS = "anonymous"
OWN_STAFF = "admin of the owning council"
COORDINATOR = "coordinator of the owning council (not its admin)"
OTHER_STAFF = "staff of another council"
PARTICIPANT = "participant's link"
VOLUNTEER = "volunteer's link"
HOST = "host contact's link"
REVOKED = "revoked or withdrawn link"
OFFICER = "program officer's link"
REQUESTERS = [ANONYMOUS, OTHER_STAFF, PARTICIPANT, VOLUNTEER, HOST, REVOKED, OFFICER, COORDINATOR, OWN_STAFF]

# Outcomes
OK = "reaches the view"
LOGIN = "sent to sign in"
DENIED = "refused (403/404)"


@dataclass(frozen=True)
class Row:
    expect: dict
    token: str | None = None  # the kind of link in the URL, if any
    council_wide: bool = False  # a page of the requester's own council: others see theirs, never ours
    query: bool = False  # the page names its object in the query string (?participant=...&day=...)


def _only(*allowed, otherwise=DENIED):
    return {r: (OK if r in allowed else otherwise) for r in REQUESTERS}


PUBLIC = Row(_only(*REQUESTERS))
STAFF = Row({**{r: LOGIN for r in REQUESTERS}, OWN_STAFF: OK, COORDINATOR: OK, OTHER_STAFF: DENIED, VOLUNTEER: DENIED})
# Council-wide pages (lists, searches, statistics): every council's staff open them, each sees only their own.
COUNCIL = Row({**STAFF.expect, OTHER_STAFF: OK}, council_wide=True)
# Only the council's admins: its settings, checklist templates, the audit log, personal data export and erasure.
ADMIN_ONLY = Row({**STAFF.expect, COORDINATOR: DENIED})
COUNCIL_ADMIN_ONLY = Row({**COUNCIL.expect, COORDINATOR: DENIED}, council_wide=True)
PORTAL = Row(_only(VOLUNTEER))
# Markers in the owning council's data that another council's pages must never show.
SECRETS = ("Confidential Delegation", "Secretname", "Hidden Household", "Private Contact Person")


def visit(requester_ok=PARTICIPANT):
    return Row(_only(requester_ok), token="visit")


TABLE = {
    "health": PUBLIC,
    "ping": PUBLIC,
    "favicon": PUBLIC,
    "login": PUBLIC,
    "logout": Row(dict.fromkeys(REQUESTERS, LOGIN)),  # signs out whoever asks, then shows the sign-in page
    "set_language": PUBLIC,
    "visitors:service_worker": PUBLIC,
    # Staff pages of the council's programs
    "programs:home": COUNCIL,
    "programs:program_new": COUNCIL,
    "programs:program": STAFF,
    "programs:program_edit": STAFF,
    "programs:participants": STAFF,
    "programs:participant_new": STAFF,
    "programs:participant_edit": STAFF,
    "programs:participant_remove": STAFF,
    "meetings:calendar": STAFF,
    "meetings:calendar_events": STAFF,
    "meetings:agenda": STAFF,
    "meetings:today": STAFF,
    "meetings:running_late": STAFF,
    "meetings:item_new": STAFF,
    "meetings:contact_search": STAFF,
    "meetings:item": STAFF,
    "meetings:item_edit": STAFF,
    "meetings:item_move": STAFF,
    "meeting_requests:list": STAFF,
    "meeting_requests:new": STAFF,
    "meeting_requests:accept_proposal": STAFF,
    "meeting_requests:withdraw": STAFF,
    "copying:item": STAFF,
    "copying:day": STAFF,
    "copying:program": STAFF,
    "book:html": STAFF,
    "book:pdf": STAFF,
    "directory:list": COUNCIL,
    "directory:organization": STAFF,
    "notifications:outbox": COUNCIL,
    "notifications:detail": STAFF,
    "notifications:detail_html": STAFF,
    "notifications:resend": STAFF,
    "notifications:preview": COUNCIL,
    "notifications:preview_html": Row(STAFF.expect, query=True),
    "hospitality:index": COUNCIL,
    "hospitality:volunteers": COUNCIL,
    "hospitality:volunteer_create": COUNCIL,
    "hospitality:volunteer_export": COUNCIL,
    "hospitality:volunteer_import": COUNCIL,
    "hospitality:volunteer_edit": STAFF,
    "hospitality:volunteer_revoke_link": STAFF,
    "hospitality:board": STAFF,
    "hospitality:slot_create": STAFF,
    "hospitality:slot": STAFF,
    "hospitality:slot_edit": STAFF,
    "hospitality:invite": STAFF,
    "hospitality:slot_cancel": STAFF,
    "hospitality:assign_suggested": STAFF,
    "hospitality:assign": STAFF,
    "hospitality:remind": STAFF,
    "lifecycle:due": COUNCIL,
    "lifecycle:checklist": STAFF,
    "lifecycle:complete": STAFF,
    "lifecycle:reopen": STAFF,
    "lifecycle:prepared_message": STAFF,
    "lifecycle:templates": COUNCIL_ADMIN_ONLY,
    "lifecycle:edit_template": COUNCIL_ADMIN_ONLY,
    "lifecycle:versions": STAFF,
    "lifecycle:weekly_update": STAFF,
    "lifecycle:version_detail": STAFF,
    "lifecycle:approve": STAFF,
    "lifecycle:revoke": STAFF,
    "lifecycle:feedback_list": STAFF,
    "lifecycle:statistics": COUNCIL,
    "lifecycle:statistics_csv": COUNCIL,
    "logistics:program": STAFF,
    "logistics:stop_hotel": STAFF,
    "logistics:flight_new": STAFF,
    "logistics:flight_edit": STAFF,
    "logistics:flight_delete": STAFF,
    "logistics:vendor_sheet": STAFF,
    "logistics:vendor_sheet_pdf": STAFF,
    "logistics:publication_csv": STAFF,
    "links:program": STAFF,
    "links:email": STAFF,
    "links:revoke": STAFF,
    "links:reissue": STAFF,
    "audit:log": COUNCIL_ADMIN_ONLY,
    "audit:person": STAFF,
    "audit:export": ADMIN_ONLY,
    "audit:erase": ADMIN_ONLY,
    # The council's own settings: no id in the URL, each admin edits their own council
    "councils:settings": COUNCIL_ADMIN_ONLY,
    # The volunteer portal: only a volunteer signed in from their link
    "hospitality:sign_in": Row(_only(VOLUNTEER), token="sesame"),
    "hospitality:portal": PORTAL,
    "hospitality:portal_household": PORTAL,
    "hospitality:portal_invitation": PORTAL,
    "hospitality:portal_accept": PORTAL,
    "hospitality:portal_decline": PORTAL,
    "hospitality:portal_withdraw": PORTAL,
    # Pages opened from a signed link: only the right, live link of the right kind
    "visitors:today": visit(),
    "visitors:program": visit(),
    "visitors:people": visit(),
    "visitors:calendar": visit(),
    "visitors:language": visit(),
    "meeting_requests:respond": Row(_only(HOST), token="respond"),
    "lifecycle:sponsor_review": Row(_only(OFFICER), token="review"),
    "lifecycle:feedback_form": Row(_only(HOST), token="feedback"),
    "notifications:unsubscribe": Row(_only(PARTICIPANT), token="unsubscribe"),
    "notifications:acknowledge": Row(_only(HOST), token="ack"),
}


def _url_patterns(patterns=None, namespace="", params=frozenset()):
    """(name, the names of its URL parameters) of every pattern outside the admin."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        own = params | set(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern.url_patterns, inner, own)
        else:
            yield f"{namespace}{pattern.name}", own


PARAMS = dict(_url_patterns())


def test_every_url_has_a_row():
    names = set(PARAMS)

    assert sorted(names - set(TABLE)) == [], "URL patterns without a row in the access table"
    assert sorted(set(TABLE) - names) == [], "rows for URL patterns that no longer exist"


@pytest.fixture
def world(council, other_council):
    program = ProgramFactory(
        council=council,
        title="Confidential Delegation",
        arrival_date=dt.date(2027, 3, 1),
        departure_date=dt.date(2027, 3, 7),
    )
    stop = StopFactory(program=program)
    participant = ParticipantFactory(program=program, last_name="Secretname")
    revoked = ParticipantFactory(program=program)
    revoked_token = visit_token(revoked)
    revoke_link(revoked)
    item = ItineraryItemFactory(program=program, stop=stop)
    contact = ContactFactory(organization__council=council, name="Private Contact Person")
    meeting_request = MeetingRequestFactory(item=item, contact=contact)
    withdrawn = MeetingRequestFactory(item=item, contact=contact, status=RequestStatus.WITHDRAWN)
    invitation = InvitationFactory(
        slot__program=program, slot__stop=stop, volunteer__council=council, volunteer__household_name="Hidden Household"
    )
    volunteer = invitation.volunteer
    volunteer.user = get_user_model().objects.create_user(f"volunteer-{volunteer.pk}")
    volunteer.save(update_fields=["user"])
    version = ItineraryVersion.objects.create(program=program, number=1, snapshot=[])
    revoked_version = ItineraryVersion.objects.create(
        program=program, number=2, snapshot=[], revoked_at=program.created_at
    )
    # A host's "still fine" link works while they are one of the item's hosts; one taken off the item is refused.
    item.contacts.add(contact)
    taken_off = ContactFactory(organization=contact.organization, name="Former Host")
    tokens = {
        PARTICIPANT: {
            "visit": visit_token(participant),
            "unsubscribe": unsubscribe_token(recipient_type=RecipientType.PARTICIPANT, recipient_id=participant.pk),
        },
        REVOKED: {
            "visit": revoked_token,
            "respond": request_token(withdrawn),
            "ack": ack_token(told(item, recipient_type=RecipientType.CONTACT, recipient_id=taken_off.pk)),
            "review": urlparse(review_url(revoked_version)).path.rstrip("/").rsplit("/", 1)[1],
        },
        HOST: {
            "respond": request_token(meeting_request),
            "ack": ack_token(told(item, recipient_type=RecipientType.CONTACT, recipient_id=contact.pk)),
            "feedback": urlparse(feedback_url(program, contact)).path.rstrip("/").rsplit("/", 1)[1],
        },
        OFFICER: {"review": urlparse(review_url(version)).path.rstrip("/").rsplit("/", 1)[1]},
        VOLUNTEER: {"sesame": get_query_string(volunteer.user).lstrip("?")},
    }
    kwargs = {
        "program_id": program.pk,
        "item_id": item.pk,
        "request_id": meeting_request.pk,
        "organization_id": contact.organization_id,
        "volunteer_id": volunteer.pk,
        "slot_id": invitation.slot_id,
        "invitation_id": invitation.pk,
        "task_id": ProgramTask.objects.create(program=program, title="Send the final itinerary").pk,
        "version_id": version.pk,
        "stop_id": stop.pk,
        "vendor_id": TransportVendor.objects.create(council=council, name="Alamo City Coaches").pk,
        "notification_id": NotificationFactory(council=council).pk,
        "flight_id": Flight.objects.create(
            participant=participant,
            direction=FlightDirection.ARRIVAL,
            carrier="United",
            number="UA 1234",
            from_airport="IAH",
            to_airport="SAT",
            departs_at=dt.datetime(2027, 3, 1, 15, tzinfo=dt.UTC),
            arrives_at=dt.datetime(2027, 3, 1, 16, tzinfo=dt.UTC),
        ).pk,
        "direction": FlightDirection.ARRIVAL,
        "day": "2027-03-02",
        "message": "sponsor_update",
        "program_type": program.program_type,
    }
    Hotel.objects.create(council=council, name="Riverwalk Plaza", address="1 Villita St", city="San Antonio")
    return {
        "kwargs": kwargs,
        "tokens": tokens,
        "participant": participant,
        "interpreter": ProgramStaffMemberFactory(program=program),
        "own": StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user,
        "coordinator": StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user,
        "other": StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user,
        "volunteer": volunteer,
    }


def _kwargs_for(name, world, requester):
    pattern_kwargs = PARAMS[name]
    kwargs = {key: world["kwargs"][key] for key in pattern_kwargs if key in world["kwargs"]}
    row = TABLE[name]
    if "token" in pattern_kwargs:
        kwargs["token"] = world["tokens"].get(requester, {}).get(row.token, f"forged-{row.token}-link")
    if "kind" in pattern_kwargs:
        kwargs["kind"] = "participant"
    if "pk" in pattern_kwargs:
        kwargs["pk"] = world["participant"].pk
    if "person_id" in pattern_kwargs:
        kwargs["person_id"] = world["participant"].pk
    return kwargs


def _client_for(requester, world, client):
    if requester == OWN_STAFF:
        client.force_login(world["own"])
    elif requester == COORDINATOR:
        client.force_login(world["coordinator"])
    elif requester == OTHER_STAFF:
        client.force_login(world["other"])
    elif requester == VOLUNTEER:
        client.force_login(world["volunteer"].user, backend="sesame.backends.ModelBackend")
    return client


def _outcome(response):
    if response.status_code in (401, 403, 404):
        return DENIED
    if response.status_code in (301, 302) and urlparse(response["Location"]).path == reverse("login"):
        return LOGIN
    assert response.status_code < 500, response.content[:500]
    return OK


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(name, world, client_factory):
    outcomes = {}
    for index, requester in enumerate(REQUESTERS):
        # Each from an address of their own (failed link sign-ins count per address), and each POST undone after
        # it: every requester meets the same world.
        client = _client_for(requester, world, client_factory(REMOTE_ADDR=f"192.0.2.{index + 1}"))
        url = reverse(name, kwargs=_kwargs_for(name, world, requester))
        if TABLE[name].query:
            url += f"?participant={world['participant'].pk}&day=2027-03-02"
        if TABLE[name].token == "sesame":
            url += "?" + world["tokens"].get(requester, {}).get("sesame", "sesame=forged")
        with transaction.atomic():
            response = _request(client, url)
            transaction.set_rollback(True)
        outcomes[requester] = _outcome(response)
        if requester == OTHER_STAFF and TABLE[name].council_wide:
            shown = response.content.decode(errors="replace")
            assert [secret for secret in SECRETS if secret in shown] == [], f"{name} shows another council's data"

    assert outcomes == TABLE[name].expect


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_an_expired_visitor_link_is_refused(client, world):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("programs.links.VALID_AFTER_DEPARTURE", dt.timedelta(days=-3650))

        response = client.get(reverse("visitors:today", kwargs={"token": world["tokens"][PARTICIPANT]["visit"]}))

    assert response.status_code == 404


def test_a_volunteer_of_another_household_cannot_open_this_invitation(client, world, council):
    stranger = Volunteer.objects.create(
        council=council, household_name="Strangers", contact_name="S", email="s@example.net"
    )
    stranger.user = get_user_model().objects.create_user("stranger")
    stranger.save(update_fields=["user"])
    client.force_login(stranger.user, backend="sesame.backends.ModelBackend")

    response = client.get(reverse("hospitality:portal_invitation", args=[world["kwargs"]["invitation_id"]]))

    assert response.status_code == 404
