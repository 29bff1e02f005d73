"""``{% load phone_numbers %}{% phone_link contact.phone %}``: a phone number people can tap.

A stored number is E.164 (``exchange.phones``): it is shown in the international format and linked as
``tel:+12105550100``, which dials from any country. A value kept as typed because it was no valid number (older
data) is shown as it is, without a link; with ``flag=True`` (staff pages) it is marked for staff to correct.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from exchange import phones

register = template.Library()


@register.simple_tag
def phone_link(value, flag=False):
    if not value:
        return ""
    if phones.is_dialable(value):
        return format_html('<a href="tel:{}">{}</a>', value.as_e164, value.as_international)
    if flag:
        return format_html(
            '{} <small class="text-warning-emphasis">({})</small>', str(value), _("not a valid phone number")
        )
    return str(value)


@register.filter
def tel_url(value):
    """``tel:`` and the E.164 number, or "" for a value that is no valid number."""
    return f"tel:{value.as_e164}" if phones.is_dialable(value) else ""
