"""Pages of the exchange with the agency: what it sent (program request, rooming list, edited itineraries) and
what it was sent (the numbered itinerary versions of each segment)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agency_exchange import edits, exports, files, itinerary, received
from agency_exchange.access import edit_for, party_required, segment_for, version_for
from agency_exchange.enums import ReceivedKind
from agency_exchange.forms import DecisionForm, EditUploadForm, ReceivedUploadForm, SendVersionForm
from agency_exchange.models import ProposedChange, ReceivedVersion
from audit.services import record
from journeys.access import agency_required, national_program_for_agency
from meetings.services import ConflictsNeedOverride


def _council_only(request):
    if request.council is None:
        raise PermissionDenied


# The agency's side


@agency_required
def program(request, national_program_id):
    national_program = national_program_for_agency(request.agency, national_program_id)
    form = ReceivedUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            upload = files.read(
                form.cleaned_data["file"], list_key="travellers" if kind == ReceivedKind.PROGRAM_REQUEST else "rooms"
            )
        except files.FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            if kind == ReceivedKind.PROGRAM_REQUEST:
                report = received.read_request(
                    national_program=national_program, upload=upload, objectives=form.cleaned_data["objectives"]
                )
            else:
                report = received.read_rooming_list(national_program=national_program, upload=upload)
            if not report.errors:
                version = received.receive(
                    national_program=national_program,
                    report=report,
                    file_name=form.cleaned_data["file"].name,
                    user=request.user,
                )
                messages.success(
                    request,
                    _("%(kind)s version %(number)s is received. Check what changed, then apply it.")
                    % {"kind": version.get_kind_display(), "number": version.number},
                )
                return redirect("agency_exchange:received", received_id=version.pk)
    segments = list(
        national_program.segments.select_related("council").prefetch_related("agency_versions", "agency_edits")
    )
    return render(
        request,
        "agency_exchange/program.html",
        {
            "national_program": national_program,
            "form": form,
            "report": report,
            "received_versions": list(national_program.received_versions.order_by("kind", "-number")),
            "segments": segments,
        },
    )


def _received(request, received_id):
    version = get_object_or_404(
        ReceivedVersion.objects.select_related("national_program__agency"),
        pk=received_id,
        national_program__agency=request.agency,
    )
    return version


@agency_required
def received_version(request, received_id):
    version = _received(request, received_id)
    return render(
        request,
        "agency_exchange/received.html",
        {
            "version": version,
            "national_program": version.national_program,
            "changes": received.changes_between(received.previous_of(version), version),
        },
    )


@agency_required
@require_POST
def apply(request, received_id):
    with transaction.atomic():
        version = received.apply_version(version=_received(request, received_id), user=request.user)
        summary = version.applied_summary
        # Applying writes to the delegations of the councils that accepted: each council's log shows it.
        for accepted in version.national_program.segments.filter(program__isnull=False).select_related("council"):
            record(
                request=request,
                action=f"apply agency's {version.kind.replace('_', ' ')}",
                obj=version,
                details={"number": version.number, "program": accepted.program_id, **summary},
                council=accepted.council,
            )
    messages.success(
        request,
        _("Applied: %(created)s added, %(updated)s updated, %(removed)s removed; %(participants)s participant records.")
        % summary,
    )
    for problem in summary["not_applied"]:
        messages.warning(request, problem)
    return redirect("agency_exchange:received", received_id=version.pk)


# Both sides: a segment's versions and edits


@party_required
def segment(request, segment_id):
    segment = segment_for(request, segment_id)
    return _segment_page(request, segment, EditUploadForm(), SendVersionForm())


def _segment_page(request, segment, upload_form, send_form, report=None):
    return render(
        request,
        "agency_exchange/segment.html",
        {
            "segment": segment,
            "national_program": segment.national_program,
            "versions": list(segment.agency_versions.order_by("-number")),
            "edits": list(segment.agency_edits.select_related("based_on").order_by("-uploaded_at", "-pk")),
            "upload_form": upload_form,
            "send_form": send_form,
            "report": report,
            "is_council": request.council is not None,
        },
    )


@party_required
@require_POST
def send_version(request, segment_id):
    _council_only(request)
    segment = segment_for(request, segment_id)
    form = SendVersionForm(request.POST)
    if segment.program is None or not form.is_valid():
        messages.error(request, _("The itinerary could not be sent."))
        return redirect("agency_exchange:segment", segment_id=segment.pk)
    with transaction.atomic():
        version = itinerary.send_version(
            segment=segment, reason=form.cleaned_data["reason"], user=request.user, note=form.cleaned_data["note"]
        )
        record(request=request, action="send itinerary to agency", obj=version, details={"number": version.number})
    messages.success(request, _("Version %(number)s is sent to the agency.") % {"number": version.number})
    return redirect("agency_exchange:segment", segment_id=segment.pk)


@party_required
@require_POST
def edit_upload(request, segment_id):
    segment = segment_for(request, segment_id)
    form = EditUploadForm(request.POST, request.FILES)
    if segment.program is None:
        raise Http404
    report = None
    if form.is_valid():
        try:
            upload = files.read(form.cleaned_data["file"], list_key="items")
        except files.FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            report = edits.read_edit(segment=segment, upload=upload)
            if not report.errors:
                with transaction.atomic():
                    edit = edits.record_edit(
                        segment=segment, report=report, file_name=form.cleaned_data["file"].name, user=request.user
                    )
                    record(
                        request=request,
                        action="receive agency's edited itinerary",
                        obj=edit,
                        details={"changes": len(report.proposals)},
                        council=segment.council,
                    )
                count = len(report.proposals)
                message = ngettext("%(count)s difference to decide.", "%(count)s differences to decide.", count)
                messages.success(request, message % {"count": count})
                return redirect("agency_exchange:edit", edit_id=edit.pk)
    return _segment_page(request, segment, form, SendVersionForm(), report)


@party_required
def version(request, agency_version_id):
    version = version_for(request, agency_version_id)
    return render(
        request,
        "agency_exchange/version.html",
        {
            "version": version,
            "segment": version.segment,
            "rows": itinerary.rows_of(version),
            "formats": exports.FORMATS,
        },
    )


@party_required
def version_export(request, agency_version_id, format):
    version = version_for(request, agency_version_id)
    if format not in exports.FORMATS:
        raise Http404
    return exports.export_response(version, format=format)


@party_required
def edit(request, edit_id):
    edit = edit_for(request, edit_id)
    changes = list(edit.changes.select_related("item__stop", "item__venue", "item__host_organization", "decided_by"))
    for change in changes:
        change.lines = edits.lines_of(change)
    return render(
        request,
        "agency_exchange/edit.html",
        {
            "edit": edit,
            "segment": edit.segment,
            "changes": changes,
            "is_council": request.council is not None,
        },
    )


@party_required
@require_POST
def decide(request, change_id):
    _council_only(request)
    change = get_object_or_404(
        ProposedChange.objects.select_related("edit__segment"), pk=change_id, edit__segment__council=request.council
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or reject the change."))
        return redirect("agency_exchange:edit", edit_id=change.edit_id)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        with transaction.atomic():
            outcome = edits.decide(
                change_id=change.pk,
                segment=change.edit.segment,
                accept=accept,
                user=request.user,
                overwrite=form.cleaned_data["overwrite"],
            )
            record(
                request=request,
                action="accept agency change" if accept else "reject agency change",
                obj=outcome.change,
                details={"decision": outcome.change.decision, "item": outcome.change.item_id},
            )
    except ConflictsNeedOverride as blocked:
        for conflict in blocked.conflicts:
            messages.error(request, conflict.message)
        messages.error(request, _("Not accepted: it would clash with the schedule. Arrange it on the calendar."))
        return redirect("agency_exchange:edit", edit_id=change.edit_id)
    for conflict in outcome.conflicts:
        messages.warning(request, conflict.message)
    if outcome.change.note:
        messages.warning(request, outcome.change.note)
    else:
        messages.success(
            request,
            _("%(title)s: %(decision)s.")
            % {"title": outcome.change.title, "decision": outcome.change.get_decision_display()},
        )
    return redirect("agency_exchange:edit", edit_id=change.edit_id)
