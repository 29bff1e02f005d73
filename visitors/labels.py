"""Visitor-facing words for the kinds and statuses staff use: short, plain, and translated in this app's catalogue
so that the visitor pages never fall back to staff wording."""

from django.utils.translation import pgettext_lazy

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

STAFF_ROLES = {
    ProgramStaffRole.INTERPRETER: pgettext_lazy("program staff role", "Interpreter"),
    ProgramStaffRole.ESCORT: pgettext_lazy("program staff role", "Escort"),
    ProgramStaffRole.LIAISON: pgettext_lazy("program staff role", "Liaison"),
}
