"""Phone numbers stored in E.164 (``+12105550100``), read in the council's country when typed without "+".

``PhoneField`` is django-phonenumber-field's model field, with one difference: a value it cannot store as E.164
without losing something — text that is no phone number, or a number with an extension, which E.164 has no room
for — is stored exactly as typed instead of being cut. Forms never let such a value in (``PhoneFormField`` asks
for a valid number without an extension); it can only come from the data that was there before numbers were
normalised (see the migrations that did it), and it stays visible: pages print it as typed with no ``tel:`` link
(``councils/templatetags/phone_numbers.py``), and the form shows it with its error when staff next edit the record.

Pages show a number in the international format (``+1 210-555-0100``, ``PHONENUMBER_DEFAULT_FORMAT``), ``tel:``
links and CSV exports use E.164.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field import formfields
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python

FALLBACK_REGION = "US"


def region_for(country):
    """The phone region of a country (a code or a django-countries ``Country``); the United States for none."""
    code = str(getattr(country, "code", country) or "").upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else FALLBACK_REGION


def region_of(council):
    """The region a number typed without "+" is read in: the council's country."""
    return region_for(getattr(council, "country", None))


def parse(text, region=None):
    """A valid ``PhoneNumber`` without an extension, or None."""
    number = to_python(text, region=region) if text else None
    if isinstance(number, PhoneNumber) and number.is_valid() and not number.extension:
        return number
    return None


def normalise(text, region=None):
    """``(E.164 text, True)`` for a number that can be stored as one, else ``(text as typed, False)``."""
    text = (str(text) if text is not None else "").strip()
    if not text:
        return "", True
    number = parse(text, region)
    return (number.as_e164, True) if number else (text, False)


def is_dialable(value):
    """True for a stored number that is a valid E.164 number (a ``tel:`` link can call it)."""
    return bool(value) and isinstance(value, PhoneNumber) and value.is_valid() and not value.extension


class PhoneFormField(formfields.PhoneNumberField):
    """A number typed in the council's country (``region``) or with "+"; no extension."""

    default_error_messages = {
        "extension": _("Type the number without an extension (E.164 has no room for one)."),
    }

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, region=region, **kwargs)
        self._custom_invalid = "invalid" in (kwargs.get("error_messages") or {})

    def set_region(self, region):
        """Read numbers typed without "+" in ``region``; the widget shows such numbers in its national format."""
        self.region = region
        self.widget.region = region
        if not self._custom_invalid:
            # The library's own message, with an example number of the region (translated by its catalogue).
            self.error_messages["invalid"] = formfields.PhoneNumberField(region=region).error_messages["invalid"]

    def validate(self, value):
        super().validate(value)
        if isinstance(value, PhoneNumber) and value.extension:
            raise ValidationError(self.error_messages["extension"], code="extension")


class PhoneField(PhoneNumberField):
    """E.164 in the database; what cannot be E.164 without a loss is kept as typed (see the module)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        number = models.CharField.get_prep_value(self, value)
        if not number:
            return number
        if number.is_valid() and not number.extension:
            return number.as_e164
        return number.raw_input or number.as_e164

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


def localise_phone_fields(form, council):
    """Read the form's phone numbers typed without "+" in the council's country."""
    region = region_of(council)
    for field in form.fields.values():
        if isinstance(field, PhoneFormField):
            field.set_region(region)
