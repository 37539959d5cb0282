"""``rusfelt enheter import|eksport|befolkning``: organisation units and population."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import audit, services
from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.uploads import read_path


class Command(BaseCommand):
    help = (
        "Organisation units: 'import FILE' (CSV/XLSX with kode,navn,niva,overordnet,"
        "gyldig_fra,gyldig_til), 'eksport' (CSV on stdout), 'befolkning FILE' "
        "(enhet,ar,kjonn,alder_fra,alder_til,antall[,omtrentlig]). Imports are all or nothing."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import units from CSV or XLSX.")
        imp.add_argument("file")
        sub.add_parser("eksport", help="Write all units as CSV on stdout.")
        pop = sub.add_parser("befolkning", help="Import population figures from CSV or XLSX.")
        pop.add_argument("file")

    def handle(self, *args, action, **options):
        if action == "eksport":
            n = services.export_units_csv(self.stdout)
            audit.record_export({"export": "enheter", "rows": n})
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Finner ikke filen {path}.")
        try:
            if action == "import":
                result = services.import_units(read_path(path), path.name)
                self.stdout.write(
                    f"{result['created']} enheter opprettet, {result['updated']} oppdatert."
                )
            else:
                n = services.import_population(read_path(path), path.name)
                self.stdout.write(f"{n} befolkningsceller importert.")
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except InvalidRows as exc:
            raise CommandError(
                f"Ingenting er lagret. {len(exc.errors)} feil:\n" + str(exc)
            ) from exc
