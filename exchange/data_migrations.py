"""What the migrations that turned free text into countries and phone numbers do with the rows they find.

- A phone number is rewritten in E.164, read in the country of the row's council when it has no "+" (the
  councils' country is the United States unless an admin said otherwise). A value that is no valid number, or
  has an extension, is left exactly as typed, and one warning line names it (model, id, value): it stays on the
  record's pages, marked, and its form asks for a valid number when staff next edit it (``exchange.phones``).
- A participant's country is rewritten as its ISO code (``exchange.countries.country_code``: names in every
  language of django-countries, codes, a few aliases). A value nothing matches leaves the country empty and is
  kept in ``country_as_typed``, which the delegation pages show until staff choose the country; a warning line
  names it.

Both only run forwards; going back leaves the codes and E.164 numbers in the free-text columns, which is valid
free text.
"""

import logging

from exchange import countries, phones

logger = logging.getLogger("exchange.migrations")


def normalise_phones(model, *, country_path, field="phone"):
    """Rewrite ``model``'s ``field`` in E.164; ``country_path`` leads from a row to its council's country."""
    rows = model.objects.exclude(**{field: ""}).values_list("pk", field, country_path)
    kept = []
    for pk, text, country in rows.iterator():
        value, ok = phones.normalise(text, phones.region_for(country))
        if not ok:
            kept.append((pk, text))
        elif value != text:
            model.objects.filter(pk=pk).update(**{field: value})
    for pk, text in kept:
        logger.warning(
            "%s #%s: the %s %r is not a valid phone number (or has an extension); kept as typed for staff to fix.",
            model._meta.label,
            pk,
            field,
            text,
        )
    return kept


def participant_countries(model):
    """Rewrite participants' free-text countries as ISO codes; what no code matches goes to ``country_as_typed``."""
    unknown = []
    for pk, text in model.objects.values_list("pk", "country").iterator():
        code = countries.country_code(text)
        if code:
            if code != text:
                model.objects.filter(pk=pk).update(country=code)
        elif text.strip():
            unknown.append((pk, text))
            model.objects.filter(pk=pk).update(country="", country_as_typed=text.strip()[:100])
    for pk, text in unknown:
        logger.warning(
            "%s #%s: the country %r matches no country; left empty, kept in country_as_typed for staff to choose.",
            model._meta.label,
            pk,
            text,
        )
    return unknown
