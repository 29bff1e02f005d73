"""Files from the agency: CSV or XLSX (read by ``exchange.spreadsheets``) or JSON, as rows with line numbers.

Every bad row is reported by where it is in the file: a CSV line (the header is line 1), an XLSX sheet row, or a
JSON entry (its position in the list, the first is 1). Column names are compared after
``spreadsheets.normalise_header``, so the headers of our own exports read back.
"""

import dataclasses
import json

from django.utils.translation import gettext as _

from exchange import spreadsheets

MAX_BYTES = spreadsheets.MAX_BYTES
JSON = "json"


class FileRefused(Exception):
    """The file as a whole cannot be read (its type, size, encoding or shape); ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class Upload:
    format: str  # "csv", "xlsx" or "json"
    columns: set  # the normalised column names the file has
    rows: list  # (line, {column: text}) pairs; a JSON entry that is not an object is (line, None)
    document: dict = dataclasses.field(default_factory=dict)  # a JSON document's other keys ("objectives")


def _json_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _json(content, list_key):
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileRefused(_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as error:
        raise FileRefused(_("The file is not valid JSON (line %(line)s).") % {"line": error.lineno}) from None
    if isinstance(document, list):
        document = {list_key: document}
    if not isinstance(document, dict) or not isinstance(document.get(list_key), list):
        raise FileRefused(_("The JSON document needs a list named “%(key)s”.") % {"key": list_key})
    rows, columns = [], set()
    for number, entry in enumerate(document[list_key], start=1):
        if not isinstance(entry, dict):
            rows.append((number, None))
            continue
        values = {spreadsheets.normalise_header(key): _json_text(value) for key, value in entry.items()}
        columns |= set(values)
        rows.append((number, values))
    others = {key: value for key, value in document.items() if key != list_key}
    return Upload(JSON, columns, rows, others)


def read(upload, *, list_key):
    """The rows of an uploaded file; ``list_key`` names the list of rows in a JSON document."""
    if upload.size > MAX_BYTES:
        raise FileRefused(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    content = upload.read()
    if upload.name.lower().endswith(".json"):
        return _json(content, list_key)
    try:
        sheet = spreadsheets.read(content, filename=upload.name)
    except spreadsheets.SpreadsheetError as error:
        raise FileRefused(str(error)) from None
    rows = [(row.line, None if row.extra_cells else dict(row.values)) for row in sheet.rows]
    return Upload(sheet.kind, set(sheet.columns), rows)


def row_problem(values):
    """Why a row could not be read at all, or ""."""
    if values is None:
        return _("This entry is not a row of named values (or has more cells than columns).")
    return ""
