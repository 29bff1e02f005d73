import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def _zones():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in _zones():
        raise ValidationError(_("%(value)s is not a known time zone (e.g. America/Chicago)."), params={"value": value})
