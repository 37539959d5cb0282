"""``rusfelt rapporter lag --enhet CODE --ar YEAR --format html|pdf -o FILE``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from rusfelt.core.models import OrgUnit
from rusfelt.rapporter import services
from rusfelt.rapporter.views import render_pdf


class Command(BaseCommand):
    help = "Write the yearly knowledge-base report of a unit as HTML or PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        make = sub.add_parser("lag", help="Make the report of one unit and year.")
        make.add_argument("--enhet", required=True, help="Unit code, e.g. 030104")
        make.add_argument("--ar", required=True, type=int)
        make.add_argument("--format", choices=["html", "pdf"], default="html")
        make.add_argument("-o", "--output", required=True)
        make.add_argument(
            "--som", default="",
            help="Build as this user (their plans only); default: every plan of the unit.",
        )

    def handle(self, *args, action, **options):
        try:
            unit = OrgUnit.objects.get(code=options["enhet"])
        except OrgUnit.DoesNotExist as exc:
            raise CommandError(f"Ukjent enhet «{options['enhet']}».") from exc
        user = self._user(options["som"])
        report = services.build_report(unit, options["ar"], user)
        context = {"report": report, "unit": unit}
        path = Path(options["output"])
        if options["format"] == "pdf":
            path.write_bytes(render_pdf(context))
        else:
            path.write_text(render_to_string("rapporter/report_pdf.html", context))
        self.stdout.write(f"Skrev {path}.")

    def _user(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist as exc:
                raise CommandError(f"Ukjent bruker «{username}».") from exc
        # The command line runs with the operator's full rights, as a superuser would.
        return User(username="kommandolinje", is_superuser=True, is_active=True)
