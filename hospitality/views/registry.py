"""Staff pages of the volunteer registry: list and filters, create and edit, CSV import and export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from councils.access import get_for_council, staff_required
from exchange import spreadsheets
from hospitality import registry_csv, services
from hospitality.forms import CsvImportForm, RegistryFilterForm, VolunteerForm
from hospitality.models import Volunteer
from hospitality.queries import volunteers_for_registry


@staff_required
def volunteer_list(request):
    form = RegistryFilterForm(request.GET or None)
    volunteers = volunteers_for_registry(request.council, **form.filters())
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    return render(request, "hospitality/volunteer_list.html", {"form": form, "page": page})


@staff_required
def volunteer_export(request):
    form = RegistryFilterForm(request.GET or None)
    volunteers = volunteers_for_registry(request.council, **form.filters())
    response = HttpResponse(registry_csv.export_volunteers(volunteers), content_type="text/csv; charset=utf-8")
    filename = f"volunteers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def volunteer_export_xlsx(request):
    form = RegistryFilterForm(request.GET or None)
    volunteers = volunteers_for_registry(request.council, **form.filters())
    rows = registry_csv.volunteer_rows(volunteers)
    filename = f"volunteers-{timezone.localdate():%Y-%m-%d}"
    return spreadsheets.export_response(registry_csv.COLUMNS, rows, format="xlsx", filename=filename)


@staff_required
def volunteer_create(request):
    form = VolunteerForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            volunteer = services.save_volunteer(form=form)
            record(request=request, action="create volunteer", obj=volunteer)
        messages.success(request, _("%(household)s is in the registry.") % {"household": volunteer.household_name})
        return redirect("hospitality:volunteers")
    return render(request, "hospitality/volunteer_form.html", {"form": form})


@staff_required
def volunteer_edit(request, volunteer_id):
    volunteer = get_for_council(Volunteer.objects, request.council, pk=volunteer_id)
    form = VolunteerForm(request.POST or None, council=request.council, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.save_volunteer(form=form)
            record(request=request, action="edit volunteer", obj=volunteer, details={"fields": form.changed_data})
        messages.success(request, _("Saved."))
        return redirect("hospitality:volunteer_edit", volunteer_id=volunteer.pk)
    return render(request, "hospitality/volunteer_form.html", {"form": form, "volunteer": volunteer})


@staff_required
@require_POST
def volunteer_revoke_link(request, volunteer_id):
    volunteer = get_for_council(Volunteer.objects.select_related("user"), request.council, pk=volunteer_id)
    with transaction.atomic():
        revoked = services.revoke_links(volunteer=volunteer)
        if revoked:
            record(request=request, action="revoke volunteer links", obj=volunteer)
    if revoked:
        messages.success(request, _("Every sign-in link sent to this volunteer has stopped working."))
    else:
        messages.info(request, _("This volunteer has not been sent a link yet."))
    return redirect("hospitality:volunteer_edit", volunteer_id=volunteer.pk)


def _record_import(request, report, updates):
    """One event for the import, and one for each volunteer it created or updated (their page shows it)."""
    record(
        request=request,
        action="import volunteers from CSV",
        obj=request.council,
        details={"created": report.created, "updated": report.updated, "rows_with_errors": len(report.errors)},
    )
    for (line, row_form), updated in zip(report.valid, updates, strict=True):
        record(
            request=request,
            action="update volunteer from CSV" if updated else "create volunteer from CSV",
            obj=row_form.instance,
            details={"line": line},
        )


@staff_required
def volunteer_import(request):
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = registry_csv.read_volunteers(form.cleaned_data["file"], council=request.council)
        with transaction.atomic():
            updates = [row_form.instance.pk is not None for _line, row_form in report.valid]
            registry_csv.import_volunteers(report=report, import_valid_rows=form.cleaned_data["import_valid_rows"])
            if report.written:
                _record_import(request, report, updates)
        if report.written:
            messages.success(
                request,
                _("Imported: %(created)s new volunteers, %(updated)s updated (matched by email).")
                % {"created": report.created, "updated": report.updated},
            )
            if not report.errors:
                return redirect("hospitality:volunteers")
    return render(request, "hospitality/volunteer_import.html", {"form": form, "report": report})
