"""The agency's edited itinerary of a segment, read back and decided item by item by the segment's council.

1. ``read_edit`` reads the file (the columns of ``exports``) and reports every bad row by its line; nothing is
   written unless every row is good.
2. Each row is compared with the item as the agency was sent it (the version named in ``itinerary_version``,
   else the latest): a row that changes its time, title, topic or notes is a change; a row without ``item_id`` an
   added item; an item of that version missing from the file a removal (its cancellation).
3. ``record_edit`` keeps the edit and its proposed changes; the council accepts or rejects each (``decide``).
   An accepted change goes through ``meetings.services`` merged on what the agency was sent: a field staff
   changed since to something else is a conflict (nothing is overwritten; staff may accept it anyway). An added
   item becomes an idea the council still has to arrange. A rejected change is recorded; nothing else changes.
"""

import dataclasses
import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agency_exchange.enums import ChangeKind, Decision
from agency_exchange.files import row_problem
from agency_exchange.itinerary import agency_item, snapshot
from agency_exchange.models import AgencyEdit, ItineraryVersion, ProposedChange
from councils.time_zones import format_local
from exchange import spreadsheets
from meetings import services as item_services
from meetings.enums import ItemKind, ItemStatus
from meetings.models import ItineraryItem

REQUIRED = ("title", "date", "start", "end")
# What the agency may change on an item; the optional columns are compared only when the file has them.
COMPARED = ("title", "starts_at", "ends_at", "topic", "visitor_notes")
OPTIONAL = ("topic", "visitor_notes")
TIME_FIELDS = ("starts_at", "ends_at")
LABELS = {
    "title": gettext_lazy("Title"),
    "starts_at": gettext_lazy("Starts"),
    "ends_at": gettext_lazy("Ends"),
    "topic": gettext_lazy("Topic"),
    "visitor_notes": gettext_lazy("Notes for visitors"),
    "status": gettext_lazy("Status"),
    "kind": gettext_lazy("Kind"),
}


@dataclasses.dataclass
class Proposal:
    kind: str
    line: int
    title: str
    time_zone: str
    fields: dict
    base: dict = dataclasses.field(default_factory=dict)
    item: object = None


@dataclasses.dataclass
class EditReport:
    errors: list = dataclasses.field(default_factory=list)  # spreadsheets.RowError
    proposals: list = dataclasses.field(default_factory=list)
    based_on: object = None

    def error(self, line, message):
        self.errors.append(spreadsheets.RowError(line, message))


def _date(text):
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _time(text):
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        return None


def _moment(day, text, zone):
    """``text`` ("09:00" on ``day``, or "2027-03-03 01:00") as an aware instant on ``zone``'s clock."""
    text = text.strip()
    if len(text) > 8:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=zone)
    clock = _time(text)
    return dt.datetime.combine(day, clock, tzinfo=zone) if clock and day else None


def _utc(value):
    return value.astimezone(dt.UTC).isoformat()


def _based_on(segment, upload, report):
    numbers = {values.get("itinerary_version") for _line, values in upload.rows if values}
    named = str(upload.document.get("itinerary_version", "")) if upload.document else ""
    numbers = {number for number in numbers | {named} if number}
    if len(numbers) > 1:
        message = _("The rows name different itinerary versions: %(numbers)s.")
        report.error(0, message % {"numbers": ", ".join(sorted(numbers))})
        return None
    versions = ItineraryVersion.objects.filter(segment=segment)
    if numbers:
        number = numbers.pop()
        version = versions.filter(number=int(number)).first() if number.isdigit() else None
        if version is None:
            report.error(0, _("This segment has no itinerary version %(number)s.") % {"number": number})
        return version
    return versions.order_by("-number").first()


def read_edit(*, segment, upload):
    """Check every row of an uploaded edit (``files.read(..., list_key="items")``); nothing is written."""
    report = EditReport()
    missing = [column for column in REQUIRED if column not in upload.columns]
    if missing:
        report.error(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return report
    report.based_on = _based_on(segment, upload, report)
    if report.errors:
        return report
    program = segment.program
    items = {item.pk: item for item in ItineraryItem.objects.filter(program=program).select_related("stop")}
    stops = list(program.stops.order_by("start_date"))
    sent = {entry["id"]: entry for entry in (report.based_on.snapshot if report.based_on else snapshot(segment))}
    compared = [name for name in COMPARED if name not in OPTIONAL or name in upload.columns]
    seen = {}
    for line, values in upload.rows:
        problem = row_problem(values)
        if problem:
            report.error(line, problem)
            continue
        _read_row(report, line, values, items=items, stops=stops, sent=sent, compared=compared, seen=seen)
    for item_id, entry in sent.items():
        item = items.get(item_id)
        if item_id in seen or item is None or entry["status"] == ItemStatus.CANCELLED:
            continue
        report.proposals.append(
            Proposal(
                ChangeKind.REMOVED,
                0,
                entry["title"],
                item.stop.time_zone,
                {"status": [entry["status"], ItemStatus.CANCELLED]},
                {"status": entry["status"]},
                item,
            )
        )
    return report


def _read_row(report, line, values, *, items, stops, sent, compared, seen):
    errors = len(report.errors)
    item = None
    item_id = values.get("item_id", "")
    if item_id:
        item = items.get(int(item_id)) if item_id.isdigit() else None
        if item is None:
            report.error(line, _("item_id: %(id)s is not an item of this itinerary.") % {"id": item_id})
        elif item.pk in seen:
            report.error(line, _("item_id: %(id)s is also on line %(line)s.") % {"id": item_id, "line": seen[item.pk]})
        else:
            seen[item.pk] = line
    title = values.get("title", "")
    if not title:
        report.error(line, _("title: a title is required."))
    elif len(title) > 200:
        report.error(line, _("title: at most 200 characters."))
    day = _date(values.get("date", ""))
    if day is None:
        report.error(line, _("date: “%(value)s” is not a date (YYYY-MM-DD).") % {"value": values.get("date", "")})
    stop = item.stop if item else next((s for s in stops if day and s.covers(day)), None)
    if item is None and day and stop is None:
        report.error(line, _("date: %(day)s is outside this segment's dates.") % {"day": day.isoformat()})
    kind = ItemKind.MEETING
    if values.get("kind"):
        kind = spreadsheets.choice_value(values["kind"], ItemKind.choices)
        if kind is None:
            report.error(line, _("kind: “%(value)s” is not a kind of item.") % {"value": values["kind"]})
    if len(report.errors) > errors or stop is None:
        return
    zone = zoneinfo.ZoneInfo(stop.time_zone)
    starts_at, ends_at = _moment(day, values["start"], zone), _moment(day, values["end"], zone)
    if starts_at is None:
        report.error(line, _("start: “%(value)s” is not a time (HH:MM).") % {"value": values["start"]})
    if ends_at is None:
        report.error(line, _("end: “%(value)s” is not a time (HH:MM).") % {"value": values["end"]})
    if starts_at and ends_at and ends_at <= starts_at:
        report.error(line, _("end: the item must end after it starts."))
    if len(report.errors) > errors:
        return
    asked = {
        "title": title,
        "starts_at": _utc(starts_at),
        "ends_at": _utc(ends_at),
        "topic": values.get("topic", ""),
        "visitor_notes": values.get("visitor_notes", ""),
    }
    if item is None:
        fields = {name: asked[name] for name in compared}
        fields.update(kind=kind, stop=stop.pk)
        report.proposals.append(Proposal(ChangeKind.ADDED, line, title, stop.time_zone, fields))
        return
    base = sent.get(item.pk) or agency_item(item)
    fields = {name: [base.get(name, ""), asked[name]] for name in compared if base.get(name, "") != asked[name]}
    if fields:
        report.proposals.append(
            Proposal(
                ChangeKind.CHANGED,
                line,
                title,
                stop.time_zone,
                fields,
                {name: base.get(name, "") for name in fields},
                item,
            )
        )


@transaction.atomic
def record_edit(*, segment, report, file_name, user):
    """Keep an edit that read without errors, with one proposed change per row that asks for one."""
    edit = AgencyEdit.objects.create(
        segment=segment,
        based_on=report.based_on,
        file_name=file_name[:200],
        uploaded_by=user if user.is_authenticated else None,
    )
    ProposedChange.objects.bulk_create(
        ProposedChange(
            edit=edit,
            kind=proposal.kind,
            item=proposal.item,
            line=proposal.line,
            title=proposal.title[:200],
            time_zone=proposal.time_zone,
            fields=proposal.fields,
            base=proposal.base,
        )
        for proposal in report.proposals
    )
    return edit


# Showing a change


def _display(name, value, time_zone):
    if value in (None, ""):
        return "—"
    if name in TIME_FIELDS:
        return format_local(dt.datetime.fromisoformat(value), zoneinfo.ZoneInfo(time_zone))
    if name == "status":
        return ItemStatus(value).label
    if name == "kind":
        return ItemKind(value).label
    return str(value)


def lines_of(change, item=None):
    """What a change asks for, field by field: label, as sent to the agency, as the agency asks, as it is now."""
    item = item if item is not None else change.item
    current = agency_item(item) if item is not None else {}
    rows = []
    for name, value in change.fields.items():
        if name == "stop":
            continue
        sent, asked = (value if change.kind != ChangeKind.ADDED else ["", value])[:2]
        rows.append(
            {
                "field": name,
                "label": LABELS.get(name, name),
                "sent": _display(name, sent, change.time_zone) if change.kind != ChangeKind.ADDED else "",
                "asked": _display(name, asked, change.time_zone),
                "now": _display(name, current.get(name), change.time_zone) if item is not None else "",
                "changed_since": item is not None and change.kind != ChangeKind.ADDED and current.get(name) != sent,
            }
        )
    return rows


# Deciding


@dataclasses.dataclass
class Outcome:
    change: ProposedChange
    conflicts: list = dataclasses.field(default_factory=list)  # hard scheduling conflicts that stopped it


def _value(name, raw):
    return dt.datetime.fromisoformat(raw) if name in TIME_FIELDS and raw else raw


def _accept(change, *, user, overwrite, stop=None):
    if change.kind == ChangeKind.ADDED:
        data = {name: _value(name, value) for name, value in change.fields.items() if name != "stop"}
        data.update(stop=stop, status=ItemStatus.IDEA)
        item, _found = item_services.create_item(
            program=change.edit.segment.program,
            data=data,
            user=user,
            judge=False,
            not_judged_because=_("Added from the agency's edited itinerary: an idea, judged when it is confirmed."),
        )
        change.item = item
        return []
    data = {name: _value(name, value[1]) for name, value in change.fields.items()}
    outcome = item_services.change_item(
        item=change.item,
        data=data,
        actor=user,
        base={"values": change.base},
        resolutions=dict.fromkeys(data, "mine") if overwrite else None,
    )
    return outcome.conflicts


def decide(*, change_id, segment, accept, user, overwrite=False):
    """Accept or reject one proposed change of ``segment``'s edit; a change already decided stays as it is.

    Raises ``item_services.ConflictsNeedOverride`` when the change would create hard scheduling conflicts (nothing
    is written; staff arrange it on the calendar).
    """
    with transaction.atomic():
        change = (
            ProposedChange.objects.select_for_update(of=("self",))
            .select_related("edit__segment__program", "item")
            .get(pk=change_id, edit__segment=segment)
        )
        if change.decision in (Decision.ACCEPTED, Decision.REJECTED):
            return Outcome(change)
        stop, conflicts = None, []
        if change.kind == ChangeKind.ADDED:
            stop = segment.program.stops.filter(pk=change.fields.get("stop")).first() if segment.program else None
        if not accept:
            change.decision = Decision.REJECTED
            change.note = ""
        elif change.kind != ChangeKind.ADDED and change.item is None:
            change.decision, change.note = Decision.CONFLICT, _("The item was deleted since.")
        elif change.kind == ChangeKind.ADDED and stop is None:
            change.decision, change.note = Decision.CONFLICT, _("The city of this item is no longer in the program.")
        else:
            try:
                with transaction.atomic():
                    conflicts = _accept(change, user=user, overwrite=overwrite, stop=stop)
            except item_services.EditConflict as conflict:
                change.decision = Decision.CONFLICT
                change.note = "; ".join(
                    _("%(field)s is now “%(theirs)s”, the agency asks for “%(mine)s”")
                    % {"field": clash.label, "theirs": clash.theirs, "mine": clash.mine}
                    for clash in conflict.clashes
                )
            else:
                change.decision, change.note = Decision.ACCEPTED, ""
        change.decided_at = timezone.now()
        change.decided_by = user
        change.save(update_fields=["decision", "note", "decided_at", "decided_by", "item"])
    return Outcome(change, conflicts)
