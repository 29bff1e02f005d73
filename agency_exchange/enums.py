from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReceivedKind(models.TextChoices):
    PROGRAM_REQUEST = "program_request", _("Program request")
    ROOMING_LIST = "rooming_list", _("Rooming list")


class VersionReason(models.TextChoices):
    WEEKLY = "weekly", _("Weekly update")
    FELL_THROUGH = "fell_through", _("A meeting fell through")
    FINAL = "final", _("Final itinerary")
    MANUAL = "manual", _("Sent by the council")


class ChangeKind(models.TextChoices):
    ADDED = "added", pgettext_lazy("agency edit", "Added")
    CHANGED = "changed", pgettext_lazy("agency edit", "Changed")
    REMOVED = "removed", pgettext_lazy("agency edit", "Removed")


class Decision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("agency edit", "Waiting for the council")
    ACCEPTED = "accepted", pgettext_lazy("agency edit", "Accepted")
    REJECTED = "rejected", pgettext_lazy("agency edit", "Rejected")
    # Accepting it would have overwritten a newer staff edit: nothing was changed, staff decide again.
    CONFLICT = "conflict", pgettext_lazy("agency edit", "Changed since by staff")
