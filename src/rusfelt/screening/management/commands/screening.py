"""``rusfelt screening skar``: score one set of answers and print the result as JSON.

    rusfelt screening skar --instrument audit --kjonn kvinne --svar 0,1,2,0,0,0,0,0,0,2

Each answer is the 0-based index of the chosen option of that item. Wrong
input gives a Norwegian message and exit code 2. Nothing is stored.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from rusfelt.screening.domain import scoring
from rusfelt.screening.domain.instruments import INSTRUMENTS


class Command(BaseCommand):
    help = "Screening (AUDIT, AUDIT-C, DUDIT): skår ett sett svar og skriv resultatet som JSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        skar = sub.add_parser("skar", help="Skår svar og skriv JSON.")
        skar.add_argument("--instrument", required=True, choices=list(INSTRUMENTS))
        skar.add_argument("--kjonn", required=True, choices=[s.value for s in scoring.Sex])
        skar.add_argument(
            "--svar", required=True,
            help="0-baserte svaralternativ per spørsmål, skilt med komma (0,1,4,...).",
        )

    def handle(self, *args, subcommand, **options):
        try:
            answers = scoring.parse_answers(options["svar"])
            result = scoring.score(options["instrument"], options["kjonn"], answers)
        except scoring.AnswerError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
