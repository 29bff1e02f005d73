"""``{% load local_time %}``: every time on a staff page, on the right clock and labelled with its zone.

- ``{{ moment|local_time:subject }}`` → "Wed 2 Dec 2026, 18:17 CST"
- ``{{ moment|local_clock:subject }}`` → "18:17 CST"
- ``{% local_time moment subject "j M, H:i" %}`` → the moment in a format of the page's choosing, then the zone
- ``{% local_span start end subject %}`` → "Wed 2 Dec, 18:00–21:00 CST"

``subject`` says whose clock (``councils.time_zones.zone_for``): an item, slot, request, invitation or stop (its
stop's zone), a program or anything of one (the stop the group is in at that moment), a council, or a zone name.
Without one — or when it names no zone — the council of the page's request is used.
"""

from django import template
from django.utils import dateformat

from councils import time_zones

register = template.Library()


def _council(context):
    request = context.get("request") if context is not None else None
    return getattr(request, "council", None) or (context or {}).get("council")


@register.filter
def local_time(moment, subject=None):
    return time_zones.format_local(moment, time_zones.zone_for(subject, moment), time_zones.DATE_TIME)


@register.filter
def local_clock(moment, subject=None):
    return time_zones.format_local(moment, time_zones.zone_for(subject, moment), time_zones.TIME)


@register.simple_tag(takes_context=True, name="local_time")
def local_time_tag(context, moment, subject=None, format_string=time_zones.DATE_TIME):
    zone = time_zones.zone_for(subject, moment, council=_council(context))
    return time_zones.format_local(moment, zone, format_string)


@register.simple_tag(takes_context=True)
def local_span(context, starts_at, ends_at, subject=None, format_string=time_zones.SHORT_DATE_TIME):
    if not starts_at or not ends_at:
        return ""
    zone = time_zones.zone_for(subject, starts_at, council=_council(context))
    return time_zones.format_span(starts_at, ends_at, zone, format_string)


@register.simple_tag(takes_context=True)
def local_zone(context, subject=None, moment=None):
    """``{% local_zone subject as zone %}``: the zone itself, e.g. for Django's ``{% timezone zone %}``."""
    return time_zones.zone_for(subject, moment, council=_council(context))


@register.simple_tag(takes_context=True)
def local_date(context, moment, subject=None, format_string="j M Y"):
    """``{% local_date moment subject "j M" %}``: only the date of ``moment``, on the same clock (no zone label:
    a date is not a time, but the evening of 2 December in Chicago is still the 2nd)."""
    if not moment:
        return ""
    zone = time_zones.zone_for(subject, moment, council=_council(context))
    return dateformat.format(time_zones.localise(moment, zone), format_string)
