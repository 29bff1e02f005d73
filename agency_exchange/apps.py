from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyExchangeConfig(AppConfig):
    name = "agency_exchange"
    verbose_name = _("Exchange with the agency")
