"""Spreadsheets in and out: read an uploaded CSV or XLSX file as rows with their line numbers, write rows as CSV or
XLSX with formula cells neutralised.

Reading (``read``) is the same for every import of the project (participants, the directory, venues, volunteers):

1. the file must be at most ``MAX_BYTES`` and be CSV (UTF-8, comma, semicolon or tab separated: spreadsheets in
   Spanish, Portuguese and French locales save CSV with semicolons) or an XLSX workbook (its first sheet);
2. the first non-empty row names the columns; names are compared after ``normalise_header`` ("E-mail address",
   "email_address" and "EMAIL ADDRESS" are one column);
3. every other non-empty row becomes a ``Row`` with its line number: the CSV line it starts on (a quoted cell may
   span lines) or the sheet's row number, as the person who fixes the file sees it;
4. a cell that an export neutralised (a quote before ``=``, ``+``, ``-`` or ``@``) is read back without the quote.

An XLSX file is a zip archive; one that would unpack to more than ``MAX_UNPACKED_BYTES`` or that holds more than
``MAX_ROWS`` rows is refused before it costs the server its memory.

Writing (``export_response``): CSV cells go through ``exchange.csv_safe``; XLSX cells that start like a formula are
written as text cells (with the "quote prefix" style Excel itself uses for text typed after an apostrophe), so
neither Excel nor LibreOffice runs them, and the import reads them back unchanged.
"""

import base64
import csv
import dataclasses
import datetime as dt
import decimal
import functools
import hashlib
import io
import json
import re
import unicodedata
import zipfile

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core import signing
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange import csv_safe

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_NOT_WORD = re.compile(r"[^0-9a-z]+")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a spreadsheet; the message says why, for the person who uploaded it."""


@dataclasses.dataclass(frozen=True)
class Row:
    line: int
    values: dict  # normalised column name -> text, stripped
    extra_cells: bool = False  # more cells than the header names

    def get(self, column, default=""):
        return self.values.get(column, default)


@dataclasses.dataclass
class Sheet:
    kind: str  # "csv" or "xlsx"
    columns: list  # normalised names, in the file's order
    header_line: int
    rows: list


def normalise_header(text):
    """Lower case, no accents, words joined by "_": how column names are compared."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return _NOT_WORD.sub("_", text).strip("_")


def _text(value):
    """A cell's value as the text a person typed: dates in ISO, whole numbers without ".0", booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[1:] if csv_safe.is_neutralised(text) else text


def _csv_lines(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” or as an Excel workbook (.xlsx).")
        ) from None
    if "\x00" in text:
        raise SpreadsheetError(_("The file is neither CSV nor an Excel workbook (.xlsx)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        # A quoted cell may span lines: the row starts where the previous one ended.
        start, line = line, reader.line_num + 1
        yield start, cells


def _xlsx_lines(content):
    from openpyxl import load_workbook  # only imports pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpreadsheetError(_("The workbook is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file  # noqa: BLE001
        raise SpreadsheetError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    try:
        if not workbook.worksheets:
            return
        rows = workbook.worksheets[0].iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        # The reader fills missing rows with empty ones, so the count is the sheet's row number.
        for number, cells in enumerate(rows, start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def read(content, *, filename=""):
    """The ``Sheet`` of a CSV or XLSX file's bytes; raises ``SpreadsheetError`` for what is neither or too large."""
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    name = filename.lower()
    if content.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise SpreadsheetError(_("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV."))
    if content.startswith(_ZIP_MAGIC):
        kind, lines = "xlsx", _xlsx_lines(content)
    elif name.endswith((".xlsx", ".xlsm", ".ods", ".zip", ".pdf", ".doc", ".docx")):
        raise SpreadsheetError(_("The file is neither CSV nor an Excel workbook (.xlsx)."))
    else:
        kind, lines = "csv", _csv_lines(content)
    columns, header_line, rows = None, 0, []
    for line, cells in lines:
        texts = [_text(cell) for cell in cells]
        if not any(texts):
            continue
        if columns is None:
            columns, header_line = [normalise_header(text) for text in texts[:MAX_COLUMNS]], line
            while columns and not columns[-1]:  # trailing empty header cells
                columns.pop()
            continue
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetError(_("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS})
        named = texts[: len(columns)]
        extra = any(texts[len(columns) :])
        rows.append(Row(line=line, values=dict(zip(columns, named, strict=False)), extra_cells=extra))
    if columns is None:
        raise SpreadsheetError(_("The file is empty."))
    return Sheet(kind=kind, columns=columns, header_line=header_line, rows=rows)


# The columns of an import


@dataclasses.dataclass(frozen=True)
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self):
        return f"{self.column}: {self.message}" if self.column else self.message


def match_columns(sheet, *, known, required, aliases=None):
    """Rename the sheet's columns to the import's names (``aliases`` maps other normalised names to them) and
    return the header's errors: missing required columns, unknown and repeated ones (all on the header's line)."""
    aliases = aliases or {}
    renamed = [aliases.get(column, column) for column in sheet.columns]
    errors = []
    missing = [column for column in required if column not in renamed]
    unknown = [column for column in renamed if column and column not in known]
    repeated = sorted({column for column in renamed if column and renamed.count(column) > 1})
    blank = renamed.count("")
    line = sheet.header_line
    if missing:
        errors.append(RowError(line, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))
    if unknown:
        errors.append(RowError(line, _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}))
    if repeated:
        errors.append(RowError(line, _("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)}))
    if blank:
        errors.append(RowError(line, _("A column has no name.")))
    if not errors and renamed != sheet.columns:
        mapping = dict(zip(sheet.columns, renamed, strict=True))
        sheet.columns = renamed
        sheet.rows = [
            dataclasses.replace(row, values={mapping[key]: value for key, value in row.values.items()})
            for row in sheet.rows
        ]
    return errors


def form_errors(line, form):
    """A ``RowError`` for each message of a bound form, named by its column."""
    return [
        RowError(line, str(message), column="" if field == "__all__" else field)
        for field, messages in form.errors.items()
        for message in messages
    ]


YES = {"yes", "y", "true", "1", "si", "sí", "sim", "oui", "x"}
NO = {"no", "n", "false", "0", "nao", "não", "non", ""}


def parse_bool(text):
    """True or False for a yes/no cell in any of the site's languages; None for anything else."""
    word = text.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def yes_no(value):
    return "yes" if value else "no"


def choice_value(text, choices):
    """The value of ``choices`` (``(value, label)`` pairs) that ``text`` names: the value itself, or its label in
    any of the site's languages ("es", "Spanish", "Español", "espagnol"); None when none matches."""
    key = normalise_header(text)
    for value, _label in choices:
        if key == normalise_header(value):
            return value
    for value, label in choices:
        if key in _labels(value, label):
            return value
    return None


@functools.cache
def _labels(value, label):
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalise_header(str(label)))
    info = LANG_INFO.get(str(value))
    if info:
        names.update(normalise_header(info[key]) for key in ("name", "name_local") if key in info)
    return names


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


@dataclasses.dataclass
class Planned:
    """One valid row and what importing it does: create a record, update some of its fields, or nothing."""

    line: int
    label: str
    obj: object = None  # the record it updates, None for a new one
    changes: list = dataclasses.field(default_factory=list)  # (column, old text, new text)
    form: object = None  # the validated form that saves it
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def action(self):
        if self.obj is None:
            return "create"
        return "update" if self.changes else "unchanged"


@dataclasses.dataclass
class ImportReport:
    """What a file would do (a preview) and, once written, what it did. Errors are in file order."""

    errors: list = dataclasses.field(default_factory=list)
    planned: list = dataclasses.field(default_factory=list)
    created: int = 0
    updated: int = 0
    written: bool = False

    def add_errors(self, errors):
        self.errors.extend(errors)

    @property
    def lines_with_errors(self):
        return sorted({error.line for error in self.errors})

    @property
    def to_create(self):
        return [row for row in self.planned if row.action == "create"]

    @property
    def to_update(self):
        return [row for row in self.planned if row.action == "update"]

    @property
    def unchanged(self):
        return [row for row in self.planned if row.action == "unchanged"]

    @property
    def to_write(self):
        return [row for row in self.planned if row.action != "unchanged"]

    @property
    def digest(self):
        """A fingerprint of what the preview shows: who is created or changed, from what to what."""
        seen = [
            (row.line, getattr(row.obj, "pk", None), row.label, [list(change) for change in row.changes])
            for row in self.planned
        ]
        seen.append([[error.line, str(error)] for error in self.errors])
        return hashlib.sha256(json.dumps(seen, default=str).encode()).hexdigest()[:32]


def duplicate_error(line, column, value, first_line):
    return RowError(
        line, _("“%(value)s” is also on line %(line)s.") % {"value": value, "line": first_line}, column=column
    )


# Writing


def _csv_bytes(columns, rows, phone_columns):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [csv_safe.cell(value, phone=column in phone_columns) for column, value in zip(columns, row, strict=True)]
        )
    return out.getvalue().encode("utf-8")


def _xlsx_bytes(columns, rows):
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.append(columns)
    for row_number, row in enumerate(rows, start=2):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
                cell.value = value
                continue
            text = "" if value is None else str(value)
            cell.value = text or None
            if text.startswith(csv_safe.FORMULA_START):
                # openpyxl takes text that starts with "=" for a formula: make it a text cell again.
                cell.value = text
                cell.data_type = TYPE_STRING
                cell.quotePrefix = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


EXPORT_FORMATS = ("csv", "xlsx")


def export_response(columns, rows, *, format, filename, phone_columns=()):
    """A download of ``rows`` (sequences of values in ``columns`` order) as CSV or XLSX, formulas neutralised."""
    if format == "xlsx":
        response = HttpResponse(_xlsx_bytes(columns, list(rows)), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(_csv_bytes(columns, rows, set(phone_columns)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{format}"'
    return response


# The upload form: a file to preview, then the same file (carried in the page, signed) to import


class ImportForm(forms.Form):
    """Upload a file for a preview, or import the previewed one.

    The previewed file travels back in ``upload``, signed for the council and user who sent it (``salt``), so staff
    import what they saw without uploading it again, and nothing is kept on the server in between. ``plan`` is the
    digest of what the preview showed: if the records changed meanwhile, the import stops and shows the new
    preview instead of overwriting the newer edits.
    """

    MAX_AGE = 60 * 60

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        required=False,
        help_text=gettext_lazy("CSV (UTF-8) or Excel workbook (.xlsx), at most 2 MB; the first row names the columns."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv," + XLSX_CONTENT_TYPE, "class": "form-control"}),
    )
    upload = forms.CharField(required=False, widget=forms.HiddenInput)
    plan = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, salt, **kwargs):
        super().__init__(*args, **kwargs)
        self.salt = f"exchange.spreadsheets:{salt}"
        self.sheet = None
        self.filename = ""

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if self.has_error("file"):
            return data
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}
                )
            self.filename, content = upload.name, upload.read()
            data["confirm"] = False  # a new file is always previewed first
        elif data.get("upload"):
            try:
                carried = signing.loads(data["upload"], salt=self.salt, max_age=self.MAX_AGE)
            except signing.SignatureExpired:
                raise forms.ValidationError(_("The preview is more than an hour old: upload the file again.")) from None
            except signing.BadSignature:
                raise forms.ValidationError(_("The preview could not be read: upload the file again.")) from None
            self.filename, content = carried["name"], base64.b64decode(carried["content"])
        else:
            raise forms.ValidationError(_("Choose a file to upload."))
        try:
            self.sheet = read(content, filename=self.filename)
        except SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from None
        data["upload"] = signing.dumps(
            {"name": self.filename, "content": base64.b64encode(content).decode()}, salt=self.salt, compress=True
        )
        return data

    @property
    def confirmed(self):
        return bool(self.cleaned_data.get("confirm"))

    def carried(self, plan):
        """The hidden fields of the "import" button under the preview."""
        return {"upload": self.cleaned_data["upload"], "plan": plan, "confirm": "on"}
