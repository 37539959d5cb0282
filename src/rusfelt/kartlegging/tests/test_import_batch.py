"""Several import files, each into its own round, all or nothing together (issue 12).

The service (``services.import_batch``), the command line (``rusfelt kartlegging
import-samlet``) and the browser (``kartlegging:import_batch``, a background job)
offer the same batch: every file checked first, one transaction that locks the
rounds in a fixed order, one audit row per file, and nothing of any file stored
when one row of one file is refused.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertRedirects

from rusfelt.core import audit, bulkload
from rusfelt.core.models import AuditAction, AuditEvent
from rusfelt.drift.models import Job, JobState
from rusfelt.kartlegging import services
from rusfelt.kartlegging.models import Registrering, Runde, State
from rusfelt.kartlegging.tests.test_views import number

pytestmark = pytest.mark.django_db
HEADER = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
          "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")
BAD_NUMBER = "12345678901"


def csv(*numbers) -> bytes:
    lines = [HEADER] + [f"{n},nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn" for n in numbers]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def rounds(units):
    """Three open rounds of Oslo's bydeler, 2020."""
    return [services.create_round(f"03010{i}-2020", hjemmel="H", formal="F", dpia_ref="D")
            for i in (4, 5, 6)]


def batch(rounds, *contents):
    return [(runde, data, f"{runde.code}.csv")
            for runde, data in zip(rounds, contents, strict=False)]


def imports_audited():
    return list(AuditEvent.objects.filter(action=AuditAction.IMPORT,
                                          object_type="kartlegging.runde")
                .order_by("object_id").values_list("object_id", "detail__rows"))


# --- the service ----------------------------------------------------------------------


def test_a_batch_stores_every_file_in_its_round_with_one_audit_row_each(rounds):
    counts = services.import_batch(batch(rounds, csv(number(1), number(2)), csv(number(1)),
                                         csv(number(3), number(4), number(5))))
    assert counts == [2, 1, 3]
    assert [Registrering.objects.filter(runde=r).count() for r in rounds] == [2, 1, 3]
    assert imports_audited() == sorted((str(r.pk), n) for r, n in zip(rounds, counts,
                                                                         strict=True))


def test_one_bad_row_in_one_file_stores_nothing_and_names_the_file_and_line(rounds):
    with pytest.raises(services.InvalidFiles) as refused:
        services.import_batch(batch(rounds, csv(number(1)), csv(number(2), BAD_NUMBER),
                                    csv(number(3))))
    assert Registrering.objects.count() == 0
    assert not imports_audited()
    assert [name for name, _messages in refused.value.problems] == ["030105-2020.csv"]
    assert refused.value.errors[0].startswith("030105-2020.csv: Linje 3, kolonne fodselsnummer")
    assert BAD_NUMBER not in str(refused.value)


def test_a_person_the_round_has_already_refuses_the_whole_batch_by_file(rounds):
    services.import_registrations(rounds[2], csv(number(7)))
    with pytest.raises(services.InvalidFiles) as refused:
        services.import_batch(batch(rounds, csv(number(1)), csv(number(2)),
                                    csv(number(8), number(7))))
    assert refused.value.errors == [
        "030106-2020.csv: Linje 3, kolonne fodselsnummer: personen er allerede registrert "
        "i runden"]
    assert Registrering.objects.count() == 1  # the earlier import's, nothing of the batch


def test_a_round_closed_meanwhile_refuses_the_whole_batch(rounds, monkeypatch):
    real = services.imports._store

    def close_first(checked, *args):
        Runde.objects.filter(pk=rounds[1].pk).update(state=State.CLOSED)
        return real(checked, *args)

    monkeypatch.setattr(services.imports, "_store", close_first)
    with pytest.raises(services.KartleggingError, match="Runden 030105-2020 er ikke åpen"):
        services.import_batch(batch(rounds, csv(number(1)), csv(number(2))))
    assert Registrering.objects.count() == 0


def test_a_round_twice_in_one_batch_is_refused(rounds):
    with pytest.raises(services.InvalidFiles, match="er med to ganger"):
        services.import_batch([(rounds[0], csv(number(1)), "a.csv"),
                               (rounds[0], csv(number(2)), "b.csv")])
    assert Registrering.objects.count() == 0


@override_settings(RUSFELT_IMPORT_MAX_ROWS=3)
def test_a_batch_is_bounded_as_one_file_is(rounds):
    with pytest.raises(services.KartleggingError, match="til sammen 4 rader"):
        services.import_batch(batch(rounds, csv(number(1), number(2)),
                                    csv(number(3), number(4))))
    assert Registrering.objects.count() == 0


def test_a_dry_run_checks_the_batch_and_stores_nothing(rounds):
    assert services.import_batch(batch(rounds, csv(number(1)), csv(number(2))),
                                 dry_run=True) == [1, 1]
    assert Registrering.objects.count() == 0
    assert not imports_audited()


def test_a_batch_locks_its_rounds_in_one_statement_and_loads_its_rows_in_one(
        rounds, monkeypatch):
    """One lock statement for the batch, by key order (two batches never deadlock), and
    one load of every file's rows: not a transaction, lock and load per file."""
    loads = []
    real_insert = bulkload.insert_rows

    def counted(model, fields, rows, constants=None):
        loads.append(model)
        return real_insert(model, fields, rows, constants)

    monkeypatch.setattr(bulkload, "insert_rows", counted)
    files = batch(list(reversed(rounds)), csv(number(1)), csv(number(2)), csv(number(3)))
    with CaptureQueriesContext(connection) as queries:
        services.import_batch(files)
    locks = [q["sql"] for q in queries if '"kartlegging_runde"' in q["sql"]]
    assert len(locks) == 1 + (connection.vendor == "sqlite"), locks  # SQLite: UPDATE, SELECT
    if connection.vendor == "postgresql":
        assert locks[0].endswith('ORDER BY "id" FOR UPDATE'), locks
    assert loads == [Registrering]
    assert Registrering.objects.count() == 3


def test_a_batch_reads_each_rounds_key_once_per_file_not_once_per_row(rounds, monkeypatch):
    """The round's key goes before every row of its file; reading ``runde.pk`` (a
    property) for each row, in a generator unpacking each, was some 4 % of a
    national year's batch in a profile (issue 12)."""
    reads = []
    real_pk = Runde.pk
    monkeypatch.setattr(Runde, "pk", property(
        lambda self: reads.append(1) or real_pk.fget(self), real_pk.fset))
    files = batch(rounds, csv(*(number(i) for i in range(30))),
                  csv(*(number(i, male=False) for i in range(30))))
    assert services.import_batch(files) == [30, 30]
    assert len(reads) < 30, len(reads)


# --- the command line -----------------------------------------------------------------


def test_the_command_imports_files_named_after_their_rounds(rounds, tmp_path, capsys):
    paths = []
    for runde, data in zip(rounds, (csv(number(1)), csv(number(2), number(3))), strict=False):
        path = tmp_path / f"{runde.code}.csv"
        path.write_bytes(data)
        paths.append(str(path))
    call_command("kartlegging", "import-samlet", *paths)
    assert "3 registreringer er importert i 2 runder." in capsys.readouterr().out
    assert Registrering.objects.count() == 3


def test_the_command_refuses_the_batch_naming_file_and_line(rounds, tmp_path):
    good, bad = tmp_path / "030104-2020.csv", tmp_path / "030105-2020.csv"
    good.write_bytes(csv(number(1)))
    bad.write_bytes(csv(BAD_NUMBER))
    with pytest.raises(CommandError) as refused:
        call_command("kartlegging", "import-samlet", str(good), str(bad))
    assert "030105-2020.csv: Linje 2, kolonne fodselsnummer" in str(refused.value)
    assert BAD_NUMBER not in str(refused.value)
    assert Registrering.objects.count() == 0


def test_the_command_refuses_a_file_named_after_no_round(rounds, tmp_path):
    path = tmp_path / "9999-2020.csv"
    path.write_bytes(csv(number(1)))
    with pytest.raises(CommandError, match="9999-2020.csv"):
        call_command("kartlegging", "import-samlet", str(path))


@override_settings(RUSFELT_IMPORT_MAX_BYTES=500)
def test_the_command_refuses_files_too_large_together_before_reading_any(
        rounds, tmp_path, monkeypatch):
    """Each file is within the bound, the three together are not: refused in Norwegian
    from their sizes on disk, before any file is read (a batch holds no more in
    memory than one file may)."""
    paths = []
    for i, runde in enumerate(rounds, start=1):
        path = tmp_path / f"{runde.code}.csv"
        path.write_bytes(csv(number(i)).ljust(300, b"\n"))
        paths.append(str(path))
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(CommandError, match="Filene er til sammen for store") as refused:
        call_command("kartlegging", "import-samlet", *paths)
    assert "Ingenting er lagret" in str(refused.value)
    assert read == [] and Registrering.objects.count() == 0


# --- the browser ----------------------------------------------------------------------


def upload(runde_code, data):
    return SimpleUploadedFile(f"{runde_code}.csv", data, content_type="text/csv")


@pytest.fixture
def oslo_kartlegger(make_user):
    return make_user("oslo-kartlegger", ("0301", "kartlegger"))


def test_the_page_imports_every_file_into_its_round(client, rounds, oslo_kartlegger):
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload("030104-2020", csv(number(1))), upload("030105-2020", csv(number(2)))]})
    assertRedirects(response, reverse("kartlegging:index"))
    assert [Registrering.objects.filter(runde=r).count() for r in rounds] == [1, 1, 0]
    assert len(imports_audited()) == 2


def test_the_page_refuses_the_batch_naming_file_and_line(client, rounds, oslo_kartlegger):
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload("030104-2020", csv(number(1))), upload("030105-2020", csv(BAD_NUMBER))]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "030105-2020.csv: Linje 2, kolonne fodselsnummer" in body
    assert BAD_NUMBER not in body
    assert Registrering.objects.count() == 0


def test_a_file_named_after_another_kommunes_round_is_refused(client, rounds, units,
                                                             oslo_kartlegger):
    bergen = services.create_round("4601-2020", hjemmel="H", formal="F", dpia_ref="D")
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload("030104-2020", csv(number(1))), upload(bergen.code, csv(number(2)))]})
    assert response.status_code == 200
    assert "Finner ingen runde du kan importere til" in response.content.decode()
    assert "4601-2020.csv" in response.content.decode()
    assert Registrering.objects.count() == 0


def test_files_over_the_limit_together_are_refused_unread(client, rounds, oslo_kartlegger,
                                                         settings):
    """Each file is under the limit of one file, the two together are over it: a
    request keeps no more in memory than one file may."""
    first, second = csv(*(number(i) for i in range(1, 8))), csv(number(9))
    settings.RUSFELT_IMPORT_MAX_BYTES = len(first) + len(second) - 1
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload("030104-2020", first), upload("030105-2020", second)]})
    assert response.status_code == 200
    assert "Filene er til sammen større enn grensen" in response.content.decode()
    assert Registrering.objects.count() == 0


def test_the_page_needs_a_role_that_may_import(client, rounds, oslo_leser):
    assert client.get(reverse("kartlegging:import_batch")).status_code == 302  # log in
    client.force_login(oslo_leser)
    assert client.get(reverse("kartlegging:import_batch")).status_code == 403


def test_the_round_list_links_to_the_batch_page(client, rounds, oslo_kartlegger):
    client.force_login(oslo_kartlegger)
    body = client.get(reverse("kartlegging:index")).content.decode()
    assert reverse("kartlegging:import_batch") in body


def test_files_pack_into_one_payload_and_back_in_order():
    files = [("b.csv", b"2"), ("a.csv", b"1"), ("a.csv", b"3")]
    assert services.unpack_files(services.pack_files(files)) == files


# --- two batches at once, and the background job ------------------------------------------


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="needs PostgreSQL's row locks and separate connections per thread")
@pytest.mark.django_db(transaction=True)
def test_two_batches_of_the_same_rounds_in_opposite_orders_both_land(rounds, monkeypatch):
    """Each batch locks its rounds by key, whatever the order of its files: the second
    waits for the first instead of deadlocking with it."""
    real_record = audit.record_many

    def slow_record(action, entries, **kwargs):  # hold the locks a while, in the transaction
        time.sleep(0.2)
        return real_record(action, entries, **kwargs)

    monkeypatch.setattr(audit, "record_many", slow_record)
    first = batch(rounds[:2], csv(number(1)), csv(number(2)))
    second = batch(rounds[1::-1], csv(number(3)), csv(number(4)))
    results = {}

    def run(key, files):
        try:
            results[key] = services.import_batch(files)
        except Exception as exc:  # noqa: BLE001 - the test inspects what was raised
            results[key] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k, f))
               for k, f in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {"first": [1, 1], "second": [1, 1]}
    assert Registrering.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_queued_batch_is_run_by_the_worker(client, rounds, oslo_kartlegger):
    client.force_login(oslo_kartlegger)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        response = client.post(reverse("kartlegging:import_batch"), {"filer": [
            upload("030104-2020", csv(number(1))),
            upload("030105-2020", csv(number(2), number(3)))]})
        job = Job.objects.get()
        assert response["Location"] == job.get_absolute_url()
        assert Registrering.objects.count() == 0
        call_command("worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert "3 registreringer er importert i 2 runder." in job.message
    assert Registrering.objects.count() == 3


@override_settings(RUSFELT_IMPORT_MAX_BYTES=3 * 1024 * 1024 // 2)
def test_files_past_the_bound_together_are_refused_with_the_bound_as_one_file_gives_it(
        client, rounds, oslo_kartlegger):
    """The batch field writes the bound as the one-file field and the service do
    (``core.domain.tabular.megabytes``: 1,5 MB), not cut down to whole megabytes (1 MB)."""
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload("030104-2020", b"x" * 800_000), upload("030105-2020", b"x" * 800_000)]})
    body = response.content.decode()
    assert "større enn grensen på 1,5 MB for én import" in body
    assert Registrering.objects.count() == 0 and Job.objects.count() == 0


def test_the_batch_page_speaks_english_when_asked(client, rounds, oslo_kartlegger, settings):
    client.force_login(oslo_kartlegger)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The requests activate English in this thread; the block restores the language
    # after them, so that later tests read bokmål again.
    with translation.override(settings.LANGUAGE_CODE):
        body = client.get(reverse("kartlegging:import_batch")).content.decode()
        response = client.post(reverse("kartlegging:import_batch"),
                               {"filer": [upload("9999-2020", csv(number(1)))]})
    for text in ("Import several files together", "Upload the files of several rounds",
                 "The import is all or nothing for all the files together",
                 "there may be at most 500 files", "Files (CSV or XLSX)",
                 "Import all the files", "One file per round"):
        assert text in body, text
    assert "No round you may import into has the same name" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_the_batch_page_gives_the_number_of_files_from_the_setting(
        client, rounds, oslo_kartlegger):
    client.force_login(oslo_kartlegger)
    body = client.get(reverse("kartlegging:import_batch")).content.decode()
    assert "det kan være høyst 2 filer." in body


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_more_files_than_one_upload_takes_get_a_norwegian_page_and_store_nothing(
        client, rounds, oslo_kartlegger):
    """Django refuses an upload of more files than DATA_UPLOAD_MAX_NUMBER_FILES (500) with
    its plain English «Bad Request (400)»; the user gets the rule in Norwegian instead."""
    client.force_login(oslo_kartlegger)
    response = client.post(reverse("kartlegging:import_batch"), {"filer": [
        upload(code, csv(number(i))) for i, code in enumerate(
            ["030104-2020", "030105-2020", "030106-2020"], start=1)]})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'lang="nb"' in body and "Ingenting er lagret" in body
    assert "høyst 2 filer" in body  # the setting, not a number written into the page
    assert Registrering.objects.count() == 0 and imports_audited() == []
