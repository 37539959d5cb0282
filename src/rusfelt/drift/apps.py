from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DriftConfig(AppConfig):
    """Operations: background jobs and their progress, health, serving."""

    name = "rusfelt.drift"
    verbose_name = _("Drift: jobber og helse")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(using="default", verbosity=0, **kwargs):
    """`migrate` also makes the shared cache's table (a no-op for other caches)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
