from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Program coordinator")
    ADMIN = "admin", _("Council admin")
