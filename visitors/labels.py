"""Visitor-facing words for the kinds and statuses staff use: short, plain, and translated in this app's catalogue
so that the visitor pages never fall back to staff wording."""

from django.utils.translation import pgettext_lazy

from journeys.enums import TravelMode
from meetings.enums import ItemKind
from programs.enums import ProgramStaffRole

ITEM_KINDS = {
    ItemKind.MEETING: pgettext_lazy("visitor item kind", "Meeting"),
    ItemKind.SITE_VISIT: pgettext_lazy("visitor item kind", "Site visit"),
    ItemKind.CULTURAL: pgettext_lazy("visitor item kind", "Cultural activity"),
    ItemKind.MEAL: pgettext_lazy("visitor item kind", "Meal"),
    ItemKind.HOME_HOSPITALITY: pgettext_lazy("visitor item kind", "Dinner with a local host"),
    ItemKind.TRAVEL: pgettext_lazy("visitor item kind", "Travel"),
    ItemKind.BRIEFING: pgettext_lazy("visitor item kind", "Briefing"),
    ItemKind.FREE_TIME: pgettext_lazy("visitor item kind", "Free time"),
    ItemKind.VOLUNTEER_SERVICE: pgettext_lazy("visitor item kind", "Volunteer service"),
}

# How the group reaches or leaves a city of a journey (``journeys.Segment``).
TRAVEL_MODES = {
    TravelMode.FLIGHT: pgettext_lazy("visitor travel mode", "Flight"),
    TravelMode.GROUND: pgettext_lazy("visitor travel mode", "Ground transport"),
}

STAFF_ROLES = {
    ProgramStaffRole.INTERPRETER: pgettext_lazy("program staff role", "Interpreter"),
    ProgramStaffRole.ESCORT: pgettext_lazy("program staff role", "Escort"),
    ProgramStaffRole.LIAISON: pgettext_lazy("program staff role", "Liaison"),
}

# The flag after an item's kind agrees with it ("Reunión · Cancelada", "Traslado · Cancelado"): the kinds differ in
# grammatical gender from one language to the next, so each kind has its own message for each flag.
ITEM_FLAGS = {
    ItemKind.MEETING: {
        "cancelled": pgettext_lazy("visitor flag of a meeting", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a meeting", "New"),
        "changed": pgettext_lazy("visitor flag of a meeting", "Changed"),
    },
    ItemKind.SITE_VISIT: {
        "cancelled": pgettext_lazy("visitor flag of a site visit", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a site visit", "New"),
        "changed": pgettext_lazy("visitor flag of a site visit", "Changed"),
    },
    ItemKind.CULTURAL: {
        "cancelled": pgettext_lazy("visitor flag of a cultural activity", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a cultural activity", "New"),
        "changed": pgettext_lazy("visitor flag of a cultural activity", "Changed"),
    },
    ItemKind.MEAL: {
        "cancelled": pgettext_lazy("visitor flag of a meal", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a meal", "New"),
        "changed": pgettext_lazy("visitor flag of a meal", "Changed"),
    },
    ItemKind.HOME_HOSPITALITY: {
        "cancelled": pgettext_lazy("visitor flag of a dinner with a local host", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a dinner with a local host", "New"),
        "changed": pgettext_lazy("visitor flag of a dinner with a local host", "Changed"),
    },
    ItemKind.TRAVEL: {
        "cancelled": pgettext_lazy("visitor flag of a travel", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a travel", "New"),
        "changed": pgettext_lazy("visitor flag of a travel", "Changed"),
    },
    ItemKind.BRIEFING: {
        "cancelled": pgettext_lazy("visitor flag of a briefing", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a briefing", "New"),
        "changed": pgettext_lazy("visitor flag of a briefing", "Changed"),
    },
    ItemKind.FREE_TIME: {
        "cancelled": pgettext_lazy("visitor flag of free time", "Cancelled"),
        "new": pgettext_lazy("visitor flag of free time", "New"),
        "changed": pgettext_lazy("visitor flag of free time", "Changed"),
    },
    ItemKind.VOLUNTEER_SERVICE: {
        "cancelled": pgettext_lazy("visitor flag of a volunteer service", "Cancelled"),
        "new": pgettext_lazy("visitor flag of a volunteer service", "New"),
        "changed": pgettext_lazy("visitor flag of a volunteer service", "Changed"),
    },
}
