from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rusfelt.core"
    verbose_name = _("Kjerne: enheter, tilgang og logg")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
