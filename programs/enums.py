from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNING = "planning", _("Planning")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ProgramType(models.TextChoices):
    IVLP = "ivlp", _("IVLP")
    OTHER = "other", _("Other exchange program")


class Consent(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class ProgramStaffRole(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreter")
    ESCORT = "escort", _("Escort")
    LIAISON = "liaison", _("Liaison")
