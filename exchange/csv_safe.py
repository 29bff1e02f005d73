"""CSV cells that a spreadsheet shows as text instead of running them as formulas (CSV or "formula" injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
tab or carriage return can hide such a start; a name like ``=HYPERLINK("http://evil.example", "Click")`` typed by a
volunteer would then run on the machine of the staff member who opens an export. As OWASP recommends, every text
cell that starts with one of those characters is written with a leading single quote, which spreadsheets read as
"text" (the imports strip it again, see ``exchange.spreadsheets``).

Numbers (``int``, ``float``, ``Decimal``) are written as they are: a number is never a formula, and a count of -2
stays a number. A phone column may keep a leading ``+`` when the cell is only a phone number (``phone=True``).
Every CSV export of the project writes its rows through ``writer`` or ``cell``.
"""

import csv
import decimal
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# An international phone number as people write it: "+", then digits with spaces, dots, dashes or a bracketed area
# code, at least six digits in all. Nothing in it can name a function, a cell or another program.
_PHONE = re.compile(r"\+(?=(?:[ ().-]*\d){6})[\d ().-]+")


def cell(value, *, phone=False):
    """``value`` as a CSV cell that a spreadsheet shows as text: a leading quote before a formula start."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    text = str(value)
    if not text.startswith(FORMULA_START):
        return text
    if phone and _PHONE.fullmatch(text):
        return text
    return "'" + text


def is_neutralised(text):
    """True for a cell text that ``cell`` quoted: a quote followed by a formula start."""
    return text.startswith("'") and text[1:].startswith(FORMULA_START)


class _SafeWriter:
    """A ``csv.writer`` whose every text cell goes through ``cell``."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options):
    """Like ``csv.writer(out)``, but every text cell is neutralised with ``cell``."""
    return _SafeWriter(out, **options)
