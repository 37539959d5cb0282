"""``rusfelt worker``: runs the queued background jobs (django-tasks' database worker)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend


class Command(BaseCommand):
    help = (
        "Run queued background jobs (imports, documents, publishing) until stopped. "
        "Start as many as you like, on any machine with the same settings; each job "
        "runs once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at the queue when it is empty")
        parser.add_argument("--batch", action="store_true",
                            help="run what is queued now, then stop")

    def handle(self, *args, interval, batch, **options):
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError(
                "Jobbene kjøres i forespørselen (RUSFELT_TASKS er ikke «database»), så det er "
                "ingen kø å arbeide på. Sett RUSFELT_TASKS=database, eller bruk "
                "produksjonsinnstillingene.")
        call_command("db_worker", interval=interval, batch=batch, verbosity=options["verbosity"])
