from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KartleggingConfig(AppConfig):
    name = "rusfelt.kartlegging"
    verbose_name = _("Kartlegging")
    #: Shown in the main navigation.
    nav_label = _("Kartlegging")
    nav_description = _(
        "Den årlige kartleggingen av tjenestemottakere: runder, registreringer og resultater."
    )
