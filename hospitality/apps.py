from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HospitalityConfig(AppConfig):
    name = "hospitality"
    verbose_name = _("Hospitality")
