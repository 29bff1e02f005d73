import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from exchange.spreadsheets import XLSX_CONTENT_TYPE


def xlsx_file(rows, name="sheet.xlsx"):
    """An uploaded XLSX workbook whose first sheet holds ``rows`` from row 1."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX_CONTENT_TYPE)


def csv_file(text, name="sheet.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def downloaded(response, name):
    """An export's download, uploaded again as it is."""
    return SimpleUploadedFile(name, response.content, content_type=response["Content-Type"])


def xlsx_rows(content):
    """The cells of the first sheet of an XLSX download, and the sheet itself (to read cell types)."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


@pytest.fixture
def preview_then_import():
    """Upload a file for its preview, then press the preview's import button; returns both responses."""

    def run(client, url, upload):
        preview = client.post(url, {"file": upload})
        carried = preview.context["carried"]
        return preview, client.post(url, carried)

    return run
