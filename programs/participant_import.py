"""A program's delegation as a spreadsheet: export it, import a file of participants with a preview.

Rules of the import (the shared reading is ``exchange.spreadsheets``):

* Each row is validated with the form staff use on the participant page; countries may be written as names in any
  language or as codes, phones in the council's country or with "+", languages and media consent as codes or names.
* A row names a participant of the program by its ``id`` column (as the export writes it) or else by email; it
  updates that participant, or adds a new one. Columns the file does not have keep their values.
* Nothing is written until staff import the previewed file, and then only its valid rows, through
  ``programs.participants.save_participant``. A row whose values equal the stored ones writes nothing, so an export
  imported back changes nothing.
* Validating a file costs the same few queries whatever its length: the program's participants are read once.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from exchange import phones, spreadsheets
from exchange.countries import country_code
from exchange.spreadsheets import RowError
from programs import participants as delegation
from programs.enums import Consent
from programs.forms import ParticipantForm
from programs.models import Participant

COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "country",
    "role",
    "organization",
    "email",
    "phone",
    "preferred_language",
    "dietary_needs",
    "accessibility_needs",
    "bio",
    "share_bio",
    "share_contact",
    "media_consent",
    "notifications_opt_out",
]
REQUIRED_COLUMNS = ["first_name", "last_name", "country"]
BOOLEAN_COLUMNS = ["share_bio", "share_contact", "notifications_opt_out"]
CHOICE_COLUMNS = ["preferred_language", "media_consent"]
# Names agencies' and councils' own sheets use for the same columns (after ``normalise_header``).
ALIASES = {
    "participant_id": "id",
    "given_name": "first_name",
    "given_names": "first_name",
    "first_names": "first_name",
    "nombre": "first_name",
    "surname": "last_name",
    "family_name": "last_name",
    "last_names": "last_name",
    "apellido": "last_name",
    "apellidos": "last_name",
    "nationality": "country",
    "pais": "country",
    "title": "role",
    "position": "role",
    "cargo": "role",
    "organisation": "organization",
    "organizacion": "organization",
    "e_mail": "email",
    "email_address": "email",
    "correo": "email",
    "telephone": "phone",
    "phone_number": "phone",
    "mobile": "phone",
    "telefono": "phone",
    "language": "preferred_language",
    "idioma": "preferred_language",
    "dietary": "dietary_needs",
    "diet": "dietary_needs",
    "accessibility": "accessibility_needs",
}


class ParticipantRowForm(ParticipantForm):
    """The participant form for one row of a file; the email's uniqueness is checked for the whole file at once."""

    def clean_email(self):
        return self.cleaned_data["email"].strip()


# Export


def _cells(participant):
    """The participant's values as the export writes them and the import reads them back."""
    return {
        "id": participant.pk,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "country": participant.country.name if participant.country else participant.country_as_typed,
        "role": participant.role,
        "organization": participant.organization,
        "email": participant.email,
        "phone": participant.phone.as_e164 if phones.is_dialable(participant.phone) else str(participant.phone or ""),
        "preferred_language": participant.preferred_language,
        "dietary_needs": participant.dietary_needs,
        "accessibility_needs": participant.accessibility_needs,
        "bio": participant.bio,
        "share_bio": spreadsheets.yes_no(participant.share_bio),
        "share_contact": spreadsheets.yes_no(participant.share_contact),
        "media_consent": participant.media_consent,
        "notifications_opt_out": spreadsheets.yes_no(participant.notifications_opt_out),
    }


def export_rows(participants):
    """Rows in ``COLUMNS`` order for ``exchange.spreadsheets.export_response``."""
    for participant in participants:
        cells = _cells(participant)
        yield [cells[column] for column in COLUMNS]


def participants_for_export(program):
    return Participant.objects.filter(program=program).order_by("last_name", "first_name", "pk")


# Import


def _form_data(row, current):
    """The form's data: the stored values, overlaid with the row's cells; and the errors of cells no form reads."""
    data = {key: value for key, value in current.items() if key != "id" and not key.startswith("_")}
    errors = []
    for column, text in row.values.items():
        if column == "id" or (column in CHOICE_COLUMNS and not text):
            continue  # an empty choice keeps the stored value (for a new participant: the default)
        if column == "country" and text:
            code = country_code(text)
            if not code:
                errors.append(RowError(row.line, _("“%(value)s” is not a country.") % {"value": text}, column))
            data[column] = code
        elif column == "preferred_language" and text:
            code = spreadsheets.choice_value(text, spreadsheets.language_choices())
            if code is None:
                message = _("“%(value)s” is not one of the languages: %(choices)s.") % {
                    "value": text,
                    "choices": ", ".join(code for code, _name in spreadsheets.language_choices()),
                }
                errors.append(RowError(row.line, message, column))
            data[column] = code or text
        elif column == "media_consent" and text:
            value = spreadsheets.choice_value(text, Consent.choices)
            if value is None:
                message = _("“%(value)s” is not yes, no or unknown.") % {"value": text}
                errors.append(RowError(row.line, message, column))
            data[column] = value or text
        elif column in BOOLEAN_COLUMNS:
            value = spreadsheets.parse_bool(text)
            if value is None:
                errors.append(RowError(row.line, _("“%(value)s” is not yes or no.") % {"value": text}, column))
            data[column] = "true" if value else "false"
        else:
            data[column] = text
    for column in BOOLEAN_COLUMNS:
        if column not in row.values:
            data[column] = "true" if current[column] == "yes" else "false"
    if "country" not in row.values and current["country"]:
        data["country"] = country_code(current["country"])
    return data, errors


def _comparable(value):
    if hasattr(value, "as_e164"):
        return value.as_e164 if phones.is_dialable(value) else str(value)
    if hasattr(value, "code"):
        return value.code or ""
    return "" if value is None else value


def _changes(before, participant, columns):
    """(column, old, new) for each column of the file whose value the row changes, as the export writes them."""
    after = _cells(participant)
    fields = [column for column in columns if column in before and column != "id"]
    return [
        (column, before[column], after[column])
        for column in fields
        if _comparable(before[f"_{column}"]) != _comparable(getattr(participant, column))
    ]


def _snapshot(participant):
    values = _cells(participant)
    for column in COLUMNS[1:]:
        values[f"_{column}"] = getattr(participant, column)
    return values


def _find(row, *, by_id, by_email):
    """The participant a row names, or None for a new one; raises ``LookupError`` with the message."""
    text = row.get("id")
    if text:
        try:
            return by_id[int(text)]
        except (ValueError, KeyError):
            raise LookupError(_("No participant of this program has the id %(id)s.") % {"id": text}) from None
    email = row.get("email").lower()
    return by_email.get(email) if email else None


def read_participants(sheet, *, program):
    """Validate every row of ``sheet`` for ``program``; nothing is written. Returns an ``ImportReport``."""
    report = spreadsheets.ImportReport()
    header_errors = spreadsheets.match_columns(sheet, known=COLUMNS, required=REQUIRED_COLUMNS, aliases=ALIASES)
    if header_errors:
        report.add_errors(header_errors)
        return report
    existing = list(Participant.objects.filter(program=program).select_related("program__council"))
    by_id = {participant.pk: participant for participant in existing}
    by_email = {participant.email.lower(): participant for participant in existing if participant.email}
    seen_ids, seen_emails = {}, {}
    blank = Participant(program=program)
    for row in sheet.rows:
        if row.extra_cells:
            report.errors.append(RowError(row.line, _("More cells than columns.")))
            continue
        try:
            participant = _find(row, by_id=by_id, by_email=by_email)
        except LookupError as error:
            report.errors.append(RowError(row.line, str(error), "id"))
            continue
        if participant is not None:
            if participant.pk in seen_ids:
                error = spreadsheets.duplicate_error(row.line, "id", participant.pk, seen_ids[participant.pk])
                report.errors.append(error)
                continue
            seen_ids[participant.pk] = row.line
        before = _snapshot(participant or blank)
        data, errors = _form_data(row, before)
        form = ParticipantRowForm(data, instance=participant or Participant(program=program), program=program)
        form.is_valid()
        reported = {error.column for error in errors}  # a country no name matches is not also "required"
        errors += [error for error in spreadsheets.form_errors(row.line, form) if error.column not in reported]
        email = (form.cleaned_data.get("email") or "").lower()
        if email:
            owner = by_email.get(email)
            if email in seen_emails:
                errors.append(spreadsheets.duplicate_error(row.line, "email", email, seen_emails[email]))
            elif owner is not None and owner != participant:
                errors.append(RowError(row.line, _("Another participant of this program has this email."), "email"))
            seen_emails.setdefault(email, row.line)
        if errors:
            report.add_errors(_unique(errors))
            continue
        saved = form.instance
        changes = _changes(before, saved, sheet.columns) if participant is not None else []
        report.planned.append(
            spreadsheets.Planned(line=row.line, label=saved.full_name, obj=participant, changes=changes, form=form)
        )
    return report


def _unique(errors):
    seen, unique = set(), []
    for error in errors:
        if (error.column, error.message) not in seen:
            seen.add((error.column, error.message))
            unique.append(error)
    return unique


def import_participants(*, program, report):
    """Write the valid rows of ``report`` that change something, in one transaction; returns the report."""
    with transaction.atomic():
        for planned in report.to_write:
            delegation.save_participant(program=program, form=planned.form)
            if planned.obj is None:
                report.created += 1
            else:
                report.updated += 1
    report.written = True
    return report
