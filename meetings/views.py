"""Staff pages of the itinerary builder: calendar, agenda, item form and page, and their JSON endpoints."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from directory.models import Contact
from exchange.page_cache import conditional_content, page_key
from meetings import services
from meetings.calendar import agenda_days, conflicts_for_item, events_for_stop
from meetings.conflicts import hard
from meetings.forms import CalendarQueryForm, ContactSearchForm, ItemForm, MoveItemForm, NewItemQueryForm
from meetings.models import ItineraryItem
from meetings.queries import item_for_page
from notifications.change_notices import who_will_be_told
from programs.models import Program

CONTACT_SEARCH_LIMIT = 20


def _program(request, program_id):
    return get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)


def _item(request, item_id):
    return get_for_council(
        ItineraryItem.objects.select_related("program__council", "stop"),
        request.council,
        council_lookup="program__council",
        pk=item_id,
    )


def _stop(program, query):
    """The stop a calendar request asks for (the first stop when none); 404 for a stop of another program."""
    if not query.is_valid():
        raise Http404
    stop = query.cleaned_data["stop"] or program.stops.first()
    if stop is None:
        raise Http404
    return stop


def _calendar_url(program, stop):
    return f"{reverse('meetings:calendar', kwargs={'program_id': program.pk})}?stop={stop.pk}"


def _record_item_change(request, action, item, version_before):
    """Audit a staff edit of an item that changed something (a save that changed nothing leaves no event)."""
    if item.version != version_before:
        record(request=request, action=action, obj=item, details={"program": item.program_id, "version": item.version})


def _warn(request, conflicts):
    for conflict in conflicts:
        messages.warning(request, conflict.message)


@staff_required
@require_GET
def calendar(request, program_id):
    program = _program(request, program_id)
    stops = list(program.stops.all())
    if not stops:
        messages.info(request, _("Add a stop (a city with its dates) to the program before building its calendar."))
        return redirect("programs:program_edit", program_id=program.pk)
    stop = _stop(program, CalendarQueryForm(request.GET, program=program))
    return render(request, "meetings/calendar.html", {"program": program, "stops": stops, "stop": stop})


@staff_required
@require_GET
def calendar_events(request, program_id):
    program = _program(request, program_id)
    key = page_key(
        "calendar-events",
        request.council.pk,
        request.council.data_version,
        program.pk,
        request.GET.urlencode(),
        translation.get_language(),
    )

    def build():
        query = CalendarQueryForm(request.GET, program=program)
        stop = _stop(program, query)
        start, end = query.cleaned_data["start"], query.cleaned_data["end"]
        events = events_for_stop(program=program, stop=stop, start=start, end=end)
        return json.dumps(events, cls=DjangoJSONEncoder, separators=(",", ":"))

    return conditional_content(request, key, build, content_type="application/json")


@staff_required
@require_GET
def agenda(request, program_id):
    program = _program(request, program_id)
    return render(request, "meetings/agenda.html", {"program": program, "days": agenda_days(program)})


def _render_form(request, form, *, program, item=None, conflicts=(), stale=None, clashes=(), resolutions=None):
    context = {
        "form": form,
        "program": program,
        "item": item,
        "conflicts": conflicts,
        "has_hard_conflicts": bool(hard(conflicts)),
        "stale": stale,
        "clashes": clashes,
        "resolutions": resolutions or {},
        # Before a move of a confirmed item is saved, the page says who will hear of it.
        "told": who_will_be_told(item) if item is not None and item.pk else [],
    }
    return render(request, "meetings/item_form.html", context)


def _resolutions(request):
    """Whose value stays, for each field two people changed (``resolve_<field>``: ``mine`` or ``theirs``)."""
    return {
        name: request.POST[f"resolve_{name}"]
        for name in services.EDITABLE_FIELDS
        if request.POST.get(f"resolve_{name}") in ("mine", "theirs")
    }


@staff_required
def item_new(request, program_id):
    program = _program(request, program_id)
    search_url = reverse("meetings:contact_search", kwargs={"program_id": program.pk})
    if request.method == "POST":
        form = ItemForm(
            request.POST, instance=ItineraryItem(program=program), program=program, contacts_search_url=search_url
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    item, found = services.create_item(
                        program=program,
                        data=form.item_data(),
                        user=request.user,
                        override_reason=form.cleaned_data["override_reason"],
                    )
                    # Audited here, in the change's transaction: the item service itself knows no request.
                    record(request=request, action="create item", obj=item, details={"program": program.pk})
            except services.ConflictsNeedOverride as error:
                return _render_form(request, form, program=program, conflicts=error.conflicts)
            messages.success(request, _("“%(title)s” is on the itinerary.") % {"title": item.title})
            _warn(request, found)
            return redirect(_calendar_url(program, item.stop))
        return _render_form(request, form, program=program)
    query = NewItemQueryForm(request.GET, program=program)
    initial = {}
    if query.is_valid():
        initial = {name: value for name, value in query.cleaned_data.items() if value}
        initial["starts_at"], initial["ends_at"] = initial.pop("start", None), initial.pop("end", None)
    form = ItemForm(initial=initial, program=program, contacts_search_url=search_url)
    return _render_form(request, form, program=program)


@staff_required
def item_edit(request, item_id):
    item = _item(request, item_id)
    program = item.program
    search_url = reverse("meetings:contact_search", kwargs={"program_id": program.pk})
    if request.method != "POST":
        form = ItemForm(instance=item, program=program, contacts_search_url=search_url)
        return _render_form(request, form, program=program, item=item)
    form = ItemForm(request.POST, instance=item, program=program, contacts_search_url=search_url)
    if not form.is_valid():
        return _render_form(request, form, program=program, item=item)
    base = services.read_base(form.cleaned_data["base"])
    resolutions = _resolutions(request)
    try:
        with transaction.atomic():
            version = item.version
            item, found = services.update_item(
                item=item,
                data=form.item_data(),
                expected_version=form.cleaned_data["version"] or 0,
                base=base,
                resolutions=resolutions,
                user=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
            _record_item_change(request, "edit item", item, version)
    except services.ConflictsNeedOverride as error:
        return _render_form(request, form, program=program, item=item, conflicts=error.conflicts)
    except services.EditConflict as conflict:
        # Nothing was saved. The editor's input stays in the form, their base too: on the next save, what only
        # others changed is kept, what only they changed is applied, and each clash goes the way they choose.
        return _render_form(
            request, form, program=program, item=conflict.item, clashes=conflict.clashes, resolutions=resolutions
        )
    except services.StaleItemError as stale:
        # A save without a base (an old page): keep what this person typed, against the version now seen.
        data = request.POST.copy()
        data["version"] = stale.item.version
        data["base"] = services.sign_base(stale.item)
        form = ItemForm(data, instance=stale.item, program=program, contacts_search_url=search_url)
        form.is_valid()
        return _render_form(request, form, program=program, item=item, stale=stale)
    if base is not None and base["version"] + 1 < item.version:
        messages.info(request, _("Someone else saved this item meanwhile: your changes were merged with theirs."))
    messages.success(request, _("“%(title)s” is saved.") % {"title": item.title})
    _warn(request, found)
    return redirect(_calendar_url(program, item.stop))


@staff_required
@require_GET
def item_detail(request, item_id):
    item = item_for_page(_item(request, item_id))
    context = {"item": item, "program": item.program, "conflicts": conflicts_for_item(item)}
    return render(request, "meetings/item_detail.html", context)


def _change_json(change):
    return {
        "user": change.user.get_full_name() or change.user.username if change.user else change.actor_label,
        "at": change.at.isoformat(),
        "changes": change.changes,
    }


@staff_required
@require_POST
def item_move(request, item_id):
    """Drag or resize: JSON in answer. 409 for a stale version or conflicts that need a reason, 400 for bad times."""
    item = _item(request, item_id)
    form = MoveItemForm(request.POST, item=item)
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return JsonResponse({"error": "invalid", "message": " ".join(errors)}, status=400)
    try:
        with transaction.atomic():
            version = item.version
            item, found = services.move_item(
                item=item,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                expected_version=form.cleaned_data["version"],
                base=form.base(),
                user=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
            _record_item_change(request, "move item", item, version)
    except services.EditConflict as conflict:
        message = _("Someone else moved this item since the calendar was loaded; it shows the latest now.")
        changes = [_change_json(change) for change in conflict.item.changes.select_related("user")[:3]]
        return JsonResponse({"error": "stale", "message": message, "changes": changes}, status=409)
    except services.StaleItemError as stale:
        message = _("Someone else changed this item since the calendar was loaded; it shows the latest now.")
        changes = [_change_json(change) for change in stale.changes]
        return JsonResponse({"error": "stale", "message": message, "changes": changes}, status=409)
    except services.ConflictsNeedOverride as error:
        return JsonResponse(
            {
                "error": "conflicts",
                "message": _("This move creates conflicts."),
                "conflicts": [conflict.message for conflict in error.conflicts if conflict.is_hard],
            },
            status=409,
        )
    return JsonResponse({"version": item.version, "warnings": [conflict.message for conflict in found]})


@staff_required
@require_GET
def contact_search(request, program_id):
    """Search as you type: the council's active contacts whose name or organisation matches."""
    _program(request, program_id)
    form = ContactSearchForm(request.GET, council=request.council)
    if not form.is_valid():
        return JsonResponse({"results": []})
    contacts = Contact.objects.filter(organization__council=request.council, active=True).select_related("organization")
    if form.cleaned_data["q"]:
        term = form.cleaned_data["q"]
        contacts = contacts.filter(Q(name__icontains=term) | Q(organization__name__icontains=term))
    if form.cleaned_data["organization"]:
        contacts = contacts.filter(organization=form.cleaned_data["organization"])
    results = [{"id": contact.pk, "label": str(contact)} for contact in contacts[:CONTACT_SEARCH_LIMIT]]
    return JsonResponse({"results": results})
