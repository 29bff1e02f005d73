"""``{% load language_names %}``: languages by name in the reader's language, never as raw codes.

``{{ participant.preferred_language|language_label }}`` gives "francés" on a Spanish page for "fr";
``{{ volunteer.languages|language_labels }}`` gives "inglés, español" for "en,es" (text that is no known code is
kept as it is). Names come from Django's catalogue of languages (``exchange.languages.language_name``).
"""

from django import template

from exchange.languages import language_name, language_names

register = template.Library()


@register.filter
def language_label(code):
    return language_name(code)


@register.filter
def language_labels(codes):
    """Comma-separated text or a list of codes, as names joined by commas."""
    return ", ".join(language_names(codes))
