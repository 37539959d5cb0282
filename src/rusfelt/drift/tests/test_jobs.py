"""Background jobs: progress, a Norwegian error that stores nothing, the status page."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from rusfelt.core.models import OrgUnit
from rusfelt.drift import jobs
from rusfelt.drift.models import Job, JobState

pytestmark = pytest.mark.django_db
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@jobs.handler("test.units")
def _units_job(job, payload, progress, request):
    """Stores one unit per line of the payload, all or nothing, like an import."""
    from django.db import transaction

    lines = payload.decode().splitlines()
    for i, _line in enumerate(lines, start=1):
        progress(i, len(lines), "Validerer rader")
    bad = [f"linje {i}: tom kode" for i, line in enumerate(lines, start=1) if not line]
    if bad:
        raise jobs.JobFailed("Filen har feil. Ingenting er lagret.", bad)
    with transaction.atomic():
        for line in lines:
            OrgUnit.objects.create(code=line, name=line, level="kommune", path=f"/{line}/")
        if job.params.get("explode"):
            raise RuntimeError("12345678901 was in the file")  # an unexpected error
    return jobs.Outcome(message=f"{len(lines)} enheter er lagret.", url="/enheter/",
                        file=b"%PDF-1.7 test", name="rapport.pdf",
                        content_type="application/pdf")


def test_a_job_runs_at_once_without_a_worker_and_records_its_progress(oslo_planlegger):
    job = jobs.start("test.units", user=oslo_planlegger, title="Enheter",
                     payload=b"9001\n9002\n9003")
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.message == "3 enheter er lagret."
    assert OrgUnit.objects.filter(code__startswith="900").count() == 3
    assert job.payload is None  # run in this process: the upload never reached the database
    assert not jobs._IN_MEMORY


def test_a_failed_job_shows_its_errors_and_stores_nothing(client, oslo_planlegger):
    job = jobs.start("test.units", user=oslo_planlegger, title="Enheter",
                     payload=b"9001\n\n9003")
    assert job.state == JobState.FAILED
    assert job.message == "Filen har feil. Ingenting er lagret."
    assert job.errors == ["linje 2: tom kode"]
    assert not OrgUnit.objects.filter(code__startswith="900").exists()
    client.force_login(oslo_planlegger)
    page = client.get(reverse("drift:job", args=[job.pk])).content.decode()
    assert "Filen har feil. Ingenting er lagret." in page
    assert "linje 2: tom kode" in page


def test_an_unexpected_error_is_told_plainly_and_rolled_back(oslo_planlegger, caplog):
    job = jobs.start("test.units", user=oslo_planlegger, title="Enheter",
                     payload=b"9001", params={"explode": True})
    assert job.state == JobState.FAILED
    assert job.message == jobs.UNEXPECTED
    assert not OrgUnit.objects.filter(code="9001").exists()
    # The log names the error's type, never its text (it may quote the upload).
    assert "RuntimeError" in caplog.text
    assert "12345678901" not in caplog.text


def test_the_payload_is_encrypted_while_it_waits(oslo_planlegger):
    with override_settings(TASKS=QUEUED):
        job = jobs.start("test.units", user=oslo_planlegger, title="Enheter",
                         payload=b"12345678901")
    stored = bytes(Job.objects.get(pk=job.pk).payload)
    assert b"12345678901" not in stored
    assert jobs.decrypt(stored) == b"12345678901"


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_waits_for_the_worker_and_is_run_once(make_user):
    user = make_user("jobber")
    with override_settings(TASKS=QUEUED):
        job = jobs.start("test.units", user=user, title="Enheter", payload=b"9001\n9002")
        job.refresh_from_db()
        assert job.state == JobState.WAITING
        assert job.payload is not None
        call_command("worker", batch=True, interval=0, verbosity=0)
        job.refresh_from_db()
        assert job.state == JobState.DONE
        assert job.payload is None  # emptied when the job ended
        assert OrgUnit.objects.filter(code__in=["9001", "9002"]).count() == 2
        # Running it again (a second worker, a retry) changes nothing.
        assert jobs.run_job.call(str(job.pk)) == "skipped"


def test_the_status_page_polls_until_done_and_refreshes_without_javascript(
        client, oslo_planlegger):
    job = Job.objects.create(kind="test.units", title="Import", user=oslo_planlegger,
                             state=JobState.RUNNING, done=2500, total=10000,
                             stage="Validerer rader")
    client.force_login(oslo_planlegger)
    url = reverse("drift:job", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'max="10000" value="2500"' in page
    assert "Validerer rader" in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="jobb-status"')
    assert "<html" not in fragment

    Job.objects.filter(pk=job.pk).update(state=JobState.DONE, message="Ferdig!",
                                         result_file=b"%PDF", result_name="r.pdf",
                                         result_type="application/pdf")
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "refresh" not in done
    assert "Ferdig!" in done
    download = client.get(reverse("drift:job_result", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content == b"%PDF"


def test_only_the_user_who_started_a_job_sees_it(client, oslo_planlegger, bergen_planlegger):
    job = jobs.start("test.units", user=oslo_planlegger, title="Enheter", payload=b"9001")
    client.force_login(bergen_planlegger)
    assert client.get(reverse("drift:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("drift:job_result", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("drift:job", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login") + "?next=")
