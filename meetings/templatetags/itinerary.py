"""Template helpers of the itinerary pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, **kwargs):
    """The URL of ``name``, or "" while the page it names does not exist (the link is then left out)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.filter
def field_label(name):
    """The verbose name of an itinerary item field recorded in its history."""
    from meetings.models import ItineraryItem

    try:
        return ItineraryItem._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field renamed since the change was recorded keeps its raw name
        return name
