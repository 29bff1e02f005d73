"""Template helpers of the itinerary pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What the history records beside the item's own fields (``change_item(events=...)``): a meeting request's steps.
EVENT_LABELS = {
    "meeting_request": _("meeting request"),
    "proposed_time": _("proposed time"),
}


@register.filter
def field_label(name):
    """The label of a field (or event) recorded in an item's history, in the active language."""
    from meetings.models import ItineraryItem

    if name in EVENT_LABELS:
        return EVENT_LABELS[name]
    try:
        return ItineraryItem._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field renamed since the change was recorded: its name, readable
        return str(name).replace("_", " ")
