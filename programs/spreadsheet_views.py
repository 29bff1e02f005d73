"""The delegation as a spreadsheet: export it, import a file with a preview (rules: ``programs.participant_import``)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange import spreadsheets
from programs import participant_import
from programs.models import Program


@staff_required
def participant_export(request, program_id, format):
    if format not in spreadsheets.EXPORT_FORMATS:
        raise Http404
    program = get_for_council(Program.objects, request.council, pk=program_id)
    rows = participant_import.export_rows(participant_import.participants_for_export(program))
    return spreadsheets.export_response(
        participant_import.COLUMNS,
        rows,
        format=format,
        filename=f"participants-{program.pk}",
        phone_columns=["phone"],
    )


def _record_import(request, program, report):
    """One event for the import, and one on each participant it added or changed (their timeline shows it)."""
    record(
        request=request,
        action="import participants",
        obj=program,
        details={"created": report.created, "updated": report.updated, "rows_with_errors": len(report.errors)},
    )
    for planned in report.to_write:
        record(
            request=request,
            action="create participant from import" if planned.obj is None else "update participant from import",
            obj=planned.form.instance,
            details={"program": program.pk, "line": planned.line, "fields": [c[0] for c in planned.changes]},
        )


@staff_required
def participant_import_page(request, program_id):
    program = get_for_council(Program.objects.select_related("council"), request.council, pk=program_id)
    form = spreadsheets.ImportForm(
        request.POST or None, request.FILES or None, salt=f"participants:{program.pk}:{request.user.pk}"
    )
    report = None
    if request.method == "POST" and form.is_valid():
        report = participant_import.read_participants(form.sheet, program=program)
        if form.confirmed and form.cleaned_data["plan"] != report.digest:
            messages.warning(request, _("The delegation or the file changed since the preview: check it again."))
        elif form.confirmed:
            with transaction.atomic():
                participant_import.import_participants(program=program, report=report)
                _record_import(request, program, report)
            messages.success(
                request,
                _("Imported: %(created)s participants added, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            if not report.errors:
                return redirect("programs:participants", program_id=program.pk)
    context = {
        "program": program,
        "form": form,
        "report": report,
        "carried": form.carried(report.digest) if report and not report.written else {},
        "columns": participant_import.COLUMNS,
        "required": participant_import.REQUIRED_COLUMNS,
        "key_help": _("A row with the id of a participant, or else their email, updates them; others are added."),
    }
    return render(request, "programs/participant_import.html", context)
