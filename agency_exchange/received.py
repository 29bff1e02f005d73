"""The agency's program request (objectives and travellers) and rooming list (each traveller's hotel in each city).

1. ``read_request`` / ``read_rooming_list`` check every row of an uploaded file and report each bad one by its
   line; nothing is written.
2. ``receive`` keeps a file that read without errors as the next numbered ``ReceivedVersion`` of its kind, with its
   parsed content; ``changes_between`` shows what changed from the previous version (travellers added, removed,
   and changed field by field).
3. ``apply_version`` writes an accepted version: the travellers (created, updated, or removed), their arrival,
   their rooms; and, in every segment whose council accepted, the participants (through the participant form and
   service, as staff would) and the hotel confirmation numbers (through the logistics service).
"""

import dataclasses
import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agency_exchange.enums import ReceivedKind
from agency_exchange.files import row_problem
from agency_exchange.models import ReceivedVersion, Room, TravellerArrival
from exchange import spreadsheets
from exchange.countries import country_code
from journeys.models import Segment, Traveller
from logistics import services as logistics_services
from logistics.models import Hotel
from programs import participants as participant_services
from programs.enums import Consent
from programs.forms import ParticipantForm
from programs.models import Participant

TRAVELLER_FIELDS = (
    "full_name",
    "email",
    "language",
    "country",
    "organization",
    "role",
    "bio",
    "dietary_needs",
    "accessibility_needs",
    "share_bio",
    "media_consent",
    "arrival_flight",
    "arrival_at",
)
TRAVELLER_ALIASES = {
    "name": "full_name",
    "organisation": "organization",
    "dietary": "dietary_needs",
    "accessibility": "accessibility_needs",
    "preferred_language": "language",
    "flight": "arrival_flight",
}
FIELD_LABELS = {
    "full_name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "language": gettext_lazy("Language"),
    "country": gettext_lazy("Country"),
    "organization": gettext_lazy("Organization"),
    "role": gettext_lazy("Role"),
    "bio": gettext_lazy("Bio"),
    "dietary_needs": gettext_lazy("Dietary needs"),
    "accessibility_needs": gettext_lazy("Accessibility needs"),
    "share_bio": gettext_lazy("Consents to share bio"),
    "media_consent": gettext_lazy("Media consent"),
    "arrival_flight": gettext_lazy("Arrival flight"),
    "arrival_at": gettext_lazy("Arrives at"),
    "city": gettext_lazy("City"),
    "hotel": gettext_lazy("Hotel"),
    "confirmation_number": gettext_lazy("Confirmation number"),
}
ROOM_ALIASES = {"name": "traveller", "full_name": "traveller", "email": "traveller", "segment": "city"}


@dataclasses.dataclass
class ReadReport:
    kind: str
    errors: list = dataclasses.field(default_factory=list)
    content: dict = dataclasses.field(default_factory=dict)

    def error(self, line, message):
        self.errors.append(spreadsheets.RowError(line, message))


def _columns(upload, aliases):
    return {aliases.get(column, column) for column in upload.columns}


def _values(values, aliases):
    named = {}
    for key, value in values.items():
        named.setdefault(aliases.get(key, key), value)
    return named


def traveller_key(entry):
    """Who a row is: their email, else their name (case and spacing aside)."""
    return (entry.get("email") or "").lower() or " ".join((entry.get("full_name") or "").casefold().split())


def _arrival_zone(national_program):
    first = national_program.segments.order_by("order").first()
    return zoneinfo.ZoneInfo(first.time_zone if first else national_program.agency.time_zone)


def read_request(*, national_program, upload, objectives=""):
    """Check a program request's rows; ``content`` holds the valid travellers, in the file's order."""
    report = ReadReport(ReceivedKind.PROGRAM_REQUEST)
    columns = _columns(upload, TRAVELLER_ALIASES)
    missing = [column for column in ("full_name", "country") if column not in columns]
    if missing:
        report.error(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return report
    zone = _arrival_zone(national_program)
    travellers, seen = [], {}
    for line, raw in upload.rows:
        problem = row_problem(raw)
        if problem:
            report.error(line, problem)
            continue
        values = _values(raw, TRAVELLER_ALIASES)
        entry, errors = _traveller_entry(values, zone)
        key = traveller_key(entry)
        if key and key in seen:
            errors.append(_("%(who)s is also on line %(line)s.") % {"who": key, "line": seen[key]})
        for message in errors:
            report.error(line, message)
        if not errors:
            seen[key] = line
            travellers.append(entry)
    document_objectives = upload.document.get("objectives", "") if upload.document else ""
    report.content = {"objectives": (objectives or str(document_objectives or "")).strip(), "travellers": travellers}
    return report


def _traveller_entry(values, zone):
    errors = []
    entry = {field: values.get(field, "") for field in TRAVELLER_FIELDS}
    if not entry["full_name"]:
        errors.append(_("full_name: a name is required."))
    if entry["email"]:
        try:
            validate_email(entry["email"])
        except ValidationError:
            errors.append(_("email: “%(value)s” is not an email address.") % {"value": entry["email"]})
        entry["email"] = entry["email"].lower()
    code = country_code(entry["country"])
    if not code:
        errors.append(_("country: “%(value)s” is not a country.") % {"value": entry["country"]})
    entry["country"] = code
    language = spreadsheets.choice_value(entry["language"], settings.LANGUAGES) if entry["language"] else "en"
    if language is None:
        errors.append(_("language: “%(value)s” is not a language of the site.") % {"value": entry["language"]})
    entry["language"] = language or ""
    share = spreadsheets.parse_bool(entry["share_bio"]) if entry["share_bio"] else False
    if share is None:
        errors.append(_("share_bio: “%(value)s” is not yes or no.") % {"value": entry["share_bio"]})
    entry["share_bio"] = bool(share)
    consent = spreadsheets.choice_value(entry["media_consent"], Consent.choices) if entry["media_consent"] else None
    if entry["media_consent"] and consent is None:
        errors.append(_("media_consent: “%(value)s” is not yes, no or unknown.") % {"value": entry["media_consent"]})
    entry["media_consent"] = consent or Consent.UNKNOWN
    if entry["arrival_at"]:
        try:
            arrives = dt.datetime.fromisoformat(entry["arrival_at"])
        except ValueError:
            errors.append(
                _("arrival_at: “%(value)s” is not a date and time (YYYY-MM-DD HH:MM).") % {"value": entry["arrival_at"]}
            )
        else:
            arrives = arrives if arrives.tzinfo else arrives.replace(tzinfo=zone)
            entry["arrival_at"] = arrives.astimezone(dt.UTC).isoformat()
    return entry, errors


def read_rooming_list(*, national_program, upload):
    report = ReadReport(ReceivedKind.ROOMING_LIST)
    columns = _columns(upload, ROOM_ALIASES)
    missing = [column for column in ("traveller", "city", "hotel") if column not in columns]
    if missing:
        report.error(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return report
    travellers = {}
    for traveller in national_program.travellers.all():
        travellers.setdefault(traveller.email.lower(), traveller)
        travellers.setdefault(" ".join(traveller.full_name.casefold().split()), traveller)
    travellers.pop("", None)
    segments = {segment.city.casefold(): segment for segment in national_program.segments.all()}
    rooms, seen = [], {}
    for line, raw in upload.rows:
        problem = row_problem(raw)
        if problem:
            report.error(line, problem)
            continue
        values = _values(raw, ROOM_ALIASES)
        errors = []
        who = values.get("traveller", "")
        traveller = travellers.get(who.lower()) or travellers.get(" ".join(who.casefold().split()))
        if traveller is None:
            errors.append(_("traveller: “%(value)s” is not a traveller of this program.") % {"value": who})
        segment = segments.get(values.get("city", "").strip().casefold())
        if segment is None:
            errors.append(_("city: “%(value)s” is not a city of the route.") % {"value": values.get("city", "")})
        if not values.get("hotel"):
            errors.append(_("hotel: a hotel is required."))
        if traveller and segment and (traveller.pk, segment.pk) in seen:
            errors.append(
                _("%(who)s in %(city)s is also on line %(line)s.")
                % {"who": traveller.full_name, "city": segment.city, "line": seen[traveller.pk, segment.pk]}
            )
        for message in errors:
            report.error(line, message)
        if not errors:
            seen[traveller.pk, segment.pk] = line
            rooms.append(
                {
                    "traveller": traveller.full_name,
                    "traveller_key": traveller_key({"email": traveller.email, "full_name": traveller.full_name}),
                    "city": segment.city,
                    "hotel": values["hotel"][:200],
                    "confirmation_number": values.get("confirmation_number", "")[:60],
                }
            )
    report.content = {"rooms": rooms}
    return report


@transaction.atomic
def receive(*, national_program, report, file_name, user):
    """Keep a file that read without errors as the next numbered version of its kind."""
    for _attempt in range(3):
        versions = national_program.received_versions.filter(kind=report.kind)
        number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return ReceivedVersion.objects.create(
                    national_program=national_program,
                    kind=report.kind,
                    number=number,
                    file_name=file_name[:200],
                    content=report.content,
                    received_by=user,
                )
        except IntegrityError:
            continue  # another upload took this number at the same moment
    raise RuntimeError("Could not number the received version")


def previous_of(version):
    return (
        ReceivedVersion.objects.filter(
            national_program_id=version.national_program_id, kind=version.kind, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


@dataclasses.dataclass
class EntryChange:
    mark: str  # "added", "removed" or "changed"
    name: str
    fields: list = dataclasses.field(default_factory=list)  # (label, before, after)


def _entries(version):
    if version is None:
        return {}
    if version.kind == ReceivedKind.PROGRAM_REQUEST:
        return {traveller_key(entry): entry for entry in version.content.get("travellers", [])}
    return {f"{room['traveller_key']}@{room['city'].casefold()}": room for room in version.content.get("rooms", [])}


def _name(entry):
    if "full_name" in entry:
        return entry["full_name"]
    return f"{entry['traveller']} · {entry['city']}"


def changes_between(previous, version):
    """What changed from ``previous`` (None: nothing before) to ``version``: entries added, removed, changed."""
    before, after = _entries(previous), _entries(version)
    changes = []
    for key, entry in after.items():
        old = before.get(key)
        if old is None:
            changes.append(EntryChange("added", _name(entry)))
            continue
        fields = [
            (FIELD_LABELS.get(name, name), _shown(old.get(name)), _shown(value))
            for name, value in entry.items()
            if name in FIELD_LABELS and old.get(name) != value
        ]
        if fields:
            changes.append(EntryChange("changed", _name(entry), fields))
    changes.extend(EntryChange("removed", _name(entry)) for key, entry in before.items() if key not in after)
    return changes


def _shown(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


# Applying


def _participant_data(traveller, participant):
    first, _sep, last = traveller.full_name.strip().rpartition(" ")
    first, last = (first, last) if first else (last, last)
    data = {
        "first_name": first,
        "last_name": last,
        "country": traveller.country.code if traveller.country else "",
        "role": traveller.role,
        "organization": traveller.organization,
        "email": traveller.email,
        "phone": participant.phone.as_e164 if participant is not None and participant.phone else "",
        "preferred_language": traveller.language,
        "dietary_needs": traveller.dietary_needs,
        "accessibility_needs": traveller.accessibility_needs,
        "bio": traveller.bio,
        "media_consent": traveller.media_consent,
    }
    if traveller.share_bio:
        data["share_bio"] = "on"
    if participant is not None and participant.share_contact:
        data["share_contact"] = "on"
    if participant is not None and participant.notifications_opt_out:
        data["notifications_opt_out"] = "on"
    return data


def _sync_participant(traveller, program, summary):
    participant = Participant.objects.filter(program=program, traveller=traveller).first()
    form = ParticipantForm(_participant_data(traveller, participant), instance=participant, program=program)
    if not form.is_valid():
        summary["not_applied"].append(
            _("%(name)s in %(program)s: %(errors)s")
            % {"name": traveller.full_name, "program": program.title, "errors": form.errors.as_text()}
        )
        return
    if participant is None or form.has_changed():
        saved = participant_services.save_participant(program=program, form=form)
        if saved.traveller_id != traveller.pk:
            Participant.objects.filter(pk=saved.pk).update(traveller=traveller)
        summary["participants"] += 1


def _travellers_by_key(national_program):
    return {traveller_key({"email": t.email, "full_name": t.full_name}): t for t in national_program.travellers.all()}


def _accepted_segments(national_program):
    return list(
        Segment.objects.filter(national_program=national_program, program__isnull=False)
        .select_related("program__council", "council")
        .order_by("order")
    )


def _apply_request(version, summary):
    national_program = version.national_program
    objectives = version.content.get("objectives", "")
    if objectives and objectives != national_program.objectives:
        national_program.objectives = objectives
        national_program.version += 1
        national_program.save(update_fields=["objectives", "version", "updated_at"])
    existing = _travellers_by_key(national_program)
    segments = _accepted_segments(national_program)
    kept = set()
    for entry in version.content.get("travellers", []):
        key = traveller_key(entry)
        traveller = existing.get(key) or Traveller(national_program=national_program)
        summary["created" if traveller.pk is None else "updated"] += 1
        for field in ("full_name", "email", "language", "country", "organization", "role", "bio"):
            setattr(traveller, field, entry[field])
        traveller.dietary_needs = entry["dietary_needs"]
        traveller.accessibility_needs = entry["accessibility_needs"]
        traveller.share_bio = entry["share_bio"]
        traveller.media_consent = entry["media_consent"]
        traveller.save()
        kept.add(traveller.pk)
        if entry.get("arrival_flight") or entry.get("arrival_at"):
            TravellerArrival.objects.update_or_create(
                traveller=traveller,
                defaults={
                    "flight": entry.get("arrival_flight", "")[:80],
                    "arrives_at": dt.datetime.fromisoformat(entry["arrival_at"]) if entry.get("arrival_at") else None,
                },
            )
        for segment in segments:
            _sync_participant(traveller, segment.program, summary)
    for traveller in existing.values():
        if traveller.pk not in kept:
            _remove_traveller(traveller, summary)


def _remove_traveller(traveller, summary):
    try:
        with transaction.atomic():
            for participant in Participant.objects.filter(traveller=traveller).order_by("pk"):
                participant_services.remove_participant(participant=participant)
            traveller.delete()
        summary["removed"] += 1
    except participant_services.ParticipantIsProtected as protected:
        summary["not_applied"].append(
            _("%(name)s was kept: %(blockers)s")
            % {"name": traveller.full_name, "blockers": ", ".join(b.kind for b in protected.blockers)}
        )


def _apply_rooms(version, summary):
    national_program = version.national_program
    travellers = _travellers_by_key(national_program)
    segments = {segment.city.casefold(): segment for segment in national_program.segments.select_related("program")}
    kept = []
    by_stop = {}
    for room in version.content.get("rooms", []):
        traveller, segment = travellers.get(room["traveller_key"]), segments.get(room["city"].casefold())
        if traveller is None or segment is None:
            summary["not_applied"].append(_("%(who)s is no longer a traveller.") % {"who": room["traveller"]})
            continue
        saved, _created = Room.objects.update_or_create(
            traveller=traveller,
            segment=segment,
            defaults={"hotel": room["hotel"], "confirmation_number": room["confirmation_number"]},
        )
        kept.append(saved.pk)
        summary["updated"] += 1
        if segment.program is None:
            continue
        participant = Participant.objects.filter(program=segment.program, traveller=traveller).first()
        stop = segment.program.stops.order_by("start_date").first()
        if participant is None or stop is None:
            continue
        by_stop.setdefault((stop, room["hotel"]), {})[participant] = room["confirmation_number"]
    Room.objects.filter(segment__national_program=national_program).exclude(pk__in=kept).delete()
    for (stop, hotel_name), numbers in by_stop.items():
        council = stop.program.council
        hotel = Hotel.objects.filter(council=council, name__iexact=hotel_name).first() or Hotel.objects.create(
            council=council, name=hotel_name, address="", city=stop.city
        )
        logistics_services.set_stop_hotel(stop=stop, hotel=hotel, confirmation_numbers=numbers)
        summary["participants"] += len(numbers)


def apply_version(*, version, user):
    """Write the version to the travellers and the accepted segments; returns what it did."""
    summary = {"created": 0, "updated": 0, "removed": 0, "participants": 0, "not_applied": []}
    with transaction.atomic():
        version = (
            ReceivedVersion.objects.select_for_update().select_related("national_program__agency").get(pk=version.pk)
        )
        if version.kind == ReceivedKind.PROGRAM_REQUEST:
            _apply_request(version, summary)
        else:
            _apply_rooms(version, summary)
        version.applied_at = timezone.now()
        version.applied_by = user
        version.applied_summary = summary
        version.save(update_fields=["applied_at", "applied_by", "applied_summary"])
    return version
