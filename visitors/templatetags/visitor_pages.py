"""Small helpers of the visitor templates."""

from urllib.parse import urlencode

from django import template

from meetings.enums import ItemKind
from visitors.labels import ITEM_FLAGS, ITEM_KINDS, STAFF_ROLES, TRAVEL_MODES

register = template.Library()


@register.filter
def map_url(venue):
    """An OpenStreetMap link: the exact point when the venue has coordinates, otherwise a search for its address."""
    if venue.latitude is not None and venue.longitude is not None:
        lat, lon = f"{venue.latitude:.6f}", f"{venue.longitude:.6f}"
        return f"https://www.openstreetmap.org/?{urlencode({'mlat': lat, 'mlon': lon})}#map=17/{lat}/{lon}"
    query = ", ".join(part for part in (venue.address, venue.city) if part) or venue.name
    return f"https://www.openstreetmap.org/search?{urlencode({'query': query})}"


@register.filter
def kind_label(item):
    return ITEM_KINDS.get(item.kind, item.get_kind_display())


@register.filter
def flag_label(item, flag):
    """The flag ("cancelled", "new" or "changed") in agreement with the item's kind."""
    return ITEM_FLAGS.get(item.kind, ITEM_FLAGS[ItemKind.MEETING])[flag]


@register.filter
def role_label(staff_member):
    return STAFF_ROLES.get(staff_member.role, staff_member.get_role_display())


@register.filter
def travel_mode_label(passage):
    return TRAVEL_MODES.get(passage.mode, passage.mode)
