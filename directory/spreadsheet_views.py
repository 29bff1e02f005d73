"""The directory as spreadsheets: every staff member may export it; council admins import into it, as only they
edit host organisations, contacts and venues (in the admin). Rules: ``directory.spreadsheet_import``."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.services import record
from councils.access import council_admin_required, staff_required
from directory import spreadsheet_import as sheets
from directory.models import Contact, HostOrganization, Venue
from exchange import spreadsheets

_AUDIT_NOUNS = {HostOrganization: "host organization", Contact: "contact", Venue: "venue"}


def _export(format, columns, rows, filename):
    if format not in spreadsheets.EXPORT_FORMATS:
        raise Http404
    return spreadsheets.export_response(
        columns, rows, format=format, filename=filename, phone_columns=["phone", "organization_phone"]
    )


@staff_required
def contacts_export(request, format):
    rows = sheets.export_contacts(sheets.contacts_for_export(request.council))
    return _export(format, sheets.CONTACTS, rows, "host-contacts")


@staff_required
def venues_export(request, format):
    rows = sheets.export_venues(sheets.venues_for_export(request.council))
    return _export(format, sheets.VENUES, rows, "venues")


def _record_import(request, action, report):
    """One event for the import, and one on each record it added or changed (its history shows it)."""
    record(
        request=request,
        action=f"import {action}",
        obj=request.council,
        details={"created": report.created, "updated": report.updated, "rows_with_errors": len(report.errors)},
    )
    for line, obj, created in report.saved:
        verb = "create" if created else "update"
        noun = _AUDIT_NOUNS[type(obj)]
        record(request=request, action=f"{verb} {noun} from import", obj=obj, details={"line": line})


def _import_page(request, *, kind, read, write, template, context):
    form = spreadsheets.ImportForm(
        request.POST or None, request.FILES or None, salt=f"directory-{kind}:{request.council.pk}:{request.user.pk}"
    )
    report = None
    if request.method == "POST" and form.is_valid():
        report = read(form.sheet, council=request.council)
        if form.confirmed and form.cleaned_data["plan"] != report.digest:
            messages.warning(request, _("The directory or the file changed since the preview: check it again."))
        elif form.confirmed:
            try:
                with transaction.atomic():
                    write(report=report)
                    _record_import(request, kind, report)
            except IntegrityError:  # a name added by someone else since the file was read: nothing was written
                messages.error(request, _("The directory changed during the import: nothing was written. Try again."))
                report = read(form.sheet, council=request.council)
                carried = form.carried(report.digest)
                return render(request, template, {"form": form, "report": report, "carried": carried, **context})
            messages.success(
                request,
                _("Imported: %(created)s added, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            if not report.errors:
                return redirect("directory:list")
    carried = form.carried(report.digest) if report and not report.written else {}
    return render(request, template, {"form": form, "report": report, "carried": carried, **context})


@council_admin_required
def contacts_import(request):
    context = {
        "columns": sheets.CONTACTS,
        "required": sheets.CONTACTS_REQUIRED,
        "key_help": _(
            "Organizations are found by name. A contact is found by contact_id, else by email, else by name "
            "within its organization; others are added. An empty organization cell never clears a value."
        ),
    }
    return _import_page(
        request,
        kind="host contacts",
        read=sheets.read_contacts,
        write=sheets.import_contacts,
        template="directory/contacts_import.html",
        context=context,
    )


@council_admin_required
def venues_import(request):
    context = {
        "columns": sheets.VENUES,
        "required": sheets.VENUES_REQUIRED,
        "key_help": _("A venue is found by id, else by name; others are added."),
    }
    return _import_page(
        request,
        kind="venues",
        read=sheets.read_venues,
        write=sheets.import_venues,
        template="directory/venues_import.html",
        context=context,
    )
