from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "rusfelt.screening"
    verbose_name = _("Screening")
    nav_label = _("Screening")
    nav_description = _("AUDIT, AUDIT-C og DUDIT: offentlig selvtest og kartleggingsvariabler.")
    built = True
