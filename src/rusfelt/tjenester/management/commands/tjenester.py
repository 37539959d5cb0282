"""``rusfelt tjenester``: list, search, find stale services and export HSDS 3.0."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import audit
from rusfelt.core.models import AuditAction, OrgUnit
from rusfelt.tjenester import services
from rusfelt.tjenester.api import hsds_document
from rusfelt.tjenester.forms import SokForm
from rusfelt.tjenester.models import Tjeneste


class Command(BaseCommand):
    help = "Tjenestekatalogen: liste, søk, tjenester som må kontrolleres, HSDS-eksport."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        liste = sub.add_parser("liste", help="List tjenester, ev. for én enhet.")
        liste.add_argument("--enhet", help="Kommune- eller bydelsnummer (0301, 030104).")
        sok = sub.add_parser("sok", help="Søk som på nettsiden.")
        sok.add_argument("tekst", nargs="?", default="")
        sok.add_argument("--apen", action="store_true", help="Bare tilbud som er åpne nå.")
        sok.add_argument("--sted", default="", help="Kommune- eller bydelsnummer.")
        foreldet = sub.add_parser("foreldet", help="Tjenester som ikke er kontrollert på 12 mnd.")
        foreldet.add_argument("--enhet")
        hsds = sub.add_parser("hsds", help="Eksporter alle publiserte tjenester som HSDS 3.0.")
        hsds.add_argument("fil", nargs="?", help="Filnavn (standard: skriv til skjermen).")
        hsds.add_argument("--base-url", default="",
                          help="Adressen tjenestesidene lenkes fra (standard: innstillingen "
                               "RUSFELT_PUBLIC_BASE_URL).")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"handle_{subcommand}")(**options)

    def _unit_services(self, code):
        qs = Tjeneste.objects.select_related("unit").order_by("unit__path", "name")
        if code:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"Fant ingen enhet med kode «{code}».")
            qs = qs.filter(unit__path__startswith=unit.path)
        return qs

    def handle_liste(self, enhet=None, **options):
        qs = self._unit_services(enhet)
        for obj in qs:
            state = "" if obj.published else " (ikke publisert)"
            self.stdout.write(f"{obj.slug:45} {obj.unit.code:7} {obj.name}{state}")
        self.stdout.write(f"{qs.count()} tjenester.")

    def handle_sok(self, tekst="", apen=False, sted="", **options):
        form = SokForm({"q": tekst, "apen": "on" if apen else "", "sted": sted})
        if not form.is_valid():
            errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
            raise CommandError(f"Ugyldig søk: {errors}")
        now = services.now_local()
        ids = list(services.search_ids(form.filters(), now))
        for listing in services.listings(services.load(ids), now):
            state = "åpen" if listing.status.is_open else "stengt"
            self.stdout.write(f"{listing.tjeneste.name:50} {state}")
        self.stdout.write(f"{len(ids)} treff.")

    def handle_foreldet(self, enhet=None, **options):
        today = services.now_local().date()
        rows = [o for o in self._unit_services(enhet) if o.is_stale(today)]
        for obj in rows:
            verified = obj.verified_on.isoformat() if obj.verified_on else "aldri"
            self.stdout.write(f"{obj.slug:45} sist kontrollert {verified}")
        self.stdout.write(f"{len(rows)} tjenester må kontrolleres.")

    def handle_hsds(self, fil=None, base_url="", **options):
        base = (base_url or settings.RUSFELT_PUBLIC_BASE_URL).rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise CommandError("Sett RUSFELT_PUBLIC_BASE_URL (f.eks. https://rusfelt.kommune.no) "
                               "eller gi --base-url: eksporten lenker til tjenestesidene.")
        document = hsds_document(lambda path: f"{base}{path}")
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if fil:
            try:
                with open(fil, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as error:
                raise CommandError(f"Kunne ikke skrive {fil}: {error.strerror}") from error
            self.stdout.write(f"{document['total_items']} tjenester skrevet til {fil}.")
        else:
            sys.stdout.write(text + "\n")
        audit.record(AuditAction.EXPORT, detail={"format": "hsds-3.0", "services":
                                                 document["total_items"], "via": "cli"})
