"""``rusfelt planer liste|rapport|import|eksport``: plans on the command line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import audit
from rusfelt.core.dokumenter import render
from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.core.models import OrgUnit
from rusfelt.core.uploads import read_path
from rusfelt.planer import report, services
from rusfelt.planer.models import Plan


class Command(BaseCommand):
    help = (
        "Action plans: 'liste' (CSV slug,enhet,tittel,fra,til,antall_tiltak on stdout), "
        "'rapport --plan SLUG --periode YEAR --format html|pdf|docx|xlsx -o FILE', "
        "'import FILE --plan SLUG --enhet CODE --tittel T --fra YEAR --til YEAR', "
        "'eksport --plan SLUG [--format csv|xlsx] -o FILE'. Imports are all or nothing."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("liste", help="List plans as CSV on stdout.")
        rap = sub.add_parser("rapport", help="Write the yearly status report.")
        rap.add_argument("--plan", required=True)
        rap.add_argument("--periode", required=True, type=int)
        rap.add_argument("--format", choices=report.FORMATS, default="html")
        rap.add_argument("-o", "--output", required=True)
        imp = sub.add_parser("import", help="Import a plan file (CSV or XLSX).")
        imp.add_argument("file")
        imp.add_argument("--plan", required=True, help="slug of the plan to create or fill")
        imp.add_argument("--enhet", required=True, help="owner unit code")
        imp.add_argument("--tittel", required=True)
        imp.add_argument("--fra", type=int, required=True)
        imp.add_argument("--til", type=int, required=True)
        imp.add_argument("--vedtak", default="")
        exp = sub.add_parser("eksport", help="Export a plan in the plan-file layout.")
        exp.add_argument("--plan", required=True)
        exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exp.add_argument("-o", "--output", default="-")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_liste(self, **options):
        services.list_csv(self.stdout)

    def _plan(self, slug):
        plan = Plan.objects.filter(slug=slug).select_related("owner").first()
        if plan is None:
            raise CommandError(f"Finner ingen plan med kortnavn «{slug}».")
        return plan

    def handle_rapport(self, plan, periode, format, output, **options):
        plan = self._plan(plan)
        data = render.render(report.build(plan, periode), format)
        Path(output).write_bytes(data)
        audit.record_export({"report": "statusrapport", "year": periode, "format": format},
                            obj=plan)
        self.stdout.write(f"Skrev {output} ({len(data)} byte).")

    def handle_eksport(self, plan, format, output, **options):
        plan = self._plan(plan)
        data = services.export_csv(plan) if format == "csv" else services.export_xlsx(plan)
        audit.record_export({"format": format}, obj=plan)
        if output == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(output).write_bytes(data)

    def handle_import(self, file, plan, enhet, tittel, fra, til, vedtak, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Finner ikke filen {path}.")
        owner = OrgUnit.objects.filter(code=enhet).first()
        if owner is None:
            raise CommandError(f"Finner ingen enhet med kode «{enhet}».")
        if fra > til:
            raise CommandError("--fra kan ikke være etter --til.")
        fields = services.PlanFields(plan, tittel, owner, fra, til, vedtak)
        try:
            result = services.import_plan(read_path(path), path.name, fields)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except InvalidRows as exc:
            raise CommandError(f"Ingenting er lagret. {len(exc.errors)} feil:\n{exc}") from exc
        self.stdout.write(f"Plan {result.slug}: {result.tiltak.count()} tiltak.")
