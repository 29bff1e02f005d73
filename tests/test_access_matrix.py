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

from agency_exchange.enums import ChangeKind, ReceivedKind, VersionReason
from agency_exchange.models import AgencyEdit, ProposedChange, ReceivedVersion
from agency_exchange.models import ItineraryVersion as AgencyItineraryVersion
from api.models import ApiToken
from councils.enums import StaffRole
from hospitality.models import Volunteer
from journeys.enums import SegmentState
from journeys.models import Agency, AgencyMembership, NationalProgram, Segment
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
    CouncilFactory,
    InvitationFactory,
    ItineraryItemFactory,
    MeetingRequestFactory,
    NotificationFactory,
    ParticipantFactory,
    ProgramFactory,
    ProgramStaffMemberFactory,
    StaffMembershipFactory,
    StopFactory,
    UserFactory,
)
from webhooks.models import WebhookEndpoint

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
AGENCY = "agency staff of the program's agency"
PARTNER = "staff of the council of the next city of the same national program"
REQUESTERS = [
    ANONYMOUS,
    OTHER_STAFF,
    PARTICIPANT,
    VOLUNTEER,
    HOST,
    REVOKED,
    OFFICER,
    AGENCY,
    PARTNER,
    COORDINATOR,
    OWN_STAFF,
]

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
    across: bool = False  # the page shows the owning council's segment to the next city's council


def _only(*allowed, otherwise=DENIED):
    return {r: (OK if r in allowed else otherwise) for r in REQUESTERS}


PUBLIC = Row(_only(*REQUESTERS))
# A council's own pages: its staff only. The council of another city of the same journey is as much a stranger
# here as any other council, and agency staff, who have no council, are refused every council page.
STAFF = Row(
    {
        **{r: LOGIN for r in REQUESTERS},
        OWN_STAFF: OK,
        COORDINATOR: OK,
        OTHER_STAFF: DENIED,
        VOLUNTEER: DENIED,
        AGENCY: DENIED,
        PARTNER: DENIED,
    }
)
# Council-wide pages (lists, searches, statistics): every council's staff open them, each sees only their own.
COUNCIL = Row({**STAFF.expect, OTHER_STAFF: OK, PARTNER: OK}, council_wide=True)
# Only the council's admins: its settings, checklist templates, the audit log, personal data export and erasure.
ADMIN_ONLY = Row({**STAFF.expect, COORDINATOR: DENIED})
COUNCIL_ADMIN_ONLY = Row({**COUNCIL.expect, COORDINATOR: DENIED}, council_wide=True)
PORTAL = Row(_only(VOLUNTEER))
# The agency's own exchange pages: agency staff only; every council's staff are refused.
AGENCY_PAGE = Row({**STAFF.expect, OWN_STAFF: DENIED, COORDINATOR: DENIED, AGENCY: OK})
# The API's resources answer a council's token only (``tests/api/test_access.py`` walks them with tokens): a session,
# a link or nothing is refused.
API = Row(_only())
# A segment's exchange pages: its council's staff, and the agency's staff who read them.
SEGMENT_PAGE = Row({**STAFF.expect, AGENCY: OK})
# A journey's page: every council of the national program opens it (each sees the others read-only), no one else.
JOURNEY = Row({**STAFF.expect, PARTNER: OK}, across=True)
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
    # Agency staff are sent from the dashboard (where signing in lands) to their own page.
    "programs:home": Row({**COUNCIL.expect, AGENCY: OK}, council_wide=True),
    "programs:program_new": COUNCIL,
    "programs:program": STAFF,
    "programs:program_edit": STAFF,
    "programs:participants": STAFF,
    "programs:participant_new": STAFF,
    "programs:participant_edit": STAFF,
    "programs:participant_remove": STAFF,
    "programs:participant_export": STAFF,
    "programs:participant_import": STAFF,
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
    # The directory as spreadsheets: every staff member exports it; only admins, who edit it, import into it.
    "directory:contacts_export": COUNCIL,
    "directory:contacts_import": COUNCIL_ADMIN_ONLY,
    "directory:venues_export": COUNCIL,
    "directory:venues_import": COUNCIL_ADMIN_ONLY,
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
    "hospitality:volunteer_export_xlsx": COUNCIL,
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
    # Webhook endpoints of the council's own systems: only its admins
    "webhooks:endpoints": COUNCIL_ADMIN_ONLY,
    "webhooks:new": COUNCIL_ADMIN_ONLY,
    "webhooks:endpoint": ADMIN_ONLY,
    "webhooks:rotate": ADMIN_ONLY,
    "webhooks:delete": ADMIN_ONLY,
    # The council's API tokens: its admins create and revoke them
    "api:tokens": COUNCIL_ADMIN_ONLY,
    "api:token_revoke": ADMIN_ONLY,
    # The API's description and documentation show no data
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:program-list": API,
    "api:program-detail": API,
    "api:participant-list": API,
    "api:participant-detail": API,
    "api:item-list": API,
    "api:item-detail": API,
    "api:item-move": API,
    "api:item-cancel": API,
    "api:host_organization-list": API,
    "api:host_organization-detail": API,
    "api:contact-list": API,
    "api:contact-detail": API,
    "api:venue-list": API,
    "api:venue-detail": API,
    "api:volunteer-list": API,
    "api:volunteer-detail": API,
    "api:hospitality_slot-list": API,
    "api:hospitality_slot-detail": API,
    "api:invitation-list": API,
    "api:invitation-detail": API,
    "api:notification-list": API,
    "api:notification-detail": API,
    # The exchange with the agency: a segment's pages are its council's (and its agency's); the agency's uploads and
    # received versions are the agency's alone; only the council sends versions and answers the agency's edits.
    "agency_exchange:program": AGENCY_PAGE,
    "agency_exchange:received": AGENCY_PAGE,
    "agency_exchange:apply": AGENCY_PAGE,
    "agency_exchange:segment": SEGMENT_PAGE,
    "agency_exchange:send": STAFF,
    "agency_exchange:edit_upload": SEGMENT_PAGE,
    "agency_exchange:version": SEGMENT_PAGE,
    "agency_exchange:version_export": SEGMENT_PAGE,
    "agency_exchange:edit": SEGMENT_PAGE,
    "agency_exchange:decide": STAFF,
    # The journey across councils: the agency's pages, and each council's view of the whole route
    "agency:home": AGENCY_PAGE,
    "agency:program_new": AGENCY_PAGE,
    "agency:program": AGENCY_PAGE,
    "agency:traveller_new": AGENCY_PAGE,
    "journeys:journey": JOURNEY,
    "journeys:answer": STAFF,
    "journeys:hand_over": STAFF,
    "journeys:hand_over_read": STAFF,
    "journeys:segment_state": STAFF,
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
        "endpoint_id": WebhookEndpoint.objects.create(
            council=council, name="Case system", url="https://cases.example.org/", events=["item.created"], secret="s"
        ).pk,
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
        "api_token_id": ApiToken.objects.create(
            council=council, name="Sponsor CRM sync", prefix="exk_matrix01", digest="0" * 64
        ).pk,
    }
    Hotel.objects.create(council=council, name="Riverwalk Plaza", address="1 Villita St", city="San Antonio")
    kwargs.update(_agency_exchange_kwargs(program, item))
    partner, agency_staff = _journey_partners(kwargs["segment_id"])
    return {
        "kwargs": kwargs,
        "tokens": tokens,
        "participant": participant,
        "interpreter": ProgramStaffMemberFactory(program=program),
        "own": StaffMembershipFactory(council=council, role=StaffRole.ADMIN).user,
        "coordinator": StaffMembershipFactory(council=council, role=StaffRole.COORDINATOR).user,
        "other": StaffMembershipFactory(council=other_council, role=StaffRole.ADMIN).user,
        "volunteer": volunteer,
        "partner": partner,
        "agency": agency_staff,
    }


def _journey_partners(segment_id):
    """Staff of the council that receives the group next (St. Louis, an admin) and staff of the agency."""
    segment = Segment.objects.select_related("national_program__agency").get(pk=segment_id)
    partner_council = CouncilFactory(name="Partner CIV", slug="partner-civ", city="St. Louis")
    Segment.objects.create(
        national_program=segment.national_program,
        order=segment.order + 1,
        city="St. Louis",
        time_zone="America/Chicago",
        starts_on=segment.ends_on,
        ends_on=segment.ends_on,
        council=partner_council,
        state=SegmentState.ACCEPTED,
        program=ProgramFactory(council=partner_council, arrival_date=segment.ends_on, departure_date=segment.ends_on),
    )
    agency_staff = UserFactory(username="agency-officer", is_staff=False)
    AgencyMembership.objects.create(user=agency_staff, agency=segment.national_program.agency)
    return StaffMembershipFactory(council=partner_council, role=StaffRole.ADMIN).user, agency_staff


def _agency_exchange_kwargs(program, item):
    """The program as the segment of a national program, with what its agency and council exchanged."""
    segment = Segment.objects.filter(program=program).select_related("national_program").first()
    if segment is None:
        agency = Agency.objects.create(name="Northfield International Programs", slug="northfield", time_zone="UTC")
        national_program = NationalProgram.objects.create(
            agency=agency, title=program.title, arrival_date=program.arrival_date, departure_date=program.departure_date
        )
        segment = Segment.objects.create(
            national_program=national_program,
            order=1,
            city="San Antonio",
            time_zone="America/Chicago",
            starts_on=program.arrival_date,
            ends_on=program.departure_date,
            council=program.council,
            state=SegmentState.ACCEPTED,
            program=program,
        )
    version = AgencyItineraryVersion.objects.create(segment=segment, number=1, reason=VersionReason.WEEKLY)
    edit = AgencyEdit.objects.create(segment=segment, based_on=version, file_name="edited.csv")
    change = ProposedChange.objects.create(
        edit=edit, kind=ChangeKind.CHANGED, item=item, title=item.title, time_zone="America/Chicago"
    )
    received = ReceivedVersion.objects.create(
        national_program=segment.national_program, kind=ReceivedKind.PROGRAM_REQUEST, number=1
    )
    return {
        "national_program_id": segment.national_program_id,
        "segment_id": segment.pk,
        "agency_version_id": version.pk,
        "format": "csv",
        "edit_id": edit.pk,
        "change_id": change.pk,
        "received_id": received.pk,
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
    elif requester == PARTNER:
        client.force_login(world["partner"])
    elif requester == AGENCY:
        client.force_login(world["agency"])
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
        if requester in (OTHER_STAFF, PARTNER) and TABLE[name].council_wide:
            shown = response.content.decode(errors="replace")
            assert [secret for secret in SECRETS if secret in shown] == [], f"{name} shows another council's data"
        if requester == PARTNER and TABLE[name].across:
            # The journey names the national program (here titled as the program); nothing private crosses.
            shown = response.content.decode(errors="replace")
            private = (*SECRETS[1:], world["participant"].email, "Riverwalk Plaza")
            assert [secret for secret in private if secret in shown] == [], f"{name} shows a segment's private data"

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
