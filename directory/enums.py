from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    JUSTICE = "justice", _("Justice and prosecution")
    NGO = "ngo", _("Non-profit")
    MEDIA = "media", _("Media")
    ACADEMIA = "academia", _("University")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SHELTER = "shelter", _("Shelter and services")
    CULTURE = "culture", _("Culture")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")
