"""Background jobs: start one, run it, report its progress.

Built on django-tasks, the backport of Django 6.0's task framework: its
database backend needs no server besides the database (SQLite or
PostgreSQL) and its immediate backend runs a job inside the request, so the
demo needs no worker. A capability registers a handler in its ``jobs.py``::

    @jobs.handler("kartlegging.import")
    def import_job(job, payload, progress, request):
        ...
        return jobs.Outcome(message=..., url=...)

``progress(done, total, stage)`` records how far it is; raising
``JobFailed`` ends the job with a Norwegian message (and row errors). A
handler calls the same service function the view used to call, so a failed
job stores nothing, as before.
"""

import base64
import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import autodiscover_modules
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.models import DBTaskResult

from rusfelt.core.audit import client_ip

from .models import Job, JobHeartbeat, JobState

logger = logging.getLogger(__name__)

HANDLERS: dict = {}
#: How often (seconds) progress is written to the database at most.
PROGRESS_INTERVAL = 0.5
#: Row errors kept for the status page; the rest are counted.
MAX_ERRORS = 500
UNEXPECTED = "Jobben stoppet på grunn av en uventet feil. Ingenting er lagret."
INTERRUPTED = ("Jobben ble avbrutt fordi prosessen som kjørte den, stoppet (for eksempel ved en "
               "omstart). Ingenting er lagret. Start den på nytt.")
# Payloads of jobs run in this process (immediate backend): never written anywhere.
_IN_MEMORY: dict[str, bytes] = {}


def handler(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def load_handlers():
    autodiscover_modules("jobs")


class JobFailed(Exception):
    """Ends a job as failed, with a message (and row errors) for its user."""

    def __init__(self, message: str, errors=()):
        super().__init__(message)
        self.message = message
        self.errors = [str(e) for e in errors]


@dataclass
class Outcome:
    message: str
    url: str = ""
    file: bytes | None = None
    name: str = ""
    content_type: str = ""
    extra: dict = field(default_factory=dict)


class JobRequest:
    """What the audit log needs of the request that started a job: user and address."""

    def __init__(self, user, ip):
        self.user = user
        self.META = {"REMOTE_ADDR": ip} if ip else {}


def _fernet() -> Fernet:
    key = salted_hmac("rusfelt.drift.payload", "job payload", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))


class Progress:
    """``progress(done, total=None, stage=None)``: written at most every half second."""

    def __init__(self, job: Job):
        self.job = job
        self._written = 0.0

    def __call__(self, done: int, total: int | None = None, stage: str | None = None):
        job = self.job
        changed_stage = stage is not None and stage != job.stage
        job.done = done
        if total is not None:
            job.total = total
        if stage is not None:
            job.stage = stage
        now = time.monotonic()
        if changed_stage or now - self._written >= PROGRESS_INTERVAL or done == job.total:
            self._written = now
            Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total,
                                                 stage=job.stage)


def start(kind: str, *, user, title: str, request=None, params: dict | None = None,
          payload: bytes | None = None) -> Job:
    """Create a job and queue it (or, without a worker, run it now).

    ``payload`` (an uploaded file) is kept in memory when the job runs in this
    process; a queued job's payload waits in the database, Fernet-encrypted
    with a key derived from SECRET_KEY (never stored), until the job ends.
    """

    if kind not in HANDLERS:
        load_handlers()
    if kind not in HANDLERS:
        raise ValueError(f"No job handler for {kind!r}")
    immediate = isinstance(task_backends[run_job.backend], ImmediateBackend)
    job = Job.objects.create(
        kind=kind, title=title[:200], user=user,
        params={**(params or {}), "ip": client_ip(request)},
        # Only a queued job's upload waits in the database, encrypted.
        payload=encrypt(payload) if payload is not None and not immediate else None,
    )
    if immediate:
        if payload is not None:
            _IN_MEMORY[str(job.pk)] = payload
        try:
            run_job.enqueue(str(job.pk))
        finally:
            _IN_MEMORY.pop(str(job.pk), None)
        job.refresh_from_db()
    else:
        # The worker must see the committed row.
        transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@contextlib.contextmanager
def heartbeat(job_id, interval: float):
    """Write the job's heartbeat every ``interval`` seconds from a thread, while the body runs.

    The thread has its own database connection, so the heartbeat is seen while
    the job's own transaction is still open. If the process dies, the
    heartbeat stops, and ``reap_stale`` ends the job.
    """
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    JobHeartbeat.objects.filter(job_id=job_id).update(at=timezone.now())
                except DatabaseError:  # SQLite busy with the job's own write: next time
                    logger.debug("Heartbeat of job %s skipped", job_id)
        finally:
            connection.close()

    JobHeartbeat.objects.update_or_create(job_id=job_id, defaults={"at": timezone.now()})
    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        JobHeartbeat.objects.filter(job_id=job_id).delete()


def reap_stale(now=None) -> int:
    """End running jobs whose worker stopped writing heartbeats, as failed.

    A job's writes happen in one transaction, so a worker that died stored
    nothing; its encrypted upload is deleted here. Returns how many jobs
    were ended. Safe to run from any number of processes at once: each job
    is ended by one conditional UPDATE.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.RUSFELT_JOB_STALE_AFTER)
    ended = 0
    for pk in list(Job.objects.stale(cutoff).values_list("pk", flat=True)):
        ended += Job.objects.stale(cutoff).filter(pk=pk).update(
            state=JobState.FAILED, message=INTERRUPTED, stage="", payload=None,
            finished_at=now)
        JobHeartbeat.objects.filter(job_id=pk).delete()
    if ended:
        logger.warning("Ended %d job(s) whose worker stopped", ended)
        _end_task_results(cutoff)
    return ended


def _end_task_results(cutoff):
    """Mark django-tasks' own records of the reaped jobs as failed, so its queue agrees."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return

    failed = set(map(str, Job.objects.filter(state=JobState.FAILED, message=INTERRUPTED,
                                             finished_at__gte=cutoff)
                     .values_list("pk", flat=True)))
    running = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff)
    stale = [r.pk for r in running.only("pk", "args_kwargs")
             if set(map(str, r.args_kwargs.get("args", []))) & failed]
    if stale:
        DBTaskResult.objects.filter(pk__in=stale).update(status="FAILED",
                                                         finished_at=timezone.now())


def prune(now=None, keep_days: int | None = None) -> int:
    """Delete finished jobs (and the documents they made) older than ``keep_days``."""
    now = now or timezone.now()
    keep = settings.RUSFELT_JOB_KEEP_DAYS if keep_days is None else keep_days
    deleted, _ = Job.objects.filter(state__in=[JobState.DONE, JobState.FAILED],
                                    finished_at__lt=now - timedelta(days=keep)).delete()
    # Heartbeats left by jobs that are no longer running (a crash between two writes).
    JobHeartbeat.objects.exclude(
        job_id__in=Job.objects.filter(state=JobState.RUNNING).values("pk")).delete()
    if "django_tasks_db" in settings.INSTALLED_APPS:

        DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"],
                                    finished_at__lt=now - timedelta(days=keep)).delete()
    return deleted


@task()
def run_job(job_id: str) -> str:
    """Run one job: claim it, call its handler, record how it ended."""
    immediate = isinstance(task_backends[run_job.backend], ImmediateBackend)
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.WAITING).update(
        state=JobState.RUNNING, started_at=now, worker=worker_name())
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("user").get(pk=job_id)
    if not HANDLERS:
        load_handlers()
    # A job run inside a request needs no heartbeat: it ends with the request.
    beating = (contextlib.nullcontext() if immediate
               else heartbeat(job.pk, settings.RUSFELT_JOB_HEARTBEAT))
    fields = {"payload": None, "finished_at": None}
    try:
        with beating:
            payload = _IN_MEMORY.pop(str(job.pk), None)
            if payload is None and job.payload is not None:
                payload = decrypt(job.payload)
            outcome = HANDLERS[job.kind](
                job, payload=payload, progress=Progress(job),
                request=JobRequest(job.user, job.params.get("ip")))
    except JobFailed as exc:
        fields.update(state=JobState.FAILED, message=exc.message,
                      errors=exc.errors[:MAX_ERRORS], stage="")
    except Exception as exc:  # noqa: BLE001 - the user sees a plain message
        # Only the exception's type: its text may quote uploaded values.
        logger.error("Job %s (%s) failed: %s", job.pk, job.kind, type(exc).__name__)
        fields.update(state=JobState.FAILED, message=UNEXPECTED, stage="")
    else:
        fields.update(state=JobState.DONE, message=outcome.message, result_url=outcome.url,
                      result_file=outcome.file, result_name=outcome.name,
                      result_type=outcome.content_type, stage="")
    finally:
        # Unconditional: should a reaper have ended a slow but living job, its
        # true outcome wins.
        fields["finished_at"] = timezone.now()
        Job.objects.filter(pk=job.pk).update(**fields)
    return fields["state"]
