"""``rusfelt loaddemo``: the demo data of every app, safe to run twice."""

import importlib
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import demo as core_demo
from rusfelt.core.context_processors import CAPABILITY_APPS


class Command(BaseCommand):
    help = (
        "Load the demo data (units, population, users, and each capability's demo) "
        "into the configured database. Keys on official codes, so a second run changes nothing."
    )

    def handle(self, *args, **options):
        # The demo creates an administrator with a printed password: never in
        # production (only demo and test settings set RUSFELT_ALLOW_DEMO_DATA).
        if not getattr(settings, "RUSFELT_ALLOW_DEMO_DATA", False):
            raise CommandError(
                "loaddemo kjører ikke med produksjonsinnstillinger: demodataene lager "
                "brukere med et kjent passord. Bruk RUSFELT_ENV=demo på en egen maskin.",
                returncode=2)
        self.stdout.write("Enheter, befolkning og brukere …")
        core_demo.load(stdout=self.stdout)
        for label in CAPABILITY_APPS:
            module_name = f"rusfelt.{label}.demo"
            if find_spec(module_name) is None:
                continue
            self.stdout.write(f"{label} …")
            importlib.import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodata er lastet."))
        self.stdout.write("")
        self.stdout.write(f"Demoinnlogging (passord for alle: {core_demo.DEMO_PASSWORD}):")
        for username, _first, _last, grants in core_demo.DEMO_USERS:
            roles = ", ".join(f"{role.label} på {code}" for code, role in grants)
            self.stdout.write(f"  {username:24} {roles}")
