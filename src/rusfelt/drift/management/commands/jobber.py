"""``rusfelt jobber status|rydd``: the job queue as the operations team sees it."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from rusfelt.drift import jobs
from rusfelt.drift.models import Job, JobState


class Command(BaseCommand):
    help = (
        "Show the job queue (status), or end jobs whose worker died and delete "
        "finished jobs older than RUSFELT_JOB_KEEP_DAYS (rydd). Each `rusfelt worker` "
        "does the same by itself; `rydd` is for a machine without a worker running."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="count waiting, running and stale jobs")
        rydd = sub.add_parser("rydd", help="end stale jobs and delete old finished ones")
        rydd.add_argument("--dager", type=int, default=None,
                          help="keep finished jobs this many days "
                               "(default RUSFELT_JOB_KEEP_DAYS)")

    def handle(self, *args, action, **options):
        if action == "status":
            now = timezone.now()
            stale = Job.objects.stale(now - timedelta(seconds=settings.RUSFELT_JOB_STALE_AFTER))
            self.stdout.write(
                f"venter: {Job.objects.filter(state=JobState.WAITING).count()}\n"
                f"kjører: {Job.objects.filter(state=JobState.RUNNING).count()}\n"
                f"uten livstegn i {settings.RUSFELT_JOB_STALE_AFTER:g} s: {stale.count()}")
            return
        reaped = jobs.reap_stale()
        pruned = jobs.prune(keep_days=options["dager"])
        self.stdout.write(f"Avsluttet {reaped} avbrutte jobber, slettet {pruned} ferdige jobber.")
