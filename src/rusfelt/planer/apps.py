from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanerConfig(AppConfig):
    name = "rusfelt.planer"
    verbose_name = _("Planer")
    #: Shown in the main navigation.
    nav_label = _("Planer")
    nav_description = _(
        "Handlingsplaner med mål, innsatsområder og tiltak, statusoppdateringer og årlig "
        "statusrapport."
    )
