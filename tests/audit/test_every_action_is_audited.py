"""Every staff action that changes data leaves an audit event, written in the transaction of the change.

The staff URLs are read from the project's URL patterns through the access table (``tests/test_access_matrix.py``):
every URL a council's admin reaches that an anonymous visitor is sent to sign in from. Each one is either in
``AUDITED`` (with the change a test posts to it, and the action the event must name) or in ``EXEMPT`` with the
reason it changes nothing. A new staff URL in neither fails ``test_every_staff_url_is_audited_or_exempt``; an
exempt URL that writes to the database after all fails ``test_exempt_urls_write_nothing``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.test.utils import ContextList
from django.urls import reverse

from audit.models import AuditEvent
from hospitality import services as hospitality_services
from hospitality.models import Invitation
from journeys.enums import SegmentState
from journeys.models import HandOver, NationalProgram, Segment
from lifecycle.models import ProgramTask
from logistics.models import Hotel
from meetings.enums import RequestStatus
from meetings.models import ItineraryItem, MeetingRequest
from notifications.enums import NotificationState
from notifications.models import Notification
from tests.factories import CouncilFactory, ParticipantFactory, ProgramFactory, VolunteerFactory, local
from tests.test_access_matrix import ANONYMOUS, LOGIN, OK, OWN_STAFF, PARAMS, TABLE, _kwargs_for

pytestmark = pytest.mark.django_db


def _staff_urls():
    """URL names a council's admin reaches and an anonymous visitor is sent to sign in from: the staff pages."""
    return sorted(
        name
        for name, row in TABLE.items()
        if row.token is None and row.expect[OWN_STAFF] == OK and row.expect[ANONYMOUS] == LOGIN
    )


# What a form shows, posted back: the body of a real save.


def _widget_values(bound):
    widget = bound.field.widget
    value = bound.value()
    name = bound.html_name
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            f"{name}_{i}": sub.format_value(part) or ""
            for i, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True))
        }
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
        return {name: [str(getattr(v, "pk", v)) for v in value or []]}
    if isinstance(widget, forms.FileInput):
        return {}
    formatted = widget.format_value(value)
    if isinstance(formatted, list):
        formatted = formatted[0] if formatted else ""
    return {name: "" if formatted is None else formatted}


def _form_values(form):
    data = {}
    for bound in form:
        data.update(_widget_values(bound))
    return data


def _context_values(response):
    """The values of every template context the response was rendered with."""
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    values = {}
    for context in contexts:
        for value in context.flatten().values():
            values[id(value)] = value
    return list(values.values())


def _rendered(client, url):
    """Every form and formset of the page at ``url``, as rendered, as a POST body."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = {}
    for value in _context_values(response):
        if isinstance(value, BaseFormSet):
            data.update(_form_values(value.management_form))
            for form in value.forms:
                data.update(_form_values(form))
        elif isinstance(value, forms.BaseForm):
            data.update(_form_values(value))
    return data


@dataclass
class Case:
    action: str
    # (client, world, url) -> POST body (None: the URL is opened with GET)
    body: Callable = lambda client, world, url: {}
    # world -> URL kwargs that replace the access table's (e.g. a person made for this test)
    kwargs: Callable = lambda world: {}


def _ids(world):
    return world["kwargs"]


def _program_form(client, world, url):
    return {
        "title": "Combating Trafficking in Persons",
        "program_type": "ivlp",
        "status": "planning",
        "arrival_date": "2027-05-03",
        "departure_date": "2027-05-07",
        "stops-TOTAL_FORMS": "0",
        "stops-INITIAL_FORMS": "0",
        "stops-MIN_NUM_FORMS": "0",
        "stops-MAX_NUM_FORMS": "1000",
    }


def _changed(**changes):
    """The page's forms as rendered, with ``changes``; a value ending in "+" is appended to what is shown."""

    def body(client, world, url):
        data = _rendered(client, url)
        for name, value in changes.items():
            name = name.format(world["participant"].pk)  # "participant_{}": the field of the world's participant
            value = value(world) if callable(value) else value
            if isinstance(value, str) and value.endswith("+"):
                value = f"{data.get(name, '')} {value[:-1]}".strip()
            data[name] = value
        return data

    return body


def _propose(world):
    meeting_request = MeetingRequest.objects.get(pk=_ids(world)["request_id"])
    meeting_request.status = RequestStatus.PROPOSED
    meeting_request.proposed_starts_at = local(dt.date(2027, 3, 4), 15)
    meeting_request.proposed_ends_at = local(dt.date(2027, 3, 4), 16)
    meeting_request.save()
    return {"override_reason": "The group can make it."}


def _failed_message(world):
    Notification.objects.filter(pk=_ids(world)["notification_id"]).update(state=NotificationState.FAILED)
    return {}


def _accepted_invitation(world):
    invitation = Invitation.objects.get(pk=_ids(world)["invitation_id"])
    hospitality_services.accept(invitation=invitation)
    return invitation


def _done_task(world):
    ProgramTask.objects.filter(pk=_ids(world)["task_id"]).update(done_at=local(dt.date(2027, 2, 1), 9))
    return {}


VOLUNTEER_CSV = (
    "household_name,contact_name,email,languages,max_guests\n"
    "The Imported household,Iris Imported,iris@example.net,en,2\n"
    "The Second household,Sam Second,sam.second@example.net,es,3\n"
)


def _previewed(text):
    """The import button of a file's preview: the preview writes nothing, the import writes and is audited."""

    def body(client, world, url):
        return client.post(url, {"file": SimpleUploadedFile("import.csv", text.encode())}).context["carried"]

    return body


AUDITED = {
    # Programs and their people
    "programs:program_new": Case("create program", _program_form),
    "programs:program_edit": Case("edit program", _changed(title="(edited)+")),
    "programs:participant_new": Case(
        "create participant",
        _changed(first_name="Ana", last_name="Audit", country="PE", email="ana.audit@example.com"),
    ),
    "programs:participant_edit": Case("edit participant", _changed(role="(edited)+")),
    "programs:participant_import": Case(
        "import participants", _previewed("first_name,last_name,country\nAna,Imported,Perú\n")
    ),
    "programs:participant_remove": Case(
        "remove participant",
        kwargs=lambda world: {"person_id": ParticipantFactory(program=world["participant"].program).pk},
    ),
    # Items
    "meetings:item_new": Case(
        "create item",
        _changed(
            title="Immigration liaison",
            kind="meeting",
            status="idea",
            starts_at="2027-03-03T14:00",
            ends_at="2027-03-03T15:00",
            whole_group="on",
            stop=lambda world: str(_ids(world)["stop_id"]),
        ),
    ),
    "meetings:item_edit": Case("edit item", _changed(title="(edited)+")),
    "meetings:running_late": Case("report running late", lambda client, world, url: {"minutes": "15"}),
    "meetings:item_move": Case(
        "move item",
        lambda client, world, url: {
            "starts_at": "2027-03-02T10:00",
            "ends_at": "2027-03-02T11:00",
            "version": ItineraryItem.objects.get(pk=_ids(world)["item_id"]).version,
        },
    ),
    # Meeting requests
    "meeting_requests:new": Case(
        "send meeting request",
        lambda client, world, url: {
            "contact": MeetingRequest.objects.get(pk=_ids(world)["request_id"]).contact_id,
            "deadline": "2027-02-25T17:00",
            "message": "Would you meet the delegation?",
        },
    ),
    "meeting_requests:accept_proposal": Case("accept proposed time", lambda client, world, url: _propose(world)),
    "meeting_requests:withdraw": Case("withdraw meeting request"),
    # Copies
    "copying:item": Case("copy item", lambda client, world, url: {"starts_at": "2027-03-04T09:00"}),
    "copying:day": Case("copy day", lambda client, world, url: {"to_day": "2027-03-05"}),
    "copying:program": Case(
        "copy program", lambda client, world, url: {"title": "The next delegation", "arrival_date": "2027-09-06"}
    ),
    # Messages
    "notifications:resend": Case("resend message", lambda client, world, url: _failed_message(world)),
    "lifecycle:prepared_message": Case("send prepared message", lambda client, world, url: {"note": "See you soon"}),
    # Hospitality
    "hospitality:volunteer_create": Case(
        "create volunteer",
        _changed(
            household_name="The Audit household",
            contact_name="Ada Audit",
            email="ada.audit@example.net",
            languages="en",
            max_guests="2",
        ),
    ),
    "hospitality:volunteer_edit": Case("edit volunteer", _changed(contact_name="(edited)+")),
    "hospitality:volunteer_import": Case(
        "import volunteers from CSV",
        lambda client, world, url: {"file": SimpleUploadedFile("volunteers.csv", VOLUNTEER_CSV.encode())},
    ),
    "hospitality:volunteer_revoke_link": Case("revoke volunteer links"),
    # The directory's spreadsheets
    "directory:contacts_import": Case(
        "import host contacts", _previewed("organization,contact_name\nAudit Legal Aid,Ana Audit\n")
    ),
    "directory:venues_import": Case("import venues", _previewed("name,city\nAudit Hall,Laredo\n")),
    "hospitality:slot_create": Case(
        "create hospitality slot",
        _changed(
            stop=lambda world: str(_ids(world)["stop_id"]),
            date="2027-03-03",
            start_time="18:00",
            end_time="21:00",
            guests_per_host="2",
            hosts_needed="1",
        ),
    ),
    "hospitality:slot_edit": Case("edit hospitality slot", _changed(meeting_point="Hotel lobby at 17:40")),
    "hospitality:invite": Case(
        "invite volunteers",
        lambda client, world, url: {"volunteers": [VolunteerFactory(council=world["volunteer"].council).pk]},
    ),
    "hospitality:slot_cancel": Case("cancel hospitality slot"),
    "hospitality:assign": Case(
        "seat guests",
        lambda client, world, url: {
            f"host-{_accepted_invitation(world).pk}-guests": [world["participant"].pk],
        },
    ),
    "hospitality:assign_suggested": Case(
        "seat guests as suggested", lambda client, world, url: _accepted_invitation(world) and {}
    ),
    "hospitality:remind": Case("remind volunteer"),
    # Checklist and sponsor publication
    "lifecycle:checklist": Case(
        "add checklist task", lambda client, world, url: {"title": "Call the hotel", "due_date": "2027-02-20"}
    ),
    "lifecycle:complete": Case("complete checklist task"),
    "lifecycle:reopen": Case("reopen checklist task", lambda client, world, url: _done_task(world)),
    "lifecycle:edit_template": Case(
        "edit checklist template",
        _changed(**{"tasks-0-title": "Book the hotel", "tasks-0-anchor": "arrival", "tasks-0-offset_days": "-30"}),
    ),
    "lifecycle:versions": Case("publish itinerary to sponsor", lambda client, world, url: {"note": "First draft"}),
    "lifecycle:approve": Case("approve itinerary version"),
    "lifecycle:revoke": Case("revoke sponsor review link"),
    "lifecycle:weekly_update": Case(
        "set weekly sponsor updates", lambda client, world, url: {"active": "on", "weekday": "1"}
    ),
    # Logistics
    "logistics:stop_hotel": Case(
        "set stop hotel and confirmation numbers",
        _changed(
            hotel=lambda world: str(Hotel.objects.get(council=world["participant"].program.council).pk),
            **{"participant_{}": "RWP-123"},
        ),
    ),
    "logistics:flight_new": Case(
        "add flight",
        lambda client, world, url: {
            "participant": world["participant"].pk,
            "direction": "arrival",
            "carrier": "LATAM",
            "number": "LA 2464",
            "from_airport": "LIM",
            "to_airport": "SAT",
            "departs_at": "2027-03-01T01:30",
            "departs_zone": "America/Lima",
            "arrives_at": "2027-03-01T09:45",
            "arrives_zone": "America/Chicago",
        },
    ),
    "logistics:flight_edit": Case("edit flight", _changed(number="UA 4321")),
    "logistics:flight_delete": Case("delete flight"),
    # Personal links
    "links:email": Case("email personal link"),
    "links:revoke": Case("revoke personal link"),
    "links:reissue": Case("reissue personal link"),
    # Personal data and the council
    "audit:export": Case("export personal data", body=lambda client, world, url: None),
    "audit:erase": Case("erase personal data", lambda client, world, url: {"confirm": world["participant"].email}),
    "councils:settings": Case("edit council settings", _changed(phone="+1 210 555 0199")),
    # Webhook endpoints
    "webhooks:new": Case(
        "create webhook endpoint",
        lambda client, world, url: {
            "name": "Case management system",
            "url": "https://cases.example.org/exchange",
            "events": ["item.created", "item.cancelled"],
            "is_active": "on",
        },
    ),
    "webhooks:endpoint": Case("edit webhook endpoint", _changed(name="(edited)+")),
    "webhooks:rotate": Case("rotate webhook secret"),
    "webhooks:delete": Case("delete webhook endpoint"),
    # API tokens
    "api:tokens": Case("create API token", lambda client, world, url: {"name": "Sponsor CRM", "scope": "read"}),
    "api:token_revoke": Case("revoke API token"),
    # The exchange with the agency
    "agency_exchange:send": Case("send itinerary to agency", lambda client, world, url: {"reason": "manual"}),
    "agency_exchange:edit_upload": Case(
        "receive agency's edited itinerary",
        lambda client, world, url: {"file": SimpleUploadedFile("edited.csv", b"title,date,start,end\n")},
    ),
    "agency_exchange:decide": Case("accept agency change", lambda client, world, url: {"decision": "accept"}),
    # The journey across councils
    "journeys:answer": Case(
        "accept segment", lambda client, world, url: {"answer": "accept"}, kwargs=lambda world: _invited(world)
    ),
    "journeys:hand_over": Case(
        "send hand-over note",
        lambda client, world, url: {
            "health": "One traveller walks with a cane",
            "diet": "",
            "interpreter": "",
            "group_changes": "",
            "other": "",
            "version": "1",
        },
    ),
    "journeys:hand_over_read": Case("read hand-over note", kwargs=lambda world: _receiving(world)),
    "journeys:segment_state": Case("set segment state", lambda client, world, url: {"state": "building"}),
}


def _journey_of(world):
    return Segment.objects.select_related("national_program").get(pk=_ids(world)["segment_id"]).national_program


def _invited(world):
    """A segment of another journey the world's council is invited to build."""
    first = _journey_of(world)
    national_program = NationalProgram.objects.create(
        agency=first.agency,
        title="Next year's delegation",
        arrival_date=first.arrival_date,
        departure_date=first.departure_date,
    )
    segment = Segment.objects.create(
        national_program=national_program,
        order=1,
        city="San Antonio",
        time_zone="America/Chicago",
        starts_on=first.arrival_date,
        ends_on=first.departure_date,
        council=world["participant"].program.council,
    )
    return {"segment_id": segment.pk}


def _receiving(world):
    """A segment of the world's council that receives the group from another council, whose note was sent."""
    first = _journey_of(world)
    national_program = NationalProgram.objects.create(
        agency=first.agency,
        title="Received delegation",
        arrival_date=first.arrival_date,
        departure_date=first.departure_date,
    )
    sender = Segment.objects.create(
        national_program=national_program,
        order=1,
        city="Laredo",
        time_zone="America/Chicago",
        starts_on=first.arrival_date,
        ends_on=first.arrival_date,
        council=CouncilFactory(name="Laredo CIV", slug="laredo-civ"),
        state=SegmentState.ACCEPTED,
    )
    program = ProgramFactory(council=world["participant"].program.council, title="Received delegation")
    receiving = Segment.objects.create(
        national_program=national_program,
        order=2,
        city="San Antonio",
        time_zone="America/Chicago",
        starts_on=first.arrival_date,
        ends_on=first.departure_date,
        council=program.council,
        state=SegmentState.ACCEPTED,
        program=program,
    )
    task = ProgramTask.objects.create(program=program, title="Read the hand-over note from Laredo")
    HandOver.objects.create(
        from_segment=sender, health="All well", sent_at=local(first.arrival_date, 8), receiving_task=task
    )
    return {"segment_id": receiving.pk}


READS_ONLY = "reads only"
EXEMPT = {
    "programs:home": READS_ONLY,
    "programs:program": READS_ONLY,
    "programs:participants": READS_ONLY,
    "meetings:calendar": READS_ONLY,
    "meetings:calendar_events": READS_ONLY,
    "meetings:agenda": READS_ONLY,
    "meetings:item": READS_ONLY,
    "meetings:today": READS_ONLY,
    "meetings:contact_search": READS_ONLY,
    "meeting_requests:list": READS_ONLY,
    "book:html": READS_ONLY,
    "book:pdf": READS_ONLY,
    "directory:list": READS_ONLY,
    "directory:organization": READS_ONLY,
    "directory:contacts_export": READS_ONLY,
    "directory:venues_export": READS_ONLY,
    "programs:participant_export": READS_ONLY,
    "notifications:outbox": READS_ONLY,
    "notifications:detail": READS_ONLY,
    "notifications:detail_html": READS_ONLY,
    "notifications:preview": "reads only: a preview queues nothing",
    "notifications:preview_html": "reads only: a preview queues nothing",
    "hospitality:index": READS_ONLY,
    "hospitality:volunteers": READS_ONLY,
    "hospitality:volunteer_export": "reads only: the registry as CSV for staff, no change",
    "hospitality:volunteer_export_xlsx": "reads only: the registry as XLSX for staff, no change",
    "hospitality:board": READS_ONLY,
    "hospitality:slot": READS_ONLY,
    "lifecycle:due": READS_ONLY,
    "lifecycle:templates": READS_ONLY,
    "lifecycle:version_detail": READS_ONLY,
    "lifecycle:feedback_list": READS_ONLY,
    "lifecycle:statistics": READS_ONLY,
    "lifecycle:statistics_csv": READS_ONLY,
    "logistics:program": READS_ONLY,
    "logistics:vendor_sheet": READS_ONLY,
    "logistics:vendor_sheet_pdf": READS_ONLY,
    "logistics:publication_csv": "reads only: names of participants who consented to media",
    "links:program": READS_ONLY,
    "audit:log": READS_ONLY,
    "audit:person": READS_ONLY,
    "webhooks:endpoints": READS_ONLY,
    "agency_exchange:segment": READS_ONLY,
    "agency_exchange:version": READS_ONLY,
    "agency_exchange:version_export": "reads only: a version sent to the agency as a file",
    "agency_exchange:edit": READS_ONLY,
    "journeys:journey": READS_ONLY,
}


def test_every_staff_url_is_audited_or_exempt():
    staff_urls = set(_staff_urls())

    assert sorted(staff_urls - set(AUDITED) - set(EXEMPT)) == [], "staff URLs neither audited nor declared exempt"
    assert sorted(set(AUDITED) & set(EXEMPT)) == []
    assert sorted((set(AUDITED) | set(EXEMPT)) - staff_urls) == [], "declared URLs that are not staff URLs"
    assert all(reason.strip() for reason in EXEMPT.values())


def _url(name, world, case):
    kwargs = {**_kwargs_for(name, world, OWN_STAFF), **case.kwargs(world)}
    return reverse(name, kwargs={key: value for key, value in kwargs.items() if key in PARAMS[name]})


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_the_staff_action_is_audited(name, world, client):
    client.force_login(world["own"])
    case = AUDITED[name]
    url = _url(name, world, case)
    body = case.body(client, world, url)
    before = AuditEvent.objects.count()

    response = client.get(url) if body is None else client.post(url, body)

    assert response.status_code < 400, (response.status_code, response.content[:300])
    errors = [
        value.errors
        for value in _context_values(response)
        if isinstance(value, forms.BaseForm | BaseFormSet) and value.is_bound and value.errors
    ]
    assert errors == [], errors
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.username, e.ip_address, e.council_id) for e in events if e.action == case.action] == [
        (case.action, world["own"].username, "127.0.0.1", world["participant"].program.council_id)
    ], [e.action for e in events]


class _Writes:
    """The statements that write to the project's tables (sessions and sign-in records aside)."""

    IGNORED = ("django_session", "axes_")

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and not any(table in sql for table in self.IGNORED):
            self.statements.append(sql)
        return execute(sql, params, many, context)


@pytest.mark.parametrize("name", sorted(EXEMPT))
def test_exempt_urls_write_nothing(name, world, client):
    client.force_login(world["own"])
    url = reverse(name, kwargs=_kwargs_for(name, world, OWN_STAFF))
    if TABLE[name].query:
        url += f"?participant={world['participant'].pk}&day=2027-03-02"
    writes = _Writes()

    with connection.execute_wrapper(writes):
        for response in (client.get(url), client.post(url)):
            assert response.status_code < 500

    assert writes.statements == []
