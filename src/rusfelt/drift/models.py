"""A background job as its user sees it: what, how far, and how it ended."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rusfelt.core.domain.rounding import percent


class JobState(models.TextChoices):
    WAITING = "venter", _("Venter")
    RUNNING = "kjorer", _("Kjører")
    DONE = "ferdig", _("Ferdig")
    FAILED = "feilet", _("Feilet")


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user sees only the jobs they started (jobs hold no record-level data)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unfinished(self):
        return self.filter(state__in=[JobState.WAITING, JobState.RUNNING])

    def stale(self, cutoff):
        """Running jobs whose worker has not written a heartbeat since ``cutoff``."""
        fresh = JobHeartbeat.objects.filter(job_id=models.OuterRef("pk"), at__gte=cutoff)
        return self.filter(state=JobState.RUNNING, started_at__lt=cutoff).exclude(
            models.Exists(fresh))


class Job(models.Model):
    """One run of long work (an import, a document, a publishing).

    The progress fields are written by the worker while it runs; the status
    page reads them. ``payload`` holds the uploaded file encrypted (it may
    hold fødselsnummer) and is emptied as soon as the job ends, whatever the
    outcome.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type"), max_length=60)
    title = models.CharField(_("tittel"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="jobs")
    state = models.CharField(_("status"), max_length=10, choices=JobState.choices,
                             default=JobState.WAITING)
    params = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(null=True, editable=False, db_comment=(
        "The uploaded file, Fernet-encrypted; emptied when the job ends"))
    stage = models.CharField(_("steg"), max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(_("melding"), blank=True)
    errors = models.JSONField(default=list, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_file = models.BinaryField(null=True, editable=False)
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, db_comment=(
        "host:pid of the worker process that claimed the job"))
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jobb")
        verbose_name_plural = _("jobber")
        indexes = [
            # /helse/ counts unfinished jobs on every call.
            models.Index(fields=["state", "created_at"], name="drift_job_state_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("drift:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(percent(self.done, self.total, 0)))


class JobHeartbeat(models.Model):
    """The last sign of life of the worker running a job, written every few seconds.

    A table of its own, not a field on ``Job``: a handler that reports progress
    inside its transaction holds the job's row lock until it commits, and the
    heartbeat must not wait for that. No foreign key, for the same reason.
    """

    job_id = models.UUIDField(primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("livstegn")

    def __str__(self):
        return f"{self.job_id} {self.at:%Y-%m-%d %H:%M:%S}"
