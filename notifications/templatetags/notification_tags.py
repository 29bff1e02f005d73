from django import template

from notifications.acknowledgements import acknowledgements_for

register = template.Library()


@register.simple_tag
def item_acknowledgements(item):
    """``{% item_acknowledgements item as acks %}``: who among the item's hosts acknowledged its current version."""
    return acknowledgements_for(item)
