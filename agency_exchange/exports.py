"""A version of a segment's itinerary as a file (CSV, XLSX or JSON) the agency can edit and send back.

The columns are the ones ``edits`` reads: times on the stop's clock ("2027-03-02", "09:00") with the zone named,
``item_id`` and ``item_version`` so that each edited row finds its item again, ``itinerary_version`` so that the
import knows which version the agency started from.
"""

import datetime as dt
import json
import zoneinfo

from django.http import HttpResponse
from django.utils.text import slugify

from exchange import spreadsheets

COLUMNS = [
    "itinerary_version",
    "item_id",
    "item_version",
    "date",
    "start",
    "end",
    "time_zone",
    "city",
    "kind",
    "status",
    "title",
    "venue",
    "host_organization",
    "topic",
    "visitor_notes",
]
FORMATS = ("csv", "xlsx", "json")


def _local(value, time_zone):
    return dt.datetime.fromisoformat(value).astimezone(zoneinfo.ZoneInfo(time_zone))


def export_rows(version):
    rows = []
    for item in version.snapshot:
        start, end = _local(item["starts_at"], item["time_zone"]), _local(item["ends_at"], item["time_zone"])
        rows.append(
            {
                "itinerary_version": version.number,
                "item_id": item["id"],
                "item_version": item.get("version", ""),
                "date": start.date().isoformat(),
                "start": f"{start:%H:%M}",
                # An end on a later day than the start is written with its date.
                "end": f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}",
                "time_zone": item["time_zone"],
                "city": item["stop"],
                "kind": item["kind"],
                "status": item["status"],
                "title": item["title"],
                "venue": item.get("venue", ""),
                "host_organization": item.get("host_organization", ""),
                "topic": item.get("topic", ""),
                "visitor_notes": item.get("visitor_notes", ""),
            }
        )
    return rows


def export_response(version, *, format):
    segment = version.segment
    title = slugify(segment.national_program.title)[:40] or "itinerary"
    filename = f"{title}-{slugify(segment.city)}-v{version.number}"
    rows = export_rows(version)
    if format == "json":
        document = {
            "national_program": segment.national_program.title,
            "city": segment.city,
            "itinerary_version": version.number,
            "items": rows,
        }
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    return spreadsheets.export_response(
        COLUMNS, [[row[column] for column in COLUMNS] for row in rows], format=format, filename=filename
    )
