"""The browser import as a background job: queued, run by the worker, progress, result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from rusfelt.drift.models import Job, JobState
from rusfelt.kartlegging import services
from rusfelt.kartlegging.models import Registrering
from rusfelt.kartlegging.tests.test_views import number

pytestmark = pytest.mark.django_db(transaction=True)
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
          "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="Hjemmel X", formal="Formål Y",
                                 dpia_ref="DPIA-7")


def _file(*numbers):
    lines = [HEADER] + [f"{n},nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn" for n in numbers]
    return SimpleUploadedFile("r.csv", ("\n".join(lines) + "\n").encode())


def test_an_import_waits_for_the_worker_and_shows_its_result(client, runde, sth_kartlegger):
    client.force_login(sth_kartlegger)
    url = reverse("kartlegging:import", args=[runde.code])
    with override_settings(TASKS=QUEUED):
        response = client.post(url, {"fil": _file(number(1), number(2), number(3))})
        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == job.get_absolute_url()
        assert job.state == JobState.WAITING
        assert Registrering.objects.count() == 0
        assert "Venter" in client.get(job.get_absolute_url()).content.decode()

        call_command("worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (3, 3)
    assert Registrering.objects.filter(runde=runde).count() == 3
    page = client.get(job.get_absolute_url()).content.decode()
    assert "3 registreringer er importert." in page
    assert runde.get_absolute_url() in page


def test_a_bad_file_fails_with_its_lines_and_stores_nothing(client, runde, sth_kartlegger):
    client.force_login(sth_kartlegger)
    url = reverse("kartlegging:import", args=[runde.code])
    with override_settings(TASKS=QUEUED):
        client.post(url, {"fil": _file(number(1), "12345678901")})
        call_command("worker", batch=True, interval=0, verbosity=0)
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert Registrering.objects.count() == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Ingenting er importert" in page
    assert "Linje 3, kolonne fodselsnummer" in page
    assert "12345678901" not in page


def test_publishing_is_a_job_the_worker_runs(client, runde, oslo_planlegger):
    from rusfelt.kartlegging.models import Runde, State
    from rusfelt.kartlegging.tests.test_views import VALUES

    for i in range(12):
        services.register(runde, number(i), dict(VALUES))
    services.change_state(runde, State.CLOSED)
    client.force_login(oslo_planlegger)
    url = reverse("kartlegging:round_state", args=[runde.code])
    with override_settings(TASKS=QUEUED):
        response = client.post(url, {"state": "published"})
        job = Job.objects.get(kind="kartlegging.publish")
        assert response["Location"] == job.get_absolute_url()
        assert Runde.objects.get(pk=runde.pk).state == State.CLOSED
        call_command("worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert Runde.objects.get(pk=runde.pk).state == State.PUBLISHED
    assert "Publisert" in client.get(job.get_absolute_url()).content.decode()
