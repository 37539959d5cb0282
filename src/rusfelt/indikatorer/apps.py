from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndikatorerConfig(AppConfig):
    name = "rusfelt.indikatorer"
    verbose_name = _("Indikatorer")
    #: Shown in the main navigation.
    nav_label = _("Indikatorer")
    nav_description = _("Indikatorsett fulgt over år, med beregnet endring og vurdering.")
