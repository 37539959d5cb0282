"""``rusfelt rapporter lag --enhet CODE --ar YEAR --format html|pdf|docx|xlsx -o FILE``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rusfelt.core import audit
from rusfelt.core.dokumenter import render
from rusfelt.core.models import OrgUnit
from rusfelt.rapporter import services


class Command(BaseCommand):
    help = "Write the yearly knowledge-base report of a unit as HTML, PDF, DOCX or XLSX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        make = sub.add_parser("lag", help="Make the report of one unit and year.")
        make.add_argument("--enhet", required=True, help="Unit code, e.g. 030104")
        make.add_argument("--ar", required=True, type=int)
        make.add_argument("--format", choices=["html", "pdf", "docx", "xlsx"], default="html")
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
        path = Path(options["output"])
        path.write_bytes(render.render(report, options["format"]))
        audit.record_export({"export": "rapport", "format": options["format"],
                             "year": options["ar"]},
                            unit=unit, user=user if user.pk else None)
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
