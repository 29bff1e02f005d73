"""The council's directory as spreadsheets: host contacts with their organisations, and venues.

Rules of both imports (the shared reading is ``exchange.spreadsheets``):

* **Contacts**: one row per contact, its organisation named in ``organization`` (found by name, in any case, or
  added). An organisation's own columns (sector, website, address...) may be repeated on each of its rows or given
  on its first row only: an empty one never clears a value, and one that differs from the organisation's first row
  is an error. A row with no contact columns keeps an organisation without contacts. A contact is found by
  ``contact_id`` (as the export writes it), else by email, else by name within its organisation.
* **Venues**: one row per venue, found by ``id``, else by name; ``organization`` names a host organisation of the
  directory or is empty; an online venue needs its meeting link.
* Columns the file does not have keep their values; a row whose values equal the stored ones writes nothing, so an
  export imported back changes nothing. Nothing is written until staff import the previewed file, and then only its
  valid rows, in one transaction.
* Validating a file costs the same few queries whatever its length: the directory is read once.
"""

import dataclasses
import decimal
import functools

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from directory.enums import Sector
from directory.models import Contact, HostOrganization, Venue
from exchange import phones, spreadsheets
from exchange.phones import localise_phone_fields
from exchange.spreadsheets import RowError

# Form field -> column, for each kind of record.
ORGANIZATION_COLUMNS = {
    "name": "organization",
    "sector": "sector",
    "website": "website",
    "address": "address",
    "city": "city",
    "phone": "organization_phone",
    "notes": "organization_notes",
    "active": "organization_active",
}
CONTACT_COLUMNS = {
    "name": "contact_name",
    "title": "title",
    "email": "email",
    "phone": "phone",
    "preferred_language": "preferred_language",
    "notes": "notes",
    "active": "active",
}
VENUE_COLUMNS = {
    "name": "name",
    "organization": "organization",
    "address": "address",
    "city": "city",
    "latitude": "latitude",
    "longitude": "longitude",
    "accessibility_notes": "accessibility_notes",
    "is_online": "online",
    "meeting_url": "meeting_url",
}
CONTACTS = [*ORGANIZATION_COLUMNS.values(), "contact_id", *CONTACT_COLUMNS.values()]
CONTACTS_REQUIRED = ["organization"]
CONTACTS_ALIASES = {
    "organisation": "organization",
    "host_organization": "organization",
    "host_organisation": "organization",
    "organization_name": "organization",
    "organization_sector": "sector",
    "organization_website": "website",
    "organization_address": "address",
    "organization_city": "city",
    "id": "contact_id",
    "contact": "contact_name",
    "name": "contact_name",
    "job_title": "title",
    "position": "title",
    "e_mail": "email",
    "email_address": "email",
    "contact_email": "email",
    "contact_phone": "phone",
    "telephone": "phone",
    "language": "preferred_language",
    "contact_notes": "notes",
    "contact_active": "active",
}
VENUES = ["id", *VENUE_COLUMNS.values()]
VENUES_REQUIRED = ["name"]
VENUES_ALIASES = {
    "venue": "name",
    "venue_name": "name",
    "venue_id": "id",
    "organisation": "organization",
    "host_organization": "organization",
    "lat": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "accessibility": "accessibility_notes",
    "is_online": "online",
    "meeting_link": "meeting_url",
    "link": "meeting_url",
}
BOOLEAN_FIELDS = {"active", "is_online"}
DECIMAL_FIELDS = {"latitude", "longitude"}


class _RowForm(forms.ModelForm):
    """A record's form for one row of a file; names are checked for the whole file at once, without a query per
    row (the database's constraints still guard the write)."""

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        localise_phone_fields(self, council)

    def validate_unique(self):
        pass


class OrganizationRowForm(_RowForm):
    class Meta:
        model = HostOrganization
        fields = list(ORGANIZATION_COLUMNS)
        field_classes = {"website": functools.partial(forms.URLField, assume_scheme="https")}


class ContactRowForm(_RowForm):
    preferred_language = forms.ChoiceField(choices=settings.LANGUAGES)

    class Meta:
        model = Contact
        fields = list(CONTACT_COLUMNS)


class VenueRowForm(_RowForm):
    class Meta:
        model = Venue
        fields = [field for field in VENUE_COLUMNS if field != "organization"]
        field_classes = {"meeting_url": functools.partial(forms.URLField, assume_scheme="https")}

    def _get_validation_exclusions(self):
        # Django checks the "online needs a link" constraint with a query per form; ``clean`` checks it in Python
        # (the form fields still validate both values, and the constraint still guards the write).
        return {*super()._get_validation_exclusions(), "is_online", "meeting_url"}

    def clean(self):
        data = super().clean()
        if data.get("is_online") and not data.get("meeting_url"):
            self.add_error("meeting_url", _("An online venue needs its meeting link."))
        return data


# Cells: how a field is written and read


def _cell(obj, field):
    value = getattr(obj, field)
    if field in BOOLEAN_FIELDS:
        return spreadsheets.yes_no(value)
    if field == "phone":
        return value.as_e164 if phones.is_dialable(value) else str(value or "")
    if field == "organization":
        return value.name if value else ""
    if value is None:
        return ""
    return str(value)


def _cells(obj, columns):
    return {column: _cell(obj, field) for field, column in columns.items()}


def _same(field, old, new):
    if field in DECIMAL_FIELDS and old and new:
        try:
            return decimal.Decimal(old) == decimal.Decimal(new)
        except decimal.InvalidOperation:
            return False
    return old == new


def _form_data(row, obj, columns, *, keep_empty=()):
    """The form's data (the stored values, overlaid with the row's cells) and the errors of cells no form reads.
    An empty cell of a field in ``keep_empty`` keeps the stored value."""
    data = {field: _cell(obj, field) for field in columns}
    errors = []
    for field, column in columns.items():
        if column not in row.values or field == "organization":
            continue
        text = row.values[column]
        if not text and field in keep_empty:
            continue
        if field in BOOLEAN_FIELDS:
            value = spreadsheets.parse_bool(text)
            if value is None:
                errors.append(RowError(row.line, _("“%(value)s” is not yes or no.") % {"value": text}, column))
            data[field] = spreadsheets.yes_no(value)
        elif field in ("sector", "preferred_language") and text:
            choices = Sector.choices if field == "sector" else spreadsheets.language_choices()
            value = spreadsheets.choice_value(text, choices)
            if value is None:
                message = _("“%(value)s” is not one of: %(choices)s.") % {
                    "value": text,
                    "choices": ", ".join(value for value, _label in choices),
                }
                errors.append(RowError(row.line, message, column))
            data[field] = value or text
        else:
            data[field] = text
    for field in BOOLEAN_FIELDS & set(data):
        data[field] = "true" if data[field] == "yes" else "false"
    return data, errors


def _validated(form_class, data, obj, columns, *, council, line, errors):
    """The form bound to ``data``; its errors (by column) are added to ``errors`` unless a cell already has one."""
    form = form_class(data, instance=obj, council=council)
    form.is_valid()
    reported = {error.column for error in errors}
    for error in spreadsheets.form_errors(line, form):
        column = columns.get(error.column, error.column)
        if column not in reported:
            errors.append(dataclasses.replace(error, column=column))
    return form


def _keep_stored_case(data, obj):
    """A name found in another case is the same record: its stored spelling stays."""
    if obj is not None and data["name"].casefold() == obj.name.casefold():
        data["name"] = obj.name


def _changes(before, obj, columns, present):
    after = _cells(obj, columns)
    return [
        (column, before[column], after[column])
        for field, column in columns.items()
        if column in present and not _same(field, before[column], after[column])
    ]


def _differs(field, old, new):
    if field in BOOLEAN_FIELDS:
        return spreadsheets.parse_bool(old) != spreadsheets.parse_bool(new)
    return spreadsheets.normalise_header(old) != spreadsheets.normalise_header(new)


# Contacts with their organisations


def contacts_for_export(council):
    """Every organisation of the council with its contacts (one query each, whatever the directory's size)."""
    return HostOrganization.objects.filter(council=council).prefetch_related("contacts").order_by("name", "pk")


def export_contacts(organizations):
    """Rows in ``CONTACTS`` order: one per contact, and one for an organisation without contacts."""
    for organization in organizations:
        organization_cells = _cells(organization, ORGANIZATION_COLUMNS)
        contacts = sorted(organization.contacts.all(), key=lambda contact: (contact.name.casefold(), contact.pk))
        for contact in contacts or [None]:
            cells = {**organization_cells, "contact_id": "", **dict.fromkeys(CONTACT_COLUMNS.values(), "")}
            if contact is not None:
                cells.update(_cells(contact, CONTACT_COLUMNS), contact_id=contact.pk)
            yield [cells[column] for column in CONTACTS]


@dataclasses.dataclass
class _OrganizationPlan:
    line: int
    form: object
    values: dict  # the organisation's non-empty cells on its first line
    changes: list
    ok: bool
    created: bool
    saved: object = None


def _organization_plan(row, existing, *, council):
    organization = existing or HostOrganization(council=council)
    before = _cells(organization, ORGANIZATION_COLUMNS)
    values = {column: row.values[column] for column in ORGANIZATION_COLUMNS.values() if row.get(column)}
    data, errors = _form_data(row, organization, ORGANIZATION_COLUMNS, keep_empty=set(ORGANIZATION_COLUMNS))
    _keep_stored_case(data, existing)
    form = _validated(
        OrganizationRowForm, data, organization, ORGANIZATION_COLUMNS, council=council, line=row.line, errors=errors
    )
    changes = _changes(before, form.instance, ORGANIZATION_COLUMNS, values) if existing and not errors else []
    plan = _OrganizationPlan(row.line, form, values, changes, ok=not errors, created=existing is None)
    return plan, errors


def _has_contact(row):
    return any(row.get(column) for column in ["contact_id", "contact_name", "title", "email", "phone", "notes"])


def _find_contact(row, organization, *, by_id, by_email, by_name):
    """The contact a row names, or None for a new one; raises ``LookupError`` with the message."""
    text = row.get("contact_id")
    if text:
        try:
            return by_id[int(text)]
        except (ValueError, KeyError):
            raise LookupError(_("No contact of the directory has the id %(id)s.") % {"id": text}) from None
    if organization is None:
        return None
    email, name = row.get("email").casefold(), row.get("contact_name").casefold()
    return by_email.get((organization.pk, email)) if email else by_name.get((organization.pk, name))


def read_contacts(sheet, *, council):
    """Validate every row of ``sheet`` for the council's directory; nothing is written."""
    report = spreadsheets.ImportReport()
    header_errors = spreadsheets.match_columns(
        sheet, known=CONTACTS, required=CONTACTS_REQUIRED, aliases=CONTACTS_ALIASES
    )
    if header_errors:
        report.add_errors(header_errors)
        return report
    organizations = {org.name.casefold(): org for org in HostOrganization.objects.filter(council=council)}
    contacts = list(Contact.objects.filter(organization__council=council).select_related("organization"))
    by_id = {contact.pk: contact for contact in contacts}
    by_email = {(c.organization_id, c.email.casefold()): c for c in contacts if c.email}
    by_name = {(c.organization_id, c.name.casefold()): c for c in contacts}
    plans, seen_contacts = {}, {}
    for row in sheet.rows:
        if row.extra_cells:
            report.errors.append(RowError(row.line, _("More cells than columns.")))
            continue
        name = row.get("organization")
        if not name:
            report.errors.append(RowError(row.line, _("This field is required."), "organization"))
            continue
        key = name.casefold()
        existing = organizations.get(key)
        plan = plans.get(key)
        errors, first_line_of_organization = [], plan is None
        if plan is None:
            plan, errors = _organization_plan(row, existing, council=council)
            plans[key] = plan
        else:
            for field, column in ORGANIZATION_COLUMNS.items():
                text = row.get(column)
                if text and column in plan.values and _differs(field, plan.values[column], text):
                    message = _("“%(value)s” differs from line %(line)s of this organization.")
                    errors.append(RowError(row.line, message % {"value": text, "line": plan.line}, column))
                elif text and column not in plan.values:
                    message = _("Give the organization's %(column)s on its first line (%(line)s).")
                    errors.append(RowError(row.line, message % {"column": column, "line": plan.line}, column))
            if not plan.ok:
                errors.append(
                    RowError(row.line, _("The organization has errors on line %(line)s.") % {"line": plan.line})
                )
        contact, contact_form, contact_changes = None, None, []
        if _has_contact(row):
            try:
                contact = _find_contact(row, existing, by_id=by_id, by_email=by_email, by_name=by_name)
            except LookupError as error:
                errors.append(RowError(row.line, str(error), "contact_id"))
                contact = False
            if contact and contact.pk in seen_contacts:
                line = seen_contacts[contact.pk]
                errors.append(spreadsheets.duplicate_error(row.line, "contact_id", contact.pk, line))
            elif contact is not False:
                if contact is not None:
                    seen_contacts[contact.pk] = row.line
                target = contact or Contact(organization=existing)
                before = _cells(target, CONTACT_COLUMNS)
                data, contact_errors = _form_data(
                    row, target, CONTACT_COLUMNS, keep_empty={"preferred_language", "active"}
                )
                contact_form = _validated(
                    ContactRowForm, data, target, CONTACT_COLUMNS, council=council, line=row.line, errors=contact_errors
                )
                errors += contact_errors
                if contact is not None and not errors:
                    contact_changes = _changes(before, contact_form.instance, CONTACT_COLUMNS, set(sheet.columns))
                    if contact.organization_id != getattr(existing, "pk", None):  # moved to another organization
                        contact_changes.insert(0, ("organization", contact.organization.name, name))
        if errors:
            report.add_errors(errors)
            continue
        changes = (plan.changes if first_line_of_organization else []) + contact_changes
        if contact_form is not None:
            label, obj = f"{contact_form.instance.name}, {plan.form.instance.name}", contact
        elif first_line_of_organization:
            label, obj = plan.form.instance.name, existing  # None: the organisation is added on this line
        else:
            label, obj = plan.form.instance.name, plan  # already planned on its first line: nothing more to do
        report.planned.append(
            spreadsheets.Planned(
                line=row.line, label=label, obj=obj, changes=changes, form=contact_form, extra={"organization": plan}
            )
        )
    return report


def import_contacts(*, report):
    """Write the valid rows of ``report`` that change something, in one transaction; returns the report with
    the organisations and contacts it created or updated (``report.saved``, for the audit log)."""
    saved = []
    with transaction.atomic():
        for planned in report.to_write:
            plan = planned.extra["organization"]
            if plan.saved is None and not (plan.created or plan.changes):
                plan.saved = plan.form.instance  # as stored: its contacts change, not the organisation
            elif plan.saved is None:
                plan.saved = plan.form.save()
                saved.append((planned.line, plan.saved, plan.created))
            if planned.form is not None:
                planned.form.instance.organization = plan.saved
                created = planned.form.instance.pk is None
                saved.append((planned.line, planned.form.save(), created))
            if planned.obj is None:
                report.created += 1
            else:
                report.updated += 1
    report.saved = saved
    report.written = True
    return report


# Venues


def venues_for_export(council):
    return Venue.objects.filter(council=council).select_related("organization").order_by("name", "pk")


def export_venues(venues):
    for venue in venues:
        cells = {"id": venue.pk, **_cells(venue, VENUE_COLUMNS)}
        yield [cells[column] for column in VENUES]


def read_venues(sheet, *, council):
    """Validate every row of ``sheet`` for the council's venues; nothing is written."""
    report = spreadsheets.ImportReport()
    header_errors = spreadsheets.match_columns(sheet, known=VENUES, required=VENUES_REQUIRED, aliases=VENUES_ALIASES)
    if header_errors:
        report.add_errors(header_errors)
        return report
    organizations = {org.name.casefold(): org for org in HostOrganization.objects.filter(council=council)}
    venues = list(Venue.objects.filter(council=council).select_related("organization"))
    by_id = {venue.pk: venue for venue in venues}
    by_name = {venue.name.casefold(): venue for venue in venues}
    seen_ids, seen_names = {}, {}
    for row in sheet.rows:
        if row.extra_cells:
            report.errors.append(RowError(row.line, _("More cells than columns.")))
            continue
        errors = []
        venue = None
        if row.get("id"):
            try:
                venue = by_id[int(row.get("id"))]
            except (ValueError, KeyError):
                message = _("No venue of the council has the id %(id)s.") % {"id": row.get("id")}
                report.errors.append(RowError(row.line, message, "id"))
                continue
        else:
            venue = by_name.get(row.get("name").casefold())
        name_key = row.get("name").casefold() or (venue.name.casefold() if venue else "")
        if venue is not None and venue.pk in seen_ids:
            report.errors.append(spreadsheets.duplicate_error(row.line, "id", venue.pk, seen_ids[venue.pk]))
            continue
        if name_key and name_key in seen_names:
            report.errors.append(spreadsheets.duplicate_error(row.line, "name", row.get("name"), seen_names[name_key]))
            continue
        if venue is not None:
            seen_ids[venue.pk] = row.line
        if name_key:
            seen_names[name_key] = row.line
        other = by_name.get(name_key)
        if other is not None and other != venue:
            errors.append(RowError(row.line, _("Another venue of the council has this name."), "name"))
        target = venue or Venue(council=council)
        before = _cells(target, VENUE_COLUMNS)
        organization = target.organization
        if "organization" in row.values:
            organization_name = row.values["organization"]
            organization = organizations.get(organization_name.casefold()) if organization_name else None
            if organization_name and organization is None:
                message = _("No host organization of the directory is named “%(name)s”.") % {"name": organization_name}
                errors.append(RowError(row.line, message, "organization"))
        data, cell_errors = _form_data(row, target, VENUE_COLUMNS)
        _keep_stored_case(data, venue)
        errors += cell_errors
        form = _validated(VenueRowForm, data, target, VENUE_COLUMNS, council=council, line=row.line, errors=errors)
        if errors:
            report.add_errors(errors)
            continue
        form.instance.organization = organization
        changes = _changes(before, form.instance, VENUE_COLUMNS, set(sheet.columns)) if venue is not None else []
        report.planned.append(
            spreadsheets.Planned(line=row.line, label=form.instance.name, obj=venue, changes=changes, form=form)
        )
    return report


def import_venues(*, report):
    """Write the valid rows of ``report`` that change something, in one transaction; returns the report."""
    saved = []
    with transaction.atomic():
        for planned in report.to_write:
            organization = planned.form.instance.organization
            venue = planned.form.save(commit=False)
            venue.organization = organization
            venue.save()
            saved.append((planned.line, venue, planned.obj is None))
            if planned.obj is None:
                report.created += 1
            else:
                report.updated += 1
    report.saved = saved
    report.written = True
    return report
