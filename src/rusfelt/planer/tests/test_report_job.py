"""The plan's status report as a PDF made by a background job: queued, run, downloaded."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from rusfelt.core.models import AuditEvent
from rusfelt.drift.models import Job, JobState
from rusfelt.planer.tests.test_views import SLUG, plans  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_pdf_report_is_made_by_the_worker_and_downloaded(client, plans,  # noqa: F811
                                                           stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    url = reverse("planer:rapport", args=[SLUG])
    with override_settings(TASKS=QUEUED):
        response = client.get(url, {"periode": 2021, "format": "pdf"})
        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        assert job.state == JobState.WAITING
        call_command("worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Statusrapporten for 2021 er klar." in page
    download = client.get(reverse("drift:job_result", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Content-Disposition"].endswith('.pdf"')
    event = AuditEvent.objects.get(action="export")
    assert event.user == stavanger_planlegger
    assert event.detail == {"report": "statusrapport", "year": 2021, "format": "pdf"}
