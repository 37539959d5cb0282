from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TjenesterConfig(AppConfig):
    name = "rusfelt.tjenester"
    verbose_name = _("Tjenester")
    #: Shown in the main navigation.
    nav_label = _("Tjenester")
    nav_description = _("En offentlig, søkbar oversikt over hjelpetilbud.")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from rusfelt.core.models import OrgUnit

        from .forms import forget_place_choices
        from .search import ensure_schema

        post_save.connect(forget_place_choices, sender=OrgUnit,
                          dispatch_uid="tjenester_forget_places_save")
        post_delete.connect(forget_place_choices, sender=OrgUnit,
                            dispatch_uid="tjenester_forget_places_delete")
        post_migrate.connect(ensure_schema, sender=self, dispatch_uid="tjenester_search_schema")
