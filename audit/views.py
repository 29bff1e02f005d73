import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit import privacy, timeline
from audit.forms import EraseForm
from audit.models import AuditEvent
from audit.services import record
from councils.access import council_admin_required, get_for_council, staff_required
from directory.models import Contact
from hospitality.models import Volunteer
from programs.models import Participant

PEOPLE = {
    "participant": (Participant, "program__council", privacy.export_participant, privacy.erase_participant),
    "volunteer": (Volunteer, "council", privacy.export_volunteer, privacy.erase_volunteer),
    "contact": (Contact, "organization__council", privacy.export_contact, privacy.erase_contact),
}


@council_admin_required
def log(request):
    events = AuditEvent.objects.filter(council=request.council).select_related("user")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})


@staff_required
def person(request, kind, person_id):
    """A participant's, volunteer's or host contact's page: their details and timeline; export and erasure for
    the council's admins. Staff of another council get a 404."""
    if kind not in timeline.KINDS:
        raise Http404
    spec = timeline.KINDS[kind]
    person = get_for_council(
        timeline.person_queryset(kind), request.council, council_lookup=spec.council_lookup, pk=person_id
    )
    context = {
        "kind": kind,
        "person": person,
        "entries": timeline.timeline(request.council, kind, person),
        "limit": timeline.LIMIT,
        "time_zone": request.council.time_zone,
        "is_admin": request.user.membership.is_admin,
    }
    return render(request, "audit/person.html", context)


def _person(request, kind, person_id):
    if kind not in PEOPLE:
        raise Http404
    model, council_lookup, export, erase = PEOPLE[kind]
    person = get_for_council(model.objects, request.council, council_lookup=council_lookup, pk=person_id)
    return person, export, erase


@council_admin_required
def export(request, kind, person_id):
    person, export_data, _erase = _person(request, kind, person_id)
    with transaction.atomic():
        record(request=request, action="export personal data", obj=person)
    response = HttpResponse(
        json.dumps(export_data(person), indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{person.pk}.json"'
    return response


@council_admin_required
def erase(request, kind, person_id):
    person, _export, erase_person = _person(request, kind, person_id)
    form = EraseForm(request.POST or None, expected=person.email or str(person.pk))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            record(request=request, action="erase personal data", obj=person)
            erase_person(**{kind: person})
        messages.success(request, _("The personal data was erased."))
        return redirect("audit:log")
    return render(request, "audit/erase.html", {"form": form, "person": person, "kind": kind})
