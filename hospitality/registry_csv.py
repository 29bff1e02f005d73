"""The volunteer registry as a spreadsheet: export the filtered list (CSV or XLSX), import a CSV or XLSX file with a
report of every bad row (read by ``exchange.spreadsheets``; column names in any case).

Import rules: every row is validated with the same form staff use; a file with any bad row writes nothing
unless staff ask to import the valid rows. A row whose email already belongs to a volunteer of the council
updates that volunteer (the email is the identity of a household within a council).
"""

import csv
import dataclasses
import io

from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from exchange import csv_safe, phones, spreadsheets
from hospitality import services
from hospitality.forms import VolunteerForm
from hospitality.models import Volunteer

COLUMNS = [
    "household_name",
    "contact_name",
    "email",
    "phone",
    "address",
    "city",
    "languages",
    "preferred_language",
    "max_guests",
    "dietary_accommodations",
    "accessibility",
    "pets",
    "vetting_status",
    "vetted_on",
    "available_weekdays",
    "available_dates",
    "active",
    "notes",
]
REQUIRED_COLUMNS = ["household_name", "contact_name", "email"]
_WEEKDAY_NAMES = {name: number for number, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], 1)}
_TRUE, _FALSE = {"yes", "y", "true", "1", "active"}, {"no", "n", "false", "0", "inactive"}


# Export


def volunteer_rows(volunteers):
    """The cells of volunteers (with ``available_dates`` prefetched), in the columns the import reads.

    A phone number is written in E.164, which the import reads back whatever the council's country; a number kept
    as typed stays so.
    """
    for volunteer in volunteers:
        values = {field: getattr(volunteer, field) for field in COLUMNS if hasattr(volunteer, field)}
        values["available_weekdays"] = " ".join(str(day) for day in volunteer.available_weekdays)
        values["available_dates"] = " ".join(str(a.date) for a in volunteer.available_dates.all())
        values["vetted_on"] = volunteer.vetted_on.isoformat() if volunteer.vetted_on else ""
        values["active"] = "yes" if volunteer.active else "no"
        values["phone"] = volunteer.phone.as_e164 if phones.is_dialable(volunteer.phone) else (volunteer.phone or "")
        yield [str(values[field]) for field in COLUMNS]


def export_volunteers(volunteers):
    """CSV text of ``volunteer_rows``. Text that a spreadsheet would run as a formula is quoted
    (``exchange.csv_safe``); a phone number keeps its "+"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in volunteer_rows(volunteers):
        writer.writerow(
            [csv_safe.cell(value, phone=field == "phone") for field, value in zip(COLUMNS, row, strict=True)]
        )
    return out.getvalue()


# Import


@dataclasses.dataclass
class RowError:
    line: int
    message: str


@dataclasses.dataclass
class ImportReport:
    errors: list = dataclasses.field(default_factory=list)
    valid: list = dataclasses.field(default_factory=list)  # (line, form) pairs ready to save
    created: int = 0
    updated: int = 0
    written: bool = False

    @property
    def rows(self):
        return len(self.valid) + len({error.line for error in self.errors if error.line > 1})


def _weekdays(text):
    days = []
    for word in text.replace(",", " ").replace(";", " ").split():
        word = word.strip().lower()
        days.append(str(_WEEKDAY_NAMES.get(word[:3], word)))
    return days


def _row_data(row):
    # Cells as the export wrote them: ``exchange.spreadsheets`` already removed the quote before a formula start.
    data = {key: (row.get(key) or "").strip() for key in COLUMNS if key in row}
    active = data.pop("active", "").lower()
    if active in _FALSE:
        data["active"] = ""
    elif active in _TRUE or not active:
        data["active"] = "on"
    else:
        data["active"] = active  # refused below
    data.setdefault("preferred_language", "en")
    data.setdefault("max_guests", "2")
    data.setdefault("vetting_status", "not_started")
    multi = MultiValueDict({key: [value] for key, value in data.items()})
    multi.setlist("available_weekdays", _weekdays(data.get("available_weekdays", "")))
    return multi, active


def read_volunteers(source, *, council):
    """Validate every row of ``source`` (an ``exchange.spreadsheets.Sheet``, or CSV text); nothing is written.

    Line numbers are the file's: the header is line 1 of a CSV file, a workbook's rows keep the sheet's numbers.
    """
    report = ImportReport()
    sheet = spreadsheets.read(source.encode(), filename="volunteers.csv") if isinstance(source, str) else source
    header_errors = spreadsheets.match_columns(sheet, known=COLUMNS, required=REQUIRED_COLUMNS)
    if header_errors:
        report.errors.extend(RowError(error.line, error.message) for error in header_errors)
        return report
    existing = {volunteer.email.lower(): volunteer for volunteer in Volunteer.objects.filter(council=council)}
    seen = {}
    for sheet_row in sheet.rows:
        start, row = sheet_row.line, sheet_row.values
        if sheet_row.extra_cells:
            report.errors.append(RowError(start, _("More cells than columns.")))
            continue
        data, active = _row_data(row)
        email = data.get("email", "").lower()
        if email and email in seen:
            message = _("The email %(email)s is also on line %(line)s.") % {"email": email, "line": seen[email]}
            report.errors.append(RowError(start, message))
            continue
        seen[email] = start
        form = VolunteerForm(data, council=council, instance=existing.get(email))
        problems = [(field, message) for field, messages in form.errors.items() for message in messages]
        if data["active"] not in ("", "on"):
            problems.append(("active", _("“%(value)s” is not yes or no.") % {"value": active}))
        if not problems:
            report.valid.append((start, form))
        for field, message in problems:
            report.errors.append(RowError(start, f"{field}: {message}"))
    return report


def import_volunteers(*, report, import_valid_rows=False):
    """Write the valid rows of ``report`` in one transaction; nothing at all if it has errors and staff did
    not ask for the valid rows. Returns the report with what was written."""
    if report.errors and not import_valid_rows:
        return report
    with transaction.atomic():
        for _line, form in report.valid:
            is_update = form.instance.pk is not None
            services.save_volunteer(form=form)
            if is_update:
                report.updated += 1
            else:
                report.created += 1
    report.written = True
    return report
