"""A job whose worker dies: ended as failed, its upload deleted, nothing stored.

Before heartbeats a killed worker left its job «Kjører» for ever, with the
encrypted upload (which may hold fødselsnummer) still in the database.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rusfelt.core.models import OrgUnit
from rusfelt.drift import jobs
from rusfelt.drift.models import Job, JobHeartbeat, JobState
from rusfelt.drift.testing import database_url, production_env
from rusfelt.drift.tests import _hang  # noqa: F401 - registers the handler

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _running(user, *, beat_seconds_ago, **fields):
    beat = timezone.now() - timedelta(seconds=beat_seconds_ago)
    job = Job.objects.create(kind="test.hang", title="Import", user=user,
                             state=JobState.RUNNING, started_at=beat - timedelta(hours=1),
                             payload=jobs.encrypt(b"12345678901;rad"), **fields)
    JobHeartbeat.objects.create(job_id=job.pk, at=beat)
    return job


@pytest.mark.django_db
@override_settings(RUSFELT_JOB_STALE_AFTER=120)
def test_a_running_job_without_heartbeat_is_ended_and_its_upload_deleted(oslo_planlegger):
    dead = _running(oslo_planlegger, beat_seconds_ago=121)
    alive = _running(oslo_planlegger, beat_seconds_ago=119)

    assert jobs.reap_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == JobState.FAILED
    assert dead.message == jobs.INTERRUPTED
    assert dead.payload is None
    assert dead.finished_at is not None
    assert alive.state == JobState.RUNNING
    assert alive.payload is not None
    assert jobs.reap_stale() == 0  # ending is done once


@pytest.mark.django_db
def test_the_job_page_shows_a_dead_job_as_failed_not_running(client, oslo_planlegger):
    dead = _running(oslo_planlegger, beat_seconds_ago=3600)
    client.force_login(oslo_planlegger)
    page = client.get(reverse("drift:job", args=[dead.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Feilet" in text and "avbrutt" in text
    assert "hx-trigger" not in text  # it stops polling


@pytest.mark.django_db
@override_settings(RUSFELT_JOB_KEEP_DAYS=7)
def test_finished_jobs_are_deleted_after_the_keeping_period(oslo_planlegger, capsys):
    now = timezone.now()

    def job(state, days_ago):
        return Job.objects.create(kind="x", title="x", user=oslo_planlegger, state=state,
                                  finished_at=now - timedelta(days=days_ago),
                                  result_file=b"%PDF")

    old_done, old_failed = job(JobState.DONE, 8), job(JobState.FAILED, 7.01)
    recent = job(JobState.DONE, 6.99)
    waiting = Job.objects.create(kind="x", title="x", user=oslo_planlegger)

    call_command("jobber", "rydd")
    assert "slettet 2 ferdige jobber" in capsys.readouterr().out
    left = set(Job.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old_done.pk not in left and old_failed.pk not in left


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""),
                    reason="a worker process and the test share one PostgreSQL")
def test_a_killed_worker_leaves_nothing_stored_and_its_job_ended(make_user, tmp_path):
    user = make_user("jobbeier")
    with override_settings(TASKS=QUEUED):
        job = jobs.start("test.hang", user=user, title="Import", payload=b"12345678901;rad")
    env = production_env(database_url(connection.settings_dict), tmp_path,
                         RUSFELT_TASKS="database", RUSFELT_JOB_HEARTBEAT="0.3",
                         # The upload waits encrypted with a key derived from this one.
                         RUSFELT_SECRET_KEY=settings.SECRET_KEY)
    had_cache_table = "rusfelt_cache" in connection.introspection.table_names()
    code = ("import django; django.setup(); import rusfelt.drift.tests._hang; "
            "from django.core.management import call_command; "
            "call_command('worker', interval=0.2)")
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT,
                              env={**env, "DJANGO_SETTINGS_MODULE": "rusfelt.settings.production"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state == JobState.RUNNING and job.stage:
                break
            time.sleep(0.2)
        assert job.state == JobState.RUNNING, (tmp_path / "worker.log").read_text()[-2000:]
        first_beat = JobHeartbeat.objects.get(job_id=job.pk).at
        time.sleep(1.5)
        # The handler holds the job's row in its open transaction; the beat goes on.
        assert JobHeartbeat.objects.get(job_id=job.pk).at > first_beat
        with override_settings(RUSFELT_JOB_STALE_AFTER=1):
            assert jobs.reap_stale() == 0
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        if not had_cache_table:  # the worker made the shared cache's table, as serve does
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS rusfelt_cache")
    time.sleep(1.5)
    with override_settings(RUSFELT_JOB_STALE_AFTER=1):
        assert jobs.reap_stale() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == jobs.INTERRUPTED
    assert job.payload is None
    assert not JobHeartbeat.objects.filter(job_id=job.pk).exists()
    assert not OrgUnit.objects.filter(code="9901").exists()  # its transaction died with it
