"""Template helpers of the itinerary pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_label(name):
    """The verbose name of an itinerary item field recorded in its history."""
    from meetings.models import ItineraryItem

    try:
        return ItineraryItem._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field renamed since the change was recorded keeps its raw name
        return name
