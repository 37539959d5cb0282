from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TjenesterConfig(AppConfig):
    name = "rusfelt.tjenester"
    verbose_name = _("Tjenester")
    #: Shown in the main navigation.
    nav_label = _("Tjenester")
    nav_description = _("En offentlig, søkbar oversikt over hjelpetilbud.")
