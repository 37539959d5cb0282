"""``rusfelt worker``: runs the queued background jobs (django-tasks' database worker).

Beside the queue, each worker keeps it tidy: at start and then every few
heartbeats it ends jobs whose worker died (``jobs.reap_stale``), and once an
hour it deletes finished jobs older than ``RUSFELT_JOB_KEEP_DAYS``.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

from rusfelt.drift import jobs

logger = logging.getLogger(__name__)
PRUNE_EVERY = 3600


def _housekeeping(stop: threading.Event):
    """Reap stale jobs every three heartbeats and prune hourly, until ``stop``."""
    pruned_at = time.monotonic()
    try:
        while not stop.wait(3 * settings.RUSFELT_JOB_HEARTBEAT):
            try:
                jobs.reap_stale()
                if time.monotonic() - pruned_at >= PRUNE_EVERY:
                    jobs.prune()
                    pruned_at = time.monotonic()
            except DatabaseError:
                logger.exception("Job housekeeping failed; trying again later")
    finally:
        connection.close()


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
        # Like `serve`: the shared cache's table, should this machine be the first.
        call_command("createcachetable", verbosity=0)
        reaped, pruned = jobs.reap_stale(), jobs.prune()
        if options["verbosity"] and (reaped or pruned):
            self.stdout.write(f"Avsluttet {reaped} avbrutte jobber, slettet {pruned} gamle.")
        stop = threading.Event()
        keeper = None
        if not batch:
            keeper = threading.Thread(target=_housekeeping, args=(stop,), daemon=True,
                                      name="job-housekeeping")
            keeper.start()
        try:
            call_command("db_worker", interval=interval, batch=batch,
                         verbosity=options["verbosity"])
        finally:
            stop.set()
            if keeper is not None:
                keeper.join(timeout=5)
