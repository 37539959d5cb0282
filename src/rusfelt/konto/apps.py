from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KontoConfig(AppConfig):
    name = "rusfelt.konto"
    verbose_name = _("Konto: innlogging, tofaktor og single sign-on")

    def ready(self):
        from . import signals  # noqa: F401  (registers receivers)
