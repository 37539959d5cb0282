"""``rusfelt indikatorer import|definisjoner|endringer``: indicator sets from the shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import audit
from rusfelt.core.dokumenter import sheets
from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.models import OrgUnit
from rusfelt.core.uploads import read_path
from rusfelt.indikatorer import services
from rusfelt.indikatorer.domain.change import rounded
from rusfelt.indikatorer.models import Indikatorsett, Verdi


class Command(BaseCommand):
    help = (
        "Indicator sets. 'import --sett SLUG FILE': values in the long layout "
        "indikator,enhet,ar,verdi[,merknad] or the wide layout (indikator and one column "
        "per year), CSV or XLSX, all or nothing. 'definisjoner --sett SLUG FILE': "
        "indicator definitions (nummer,gruppe,tittel,art and optionally type,maleenhet,"
        "kilde,retning,nullpunkt,beregn_endring,kildehenvisning,gruppenavn,nokkel,merknad); "
        "the set is created if new. 'endringer --sett SLUG [--enhet KODE] --format csv': "
        "indikator,fra,til,endring,enhet,vurdering on stdout."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import values (long or wide layout).",
            description=(
                "Long layout: indikator,enhet,ar,verdi[,merknad] and optionally forelopig, "
                "brudd (ja/nei) and mangler_arsak. Wide layout: indikator[,enhet] and one "
                "column per year (2016,2017,...), as the seed's tables; cells may be written "
                "as printed (13 936, 5 %, 3,41, N/A). CSV (comma or semicolon, UTF-8) or XLSX. "
                "All or nothing: every bad cell is reported by line and column."
            ),
        )
        imp.add_argument("--sett", required=True)
        imp.add_argument("--enhet", default=services.NATIONAL_CODE,
                         help="Unit of the wide layout when it has no enhet column (0).")
        imp.add_argument("--dry-run", action="store_true", help="Check only; store nothing.")
        imp.add_argument("file")
        defs = sub.add_parser(
            "definisjoner", help="Import indicator definitions.",
            description=(
                "Columns: nummer (stable number, gaps allowed), gruppe (group code; with "
                "gruppenavn a new group is made), tittel, art (andel, antall, kroner, arsverk, "
                "dager, score, ratio); optional: type (innsats, aktivitet, resultat, effekt, "
                "ukjent), maleenhet, kilde, retning (up/down/none/unknown or opp/ned/ingen/"
                "ukjent), nullpunkt (baseline year), beregn_endring (ja/nei), desimaler, "
                "kildehenvisning, nokkel, merknad. Rows update indicators by number."
            ),
        )
        defs.add_argument("--sett", required=True)
        defs.add_argument("--navn", help="Name of a new set (default: the slug).")
        defs.add_argument("file")
        ch = sub.add_parser(
            "endringer", help="Print computed changes and judgements.",
            description=(
                "CSV on stdout: indikator,fra,til,endring,enhet,vurdering, one row per "
                "indicator and change column (each year, then the period). endring has a "
                "decimal point and is empty for N/A; enhet is prosentpoeng or prosent; "
                "vurdering is gronn, gul, rod or gra."
            ),
        )
        ch.add_argument("--sett", required=True)
        ch.add_argument("--enhet", default=services.NATIONAL_CODE)
        ch.add_argument("--format", choices=["csv"], default="csv")
        ch.add_argument("--til", type=int, help="Last year (default: the latest with values).")

    def handle(self, *args, action, **options):
        if action == "endringer":
            return self._changes(**options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Finner ikke filen {path}.")
        try:
            if action == "import":
                sett = self._sett(options["sett"])
                result = services.import_values(
                    sett, read_path(path), path.name, default_unit_code=options["enhet"],
                    dry_run=options["dry_run"],
                )
                prefix = "Kontrollert (ingenting lagret): " if options["dry_run"] else ""
                self.stdout.write(
                    f"{prefix}{result['rows']} verdier lest ({result['layout']} format), "
                    f"{result['created']} nye, {result['updated']} endret."
                )
            else:
                sett, _ = Indikatorsett.objects.get_or_create(
                    slug=options["sett"], defaults={"name": options["navn"] or options["sett"]}
                )
                result = services.import_definitions(sett, read_path(path), path.name)
                self.stdout.write(
                    f"{result['created']} indikatorer opprettet, {result['updated']} oppdatert, "
                    f"{result['groups']} nye grupper."
                )
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except InvalidRows as exc:
            raise CommandError(
                f"Ingenting er lagret. {len(exc.errors)} feil:\n" + str(exc)
            ) from exc

    def _sett(self, slug):
        try:
            return Indikatorsett.objects.get(slug=slug)
        except Indikatorsett.DoesNotExist as exc:
            raise CommandError(f"Finner ikke indikatorsettet «{slug}».") from exc

    def _changes(self, *, sett, enhet, til, **options):
        sett = self._sett(sett)
        try:
            unit = OrgUnit.objects.get(code=enhet)
        except OrgUnit.DoesNotExist as exc:
            raise CommandError(f"Finner ikke enheten «{enhet}».") from exc
        last = til
        first = None
        if til is not None:
            first = max(til - 2, sett.baseline_year or til - 2)
        table = services.status_table(
            sett, unit, Verdi.objects.all(), first_year=first, last_year=last
        )
        audit.record_export({"format": "csv", "sett": sett.slug}, obj=sett, unit=unit)
        rows = []
        for number, change in services.change_rows(table):
            value = rounded(change.value)
            rows.append([number, change.from_year, change.to_year, value,
                         change.measure.value, change.judgement.value])
        sheets.write_csv(self.stdout, [
            ["indikator", "fra", "til", "endring", "enhet", "vurdering"], *rows])
