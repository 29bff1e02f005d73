"""The Django admin is no second door into a council.

Only a council's admins and superusers use the admin; a council admin sees and picks only their council's rows;
records whose changes go through services (items, their history, meeting requests, participants, hospitality
slots, invitations and seating, the outbox, the audit log) are read-only there for everyone; the accounts and
sign-in records of other apps are a superuser's.

Every registered admin is walked — changelist, add, change, delete and history — as the anonymous visitor, a
coordinator of the owning council, another council's admin, the owning council's admin and a superuser.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from councils.admin_scoping import READ_ONLY_MODELS, CouncilScopedAdmin, SuperuserOnlyAdmin
from councils.enums import StaffRole
from councils.models import Council, StaffMembership
from directory.models import Contact, HostOrganization, Venue
from hospitality.models import GuestAssignment, HospitalitySlot, Invitation, Volunteer, VolunteerAvailability
from lifecycle.models import ChecklistTemplate, ProgramTask, TemplateTask
from logistics.enums import FlightDirection
from logistics.models import Flight, Hotel, HotelBooking, TransportVendor
from meetings.models import ItemChange, ItineraryItem, MeetingRequest
from notifications.models import Notification, PendingChange
from programs.models import Participant, Program, ProgramStaffMember, Sponsor, Stop
from tests.factories import (
    ContactFactory,
    HospitalitySlotFactory,
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
    VenueFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
SUPERUSER_ONLY = {User, Group, AccessAttempt, AccessLog, AccessFailureLog}
# Changed only through their services (history, conflicts, notices, counters) or never (the audit log).
READ_ONLY = {
    AuditEvent,
    ItineraryItem,
    ItemChange,
    MeetingRequest,
    Participant,
    Invitation,
    HospitalitySlot,
    GuestAssignment,
    Notification,
}
URL_KINDS = ["changelist", "add", "change", "delete", "history"]


def _label(model):
    return model._meta.label


# The world: one row of every registered model in each council (and the superuser's own records).


def _council_rows(council, tag):
    """{model: a row of ``council``} for every council-scoped model the admin shows."""
    program = ProgramFactory(council=council, has_home_hospitality=True, title=f"Program {tag}")
    stop = StopFactory(program=program)
    participant = ParticipantFactory(program=program)
    member = StaffMembershipFactory(council=council, user__username=f"member-{tag}")
    contact = ContactFactory(organization__council=council)
    venue = VenueFactory(council=council, organization=contact.organization, name=f"Venue {tag}")
    item = ItineraryItemFactory(program=program, stop=stop, venue=venue)
    slot = HospitalitySlotFactory(program=program, stop=stop)
    invitation = InvitationFactory(slot=slot, volunteer__council=council)
    VolunteerAvailability.objects.create(volunteer=invitation.volunteer, date=program.arrival_date)
    template = ChecklistTemplate.objects.create(council=council, program_type=program.program_type)
    template_task = TemplateTask.objects.create(template=template, title=f"Template task {tag}", anchor="arrival")
    departs = dt.datetime(2027, 2, 28, 9, tzinfo=dt.UTC)
    return {
        Council: council,
        StaffMembership: member,
        Sponsor: program.sponsor,
        Program: program,
        Stop: stop,
        Participant: participant,
        ProgramStaffMember: ProgramStaffMemberFactory(program=program),
        HostOrganization: contact.organization,
        Contact: contact,
        Venue: venue,
        ItineraryItem: item,
        ItemChange: ItemChange.objects.create(item=item, user=member.user, changes={"title": ["Old", "New"]}),
        MeetingRequest: MeetingRequestFactory(item=item, contact=contact),
        Hotel: Hotel.objects.create(council=council, name=f"Hotel {tag}", address="1 Main St", city="San Antonio"),
        HotelBooking: HotelBooking.objects.create(stop=stop, participant=participant),
        Flight: Flight.objects.create(
            participant=participant,
            direction=FlightDirection.choices[0][0],
            carrier="UA",
            number="100",
            from_airport="LIM",
            to_airport="SAT",
            departs_at=departs,
            arrives_at=departs + dt.timedelta(hours=8),
        ),
        TransportVendor: TransportVendor.objects.create(council=council, name=f"Vendor {tag}"),
        Volunteer: invitation.volunteer,
        HospitalitySlot: slot,
        Invitation: invitation,
        GuestAssignment: GuestAssignment.objects.create(slot=slot, invitation=invitation, participant=participant),
        Notification: NotificationFactory(council=council, program=program),
        ProgramTask: ProgramTask.objects.create(program=program, title=f"Task {tag}", template_task=template_task),
        AuditEvent: AuditEvent.objects.create(council=council, username=member.user.username, action="test"),
        TemplateTask: template_task,
        User: member.user,
    }


@pytest.fixture
def people(council, other_council):
    return {
        "coordinator": StaffMembershipFactory(council=council, user__username="coordinator").user,
        "other admin": StaffMembershipFactory(
            council=other_council, role=StaffRole.ADMIN, user__username="other-admin"
        ).user,
        "council admin": StaffMembershipFactory(council=council, role=StaffRole.ADMIN, user__username="admin").user,
        "superuser": UserFactory(username="root", is_superuser=True),
    }


@pytest.fixture
def world(council, other_council, people):
    ours = _council_rows(council, "ours")
    theirs = _council_rows(other_council, "theirs")
    superusers_own = {
        Group: Group.objects.create(name="Editors"),
        AccessAttempt: AccessAttempt.objects.create(
            username="someone",
            ip_address="192.0.2.1",
            user_agent="test",
            http_accept="*/*",
            path_info="/",
            failures_since_start=1,
        ),
        AccessLog: AccessLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="test", http_accept="*/*", path_info="/"
        ),
        AccessFailureLog: AccessFailureLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="test", http_accept="*/*", path_info="/"
        ),
    }
    return {"ours": {**ours, **superusers_own}, "theirs": theirs}


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(people):
    return {"anonymous": _client(), **{who: _client(user) for who, user in people.items()}}


def _url(model, kind, obj=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"
    return reverse(name, args=[obj.pk] if kind in ("change", "delete", "history") else [])


def _snapshot():
    """Every row of every model the admin can reach, and the accounts: what a refused POST must leave alone."""
    return {
        _label(model): list(model._default_manager.order_by("pk").values())
        for model in {*REGISTERED, User, PendingChange, TemplateTask, VolunteerAvailability}
    }


# What a form shows, posted back: the body of a real save.


def _widget_values(bound):
    widget = bound.field.widget
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    value = bound.value()
    name = bound.html_name
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        pairs = enumerate(zip(widget.widgets, parts, strict=True))
        return {f"{name}_{i}": sub.format_value(part) or "" for i, (sub, part) in pairs}
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple):
        return {name: [str(v) for v in value or []]}
    formatted = widget.format_value(value)
    if isinstance(formatted, list):
        formatted = formatted[0] if formatted else ""
    return {name: "" if formatted is None else formatted}


def _form_values(form):
    data = {}
    for bound in form:
        data.update(_widget_values(bound))
    return data


CHANGED_PHONE = "+12105550199"


def _post_body(response, obj):
    """The change form as rendered, with one text field changed (``marker`` names it); for a form that shows no
    editable field (a read-only model), the row's own values."""
    context = response.context if response is not None else None
    form = context["adminform"].form if context and "adminform" in context else None
    if form is None or not form.fields:
        data = {}
        for name, value in model_to_dict(obj).items():
            if isinstance(value, dt.datetime):
                data[f"{name}_0"], data[f"{name}_1"] = value.date().isoformat(), value.time().isoformat()
            elif isinstance(value, list):
                data[name] = [str(getattr(v, "pk", v)) for v in value]
            elif value is not None:
                data[name] = str(value)
        text = [f.name for f in obj._meta.fields if f.get_internal_type() in ("CharField", "TextField")]
        marker = next((name for name in text if not obj._meta.get_field(name).choices), None)
    else:
        data = _form_values(form)
        for inline in context["inline_admin_formsets"]:
            data.update(_form_values(inline.formset.management_form))
            for inline_form in inline.formset.forms:
                data.update(_form_values(inline_form))
        marker = next((name for name, field in form.fields.items() if type(field) is forms.CharField), None)
    if marker:
        data[marker] = f"{data.get(marker) or ''} (changed)".strip()
    elif form is not None and "phone" in form.fields:
        # A form whose only text is a phone number (stored in E.164): it is the field changed.
        data["phone"], marker = CHANGED_PHONE, "phone"
    return {**data, "_save": "Save"}, marker


def _assert_sent_to_sign_in(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("admin:login"))


def _assert_refused(response):
    """403, 404, or the admin's "doesn't exist" redirect (to its index) or sign-in redirect."""
    if response.status_code == 302:
        assert response["Location"].split("?")[0] in (reverse("admin:index"), reverse("admin:login"))
    else:
        assert response.status_code in (403, 404), response.status_code


def _body_for(clients, model, obj):
    """A change form's body as the superuser sees it: what the requester under test would have to send."""
    if model in READ_ONLY:
        return _post_body(None, obj)[0]
    response = clients["superuser"].get(_url(model, "change", obj))
    assert response.status_code == 200
    return _post_body(response, obj)[0]


# Guards: a new admin cannot slip past these tests.


def test_every_registered_admin_is_council_scoped_or_superuser_only():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, CouncilScopedAdmin | SuperuserOnlyAdmin), _label(model)
        for inline in getattr(model_admin, "inlines", []):
            assert hasattr(inline, "_may_edit"), f"{_label(model)}: {inline.__name__} is not a CouncilScopedInline"


def test_every_registered_model_has_a_row_in_these_tests(council, other_council, people):
    rows = _council_rows(council, "ours")
    missing = [_label(m) for m in REGISTERED if m not in rows and m not in SUPERUSER_ONLY]
    assert missing == []


def test_the_read_only_models_are_these_and_the_pending_changes_are_not_in_the_admin():
    assert READ_ONLY_MODELS == {_label(model) for model in READ_ONLY} | {"notifications.PendingChange"}
    assert PendingChange not in admin.site._registry


# The anonymous visitor and the coordinator: no admin at all.


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_the_admin_index_sends_them_to_sign_in(clients, people, who):
    if who == "coordinator":
        # Staff accounts carry ``is_staff`` here, which alone would let Django's admin open its index.
        assert people["coordinator"].is_staff

    for url in (reverse("admin:index"), reverse("admin:app_list", args=["councils"])):
        _assert_sent_to_sign_in(clients[who].get(url))


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_no_admin_url_opens_for(clients, world, who, model):
    obj = world["ours"][model]
    client = clients[who]
    body = _body_for(clients, model, obj)
    before = _snapshot()

    for kind in URL_KINDS:
        _assert_sent_to_sign_in(client.get(_url(model, kind, obj)))
    _assert_sent_to_sign_in(client.post(_url(model, "change", obj), body))
    _assert_sent_to_sign_in(client.post(_url(model, "add"), body))
    _assert_sent_to_sign_in(client.post(_url(model, "delete", obj), {"post": "yes"}))
    _assert_sent_to_sign_in(
        client.post(_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk]})
    )

    assert _snapshot() == before


# Another council's admin: nothing of this council.


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_another_councils_admin_reaches_no_row_of_the_council(clients, world, model):
    obj = world["ours"][model]
    client = clients["other admin"]
    body = _body_for(clients, model, obj)
    before = _snapshot()

    changelist = client.get(_url(model, "changelist"))
    if model in SUPERUSER_ONLY:
        assert changelist.status_code == 403
    else:
        assert changelist.status_code == 200
        assert obj.pk not in [row.pk for row in changelist.context["cl"].result_list]
    for kind in ("change", "delete", "history"):
        _assert_refused(client.get(_url(model, kind, obj)))
    _assert_refused(client.post(_url(model, "change", obj), body))
    _assert_refused(client.post(_url(model, "delete", obj), {"post": "yes"}))
    client.post(_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})

    assert _snapshot() == before


# The council's own admin: views everything of the council, edits what the admin may edit.


@pytest.mark.parametrize("model", sorted(READ_ONLY | SUPERUSER_ONLY, key=_label), ids=_label)
def test_the_councils_admin_edits_no_read_only_or_superuser_only_model(clients, world, model):
    obj = world["ours"][model]
    client = clients["council admin"]
    body = _body_for(clients, model, obj)
    before = _snapshot()

    changelist = client.get(_url(model, "changelist"))
    change = client.get(_url(model, "change", obj))
    if model in SUPERUSER_ONLY:
        assert changelist.status_code == 403
        assert change.status_code == 403
    else:
        assert changelist.status_code == 200
        assert obj.pk in [row.pk for row in changelist.context["cl"].result_list]
        assert change.status_code == 200
        assert change.context["adminform"].form.fields == {}  # every field shown read-only
        assert not change.context["has_change_permission"]
        assert all(not inline.has_change_permission for inline in change.context["inline_admin_formsets"])
    assert client.get(_url(model, "add")).status_code == 403
    assert client.get(_url(model, "delete", obj)).status_code == 403
    assert client.post(_url(model, "change", obj), body).status_code == 403
    assert client.post(_url(model, "add"), body).status_code == 403
    assert client.post(_url(model, "delete", obj), {"post": "yes"}).status_code == 403
    client.post(_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})

    assert _snapshot() == before


EDITABLE = sorted(set(REGISTERED) - READ_ONLY - SUPERUSER_ONLY, key=_label)


@pytest.mark.parametrize("model", EDITABLE, ids=_label)
def test_the_councils_admin_changes_the_councils_rows(clients, world, model):
    obj = world["ours"][model]
    client = clients["council admin"]

    changelist = client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert [row.pk for row in changelist.context["cl"].result_list if row.pk == obj.pk] == [obj.pk]
    assert client.get(_url(model, "history", obj)).status_code == 200
    response = client.get(_url(model, "change", obj))
    assert response.status_code == 200
    body, marker = _post_body(response, obj)

    saved = client.post(_url(model, "change", obj), body)

    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    obj.refresh_from_db()
    if marker == "phone":
        assert obj.phone.as_e164 == CHANGED_PHONE
    else:
        assert getattr(obj, marker).endswith("(changed)")


@pytest.mark.parametrize("model", EDITABLE, ids=_label)
def test_the_councils_admin_may_add_and_delete_only_below_the_council(clients, world, model):
    obj = world["ours"][model]
    client = clients["council admin"]
    # Councils and memberships are a superuser's to create; a council only a superuser deletes; a membership
    # its council's admin may remove (not their own: see the membership tests below).
    may_add = model not in (Council, StaffMembership)
    may_delete = model is not Council

    assert client.get(_url(model, "add")).status_code == (200 if may_add else 403)
    assert client.get(_url(model, "delete", obj)).status_code == (200 if may_delete else 403)


def test_a_superuser_edits_no_read_only_model_either(clients, world):
    client = clients["superuser"]
    before = _snapshot()

    for model in READ_ONLY:
        obj = world["ours"][model]
        assert client.get(_url(model, "change", obj)).status_code == 200
        assert client.get(_url(model, "add")).status_code == 403
        assert client.post(_url(model, "change", obj), _body_for(clients, model, obj)).status_code == 403
        assert client.post(_url(model, "delete", obj), {"post": "yes"}).status_code == 403

    assert _snapshot() == before


def test_a_superuser_keeps_the_accounts_and_sign_in_records(clients, world):
    for model in SUPERUSER_ONLY:
        assert clients["superuser"].get(_url(model, "changelist")).status_code == 200


def test_the_councils_admin_sees_only_the_council_apps_on_the_index(clients, world):
    response = clients["council admin"].get(reverse("admin:index"))

    assert response.status_code == 200
    apps = {app["app_label"] for app in response.context["app_list"]}
    assert "councils" in apps
    assert apps.isdisjoint({"auth", "axes"})


# Choices: a council admin picks only their council's rows and accounts.


def _choice_fields(response):
    forms_ = [(response.context["adminform"].form, None)]
    for inline in response.context["inline_admin_formsets"]:
        # An inline row's hidden primary key is a choice over the whole table, but Django takes the row it names
        # from the formset's queryset (the parent's rows) and ignores any other: not a choice anybody makes.
        pk_name = inline.formset.model._meta.pk.name
        forms_.extend((form, pk_name) for form in [*inline.formset.forms, inline.formset.empty_form])
    for form, skip in forms_:
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and name != skip:
                yield f"{type(form).__name__}.{name}", field


@pytest.mark.parametrize("model", EDITABLE, ids=_label)
def test_every_choice_in_the_councils_admin_forms_is_the_councils(clients, world, people, council, model):
    theirs = {(type(row), row.pk) for row in world["theirs"].values()}
    theirs |= {(User, people["other admin"].pk), (User, people["superuser"].pk), (Council, world["theirs"][Council].pk)}
    accounts = set(User.objects.filter(membership__council=council).values_list("pk", flat=True))
    client = clients["council admin"]
    urls = [_url(model, "change", world["ours"][model])]
    if model not in (Council, StaffMembership):
        urls.append(_url(model, "add"))

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        for name, field in _choice_fields(response):
            related = field.queryset.model
            offered = {(related, pk) for pk in field.queryset.values_list("pk", flat=True)}
            assert not offered & theirs, f"{url} {name} offers another council's rows"
            if related is User:
                assert {pk for _m, pk in offered} <= accounts, f"{url} {name} offers accounts of no council's"


def test_the_membership_form_offers_only_the_councils_accounts(clients, people, council, other_council):
    member = StaffMembershipFactory(council=council, user__username="ana")
    volunteer_account = UserFactory(username="volunteer-1", is_staff=False)  # an account with no membership
    url = reverse("admin:councils_staffmembership_change", args=[member.pk])

    response = clients["council admin"].get(url)

    users = {user.username for user in response.context["adminform"].form.fields["user"].queryset}
    assert users == {"ana", "coordinator", "admin"}
    assert volunteer_account.username not in users
    assert response.context["adminform"].form.fields.keys() == {"user", "role", "phone"}  # the council is shown only


# The report: a coordinator made themselves the council's admin in the admin.


def test_a_coordinator_cannot_make_themselves_the_councils_admin(clients, people, council):
    coordinator = people["coordinator"]
    membership = coordinator.membership
    url = reverse("admin:councils_staffmembership_change", args=[membership.pk])
    body = {"user": coordinator.pk, "council": council.pk, "role": StaffRole.ADMIN, "phone": "", "_save": "Save"}

    _assert_sent_to_sign_in(clients["coordinator"].get(url))
    _assert_sent_to_sign_in(clients["coordinator"].post(url, body))

    membership.refresh_from_db()
    assert membership.role == StaffRole.COORDINATOR
    assert not AuditEvent.objects.filter(action__contains="membership").exists()


def test_a_coordinator_cannot_open_the_council_or_its_audit_log(clients, world, council):
    client = clients["coordinator"]

    _assert_sent_to_sign_in(client.get(reverse("admin:councils_council_change", args=[council.pk])))
    _assert_sent_to_sign_in(client.get(reverse("admin:audit_auditevent_changelist")))
    _assert_sent_to_sign_in(client.get(reverse("admin:audit_auditevent_change", args=[world["ours"][AuditEvent].pk])))


def test_a_coordinator_cannot_open_their_own_account_in_the_admin(clients, people):
    coordinator = people["coordinator"]
    url = reverse("admin:auth_user_change", args=[coordinator.pk])

    _assert_sent_to_sign_in(clients["coordinator"].post(url, {"username": "coordinator", "is_superuser": "on"}))

    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


def test_a_council_admin_cannot_give_their_account_superuser_or_staff_flags(clients, people):
    admin_user = people["council admin"]
    admin_user.is_staff = False
    admin_user.save(update_fields=["is_staff"])
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    body = {"username": admin_user.username, "is_active": "on", "is_staff": "on", "is_superuser": "on"}

    assert clients["council admin"].get(url).status_code == 403
    assert clients["council admin"].post(url, body).status_code == 403

    admin_user.refresh_from_db()
    assert not admin_user.is_superuser
    assert not admin_user.is_staff


def test_the_councils_admin_sets_a_coordinators_role_and_it_is_audited(clients, people, council):
    membership = people["coordinator"].membership
    url = reverse("admin:councils_staffmembership_change", args=[membership.pk])
    body = {"user": membership.user_id, "role": StaffRole.ADMIN, "phone": "", "_save": "Save"}

    response = clients["council admin"].post(url, body)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == StaffRole.ADMIN
    event = AuditEvent.objects.get(action="change staff membership in admin")
    assert (event.council, event.user, event.details["role"]) == (council, people["council admin"], "admin")


def test_a_council_admin_cannot_move_a_membership_to_another_council(clients, people, council, other_council):
    membership = people["coordinator"].membership
    url = reverse("admin:councils_staffmembership_change", args=[membership.pk])
    body = {"user": membership.user_id, "council": other_council.pk, "role": StaffRole.COORDINATOR, "_save": "Save"}

    clients["council admin"].post(url, body)

    membership.refresh_from_db()
    assert membership.council == council


def test_a_council_admin_neither_changes_their_own_role_nor_removes_themselves(clients, people):
    membership = people["council admin"].membership
    change = reverse("admin:councils_staffmembership_change", args=[membership.pk])
    body = {"user": membership.user_id, "role": StaffRole.COORDINATOR, "phone": "", "_save": "Save"}

    clients["council admin"].post(change, body)
    removal = clients["council admin"].post(
        reverse("admin:councils_staffmembership_delete", args=[membership.pk]), {"post": "yes"}
    )
    clients["council admin"].post(
        reverse("admin:councils_staffmembership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )

    membership.refresh_from_db()
    assert membership.role == StaffRole.ADMIN
    assert removal.status_code == 403


def test_another_councils_admin_cannot_change_a_role_of_the_council(clients, people):
    membership = people["coordinator"].membership
    url = reverse("admin:councils_staffmembership_change", args=[membership.pk])
    body = {"user": membership.user_id, "role": StaffRole.ADMIN, "phone": "", "_save": "Save"}

    _assert_refused(clients["other admin"].post(url, body))

    membership.refresh_from_db()
    assert membership.role == StaffRole.COORDINATOR


def test_a_council_admin_cannot_change_an_itinerary_item_in_the_admin(clients, people, council):
    item = ItineraryItemFactory(program__council=council, title="Meeting with the mayor")
    url = reverse("admin:meetings_itineraryitem_change", args=[item.pk])
    body = {
        "program": item.program_id,
        "stop": item.stop_id,
        "kind": item.kind,
        "status": item.status,
        "title": "Moved behind everyone's back",
        "starts_at_0": "2027-03-02",
        "starts_at_1": "07:00",
        "ends_at_0": "2027-03-02",
        "ends_at_1": "08:00",
        "whole_group": "on",
        "_save": "Save",
    }
    before = model_to_dict(item)

    response = clients["council admin"].post(url, body)

    assert response.status_code == 403
    item.refresh_from_db()
    assert model_to_dict(item) == before
    assert not item.changes.exists()
