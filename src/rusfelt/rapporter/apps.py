from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapporterConfig(AppConfig):
    name = "rusfelt.rapporter"
    verbose_name = _("Rapporter")
    #: Shown in the main navigation.
    nav_label = _("Rapporter")
    nav_description = _("Kunnskapsgrunnlaget, produsert fra kartlegging, indikatorer og planer.")
