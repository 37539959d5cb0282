"""Faults and hostile input (issue #10), item by item, as a security tester tries them.

Each test names the issue item it proves. Numbers are built with
python-stdnum's own check-digit functions, and ``FNR`` is the example from
python-stdnum's documentation (a woman born 15.10.1986). The concurrency
tests that need real row locks run on PostgreSQL only (threads with their
own connections); the SQLite-meaningful versions force the same
interleaving deterministically through the import's progress hook.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from stdnum.no import fodselsnummer

from rusfelt.conftest import PASSWORD
from rusfelt.core.domain.tabular import InvalidRows, TableError, read_table
from rusfelt.core.models import AuditEvent, OrgUnit
from rusfelt.kartlegging import services
from rusfelt.kartlegging.domain.person import InvalidNumber, person_from_number
from rusfelt.kartlegging.models import Registrering, State

FNR = "15108695088"  # python-stdnum's documentation example
FNR_SPACED = "151086 95088"
ON_POSTGRES = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="needs PostgreSQL's row locks and separate connections per thread",
)

AREA_VALUES = "gronn,gul,rod,gul,gul,rod,gul,gronn"
HEADER = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
          "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")


def number(ddmmyy: str, individual: int) -> str | None:
    """The number with these digits and stdnum's check digits, or None if none fit."""
    base = f"{ddmmyy}{individual:03d}"
    k1 = fodselsnummer.calc_check_digit1(base)
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    return base + k1 + k2 if len(k1) == 1 and len(k2) == 1 else None


def first_number(ddmmyy: str, individuals) -> str:
    return next(n for n in (number(ddmmyy, i) for i in individuals) if n)


def numbers(k: int) -> list[str]:
    """``k`` distinct valid numbers of people born in the 1970s-80s."""
    found = []
    day = date(1975, 1, 1)
    while len(found) < k:
        for individual in range(100, 500):
            n = number(f"{day:%d%m%y}", individual)
            if n:
                assert fodselsnummer.is_valid(n)
                found.append(n)
        day += timedelta(days=1)
    return found[:k]


def csv_file(nums) -> bytes:
    return ("\n".join([HEADER, *(f"{n},nav,rus,{AREA_VALUES}" for n in nums)]) + "\n").encode()


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="Hjemmel", formal="Formål",
                                 dpia_ref="DPIA-1")


def login(client, user):
    client.force_login(user)
    return client


# === 1. No fødselsnummer on disk, in error pages, logs or the audit log ===========


def test_item1_an_upload_larger_than_djangos_memory_limit_stays_in_memory():
    # Django's default spills uploads over 2.5 MB to a temporary file.
    request = RequestFactory().post("/", {"fil": SimpleUploadedFile("a.csv", b"x" * 3_000_000)})
    upload = request.FILES["fil"]
    assert not hasattr(upload, "temporary_file_path")
    assert upload.size == 3_000_000
    assert not any("TemporaryFile" in h for h in settings.FILE_UPLOAD_HANDLERS)


def test_item1_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
        client, settings, runde, sth_kartlegger):
    settings.RUSFELT_IMPORT_MAX_BYTES = 1024 * 1024
    data = csv_file(numbers(20_000))
    assert len(data) > 1024 * 1024
    response = login(client, sth_kartlegger).post(
        reverse("kartlegging:import", args=[runde.code]),
        {"fil": SimpleUploadedFile("import.csv", data)})
    assert response.status_code == 200
    assert "Filen er større enn grensen på 1 MB" in response.content.decode()
    assert Registrering.objects.count() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post_head(port, path, boundary, token, length) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\nCookie: csrftoken={token}\r\n"
            "Connection: close\r\n\r\n").encode()


def _unread(sock, server_port: int) -> int:
    """Bytes sent on ``sock`` that the server has not read yet (Linux).

    The client's unsent queue (SIOCOUTQ) plus the server socket's receive
    queue in /proc/net/tcp (its ``rx_queue`` column).
    """
    import fcntl
    import struct
    import termios

    unsent = struct.unpack("i", fcntl.ioctl(sock, termios.TIOCOUTQ, b"\0" * 4))[0]
    client_port = sock.getsockname()[1]
    queued = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if (int(local.split(":")[1], 16) == server_port
                and int(remote.split(":")[1], 16) == client_port):
            queued += int(fields[4].split(":")[1], 16)
    return unsent + queued


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_item1_a_killed_import_leaves_no_number_in_the_temp_folder(tmp_path):
    """Really kill the server while it receives an import; scan its temp folder."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUSFELT_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update({"RUSFELT_ENV": "test", "TMPDIR": str(temp),
                "DATABASE_URL": f"sqlite:///{tmp_path}/server.sqlite3"})
    server = subprocess.Popen(
        [sys.executable, "-m", "rusfelt.manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "the server did not start"
                assert time.monotonic() < deadline, "the server did not listen"
                time.sleep(0.3)
        token, boundary = "a" * 32, "rusfeltgrense"
        path = "/kartlegging/runde/030104-2019/import/"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\""
                f"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                "name=\"fil\"; filename=\"import.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                ).encode()
        # Sanity: a complete small upload gets past CSRF (its body was parsed).
        small = head + csv_file([FNR]) + f"\r\n--{boundary}--\r\n".encode()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(_post_head(port, path, boundary, token, len(small)) + small)
            status = sock.recv(100).split(b" ")[1]
        assert status != b"403"
        # Now 12 MB of an announced 40 MB file, the number on every line, then SIGKILL.
        line = f"{FNR},nav,rus,{AREA_VALUES}\n".encode()
        body = head + HEADER.encode() + b"\n" + line * (12_000_000 // len(line))
        sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        sock.sendall(_post_head(port, path, boundary, token, 40_000_000) + body)
        # Wait until the server has read all that was sent (nothing left queued).
        deadline = time.monotonic() + 90
        while _unread(sock, port):
            assert time.monotonic() < deadline, "the server did not read the upload"
            time.sleep(0.2)
        time.sleep(1)  # and handled the last chunk
        server.kill()
        server.wait(timeout=30)
        sock.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    leftovers = [p for p in temp.rglob("*") if p.is_file()
                 and FNR.encode() in p.read_bytes()]
    assert leftovers == []


def _registration_data(runde, fnr=FNR):
    data = {"fodselsnummer": fnr, "tjeneste": "nav", "kategori": "rus", "informert": "ja"}
    for area, level in zip(["bolig", "arbeid_aktivitet", "okonomi", "fysisk_helse",
                            "psykisk_helse", "rusmiddelbruk", "sosial_fungering", "nettverk"],
                           AREA_VALUES.split(","), strict=True):
        data[area] = level
    return data


def test_item1_a_crash_with_debug_on_shows_no_number_on_the_error_page_or_log(
        settings, runde, sth_kartlegger, monkeypatch, caplog):
    """The demo runs with DEBUG on: Django's technical 500 page lists frame locals."""
    settings.DEBUG = True

    def crash(*args, **kwargs):
        raise RuntimeError("the audit log is down")

    client = Client(raise_request_exception=False)
    client.force_login(sth_kartlegger)
    monkeypatch.setattr("rusfelt.core.audit.record", crash)
    response = client.post(reverse("kartlegging:register", args=[runde.code]),
                           _registration_data(runde))
    page = response.content.decode()
    assert response.status_code == 500
    assert "the audit log is down" in page  # it is the technical error page
    for shown in (page, caplog.text):
        assert FNR not in shown and FNR_SPACED not in shown


def test_item1_the_audit_log_never_holds_the_number(client, runde, sth_kartlegger,
                                                     oslo_planlegger):
    login(client, sth_kartlegger).post(reverse("kartlegging:register", args=[runde.code]),
                                       _registration_data(runde))
    assert Registrering.objects.count() == 1
    login(client, oslo_planlegger).post(reverse("kartlegging:access_lookup"),
                                        {"fodselsnummer": FNR})
    services.import_registrations(runde, csv_file(numbers(3)))
    events = list(AuditEvent.objects.values_list("object_repr", "detail", "username"))
    assert len(events) >= 3
    assert FNR not in str(events) and FNR_SPACED not in str(events)


# === 2. Bounded parsing of every file a user can send ===============================


def _xlsx_bomb(unpacked: int) -> bytes:
    """A real workbook whose sheet is ``unpacked`` bytes of rows, deflated to little."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["type", "kode", "tekst"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            row = b'<row><c t="inlineStr"><is><t>tiltak</t></is></c></row>'
            with dst.open(info.filename, "w") as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b'<sheetData><row><c t="inlineStr"><is><t>type</t></is></c>'
                            b'<c t="inlineStr"><is><t>kode</t></is></c></row>')
                chunk = row * 20_000
                for _ in range(unpacked // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_item2_a_zip_bomb_is_refused_fast_from_the_zip_directory(
        client, settings, units, oslo_planlegger):
    from rusfelt.planer.models import Plan

    settings.RUSFELT_IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    bomb = _xlsx_bomb(30 * 1024 * 1024)
    assert len(bomb) < 300_000  # a small upload ...
    started = time.monotonic()
    response = login(client, oslo_planlegger).post(reverse("planer:import"), {
        "file": SimpleUploadedFile("plan.xlsx", bomb), "owner": units["0301"].pk,
        "slug": "bombe", "title": "Bombe", "period_from": 2024, "period_to": 2027,
        "state": "utkast",
    })
    elapsed = time.monotonic() - started
    assert re.search(r"pakkes ut til 29,\d MB, grensen er 5 MB", response.content.decode())
    assert not Plan.objects.filter(slug="bombe").exists()
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_item2_a_zip_that_understates_its_sizes_is_refused_not_inflated():
    """The directory may lie; Python's zipfile stops at the declared size (CRC error)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["kode", "navn"])
    for i in range(2_000):
        book.active.append([f"{i:04d}", "x" * 50])
    raw = io.BytesIO()
    book.save(raw)
    data = bytearray(raw.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    # Understate the sheet's uncompressed size in the local and central headers
    # (zip format: local header size at offset 22, central directory at 24).
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = data.index(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.index(signature, at + 4)
        data[at + size_at:at + size_at + 4] = (100).to_bytes(4, "little")
    with pytest.raises(TableError):
        read_table(bytes(data), "enheter.xlsx")


def test_item2_too_many_rows_are_refused_before_anything_is_stored(tmp_path, settings, units):
    settings.RUSFELT_IMPORT_MAX_ROWS = 50
    path = tmp_path / "enheter.csv"
    path.write_text("kode,navn,niva,overordnet\n"
                    + "".join(f"0301{i:02d},Bydel {i},bydel,0301\n" for i in range(60)))
    before = OrgUnit.objects.count()
    with pytest.raises(CommandError, match="mer enn 50 rader"):
        call_command("enheter", "import", str(path))
    assert OrgUnit.objects.count() == before


def test_item2_a_file_over_the_byte_limit_is_refused_before_it_is_read(
        tmp_path, settings, runde, monkeypatch):
    settings.RUSFELT_IMPORT_MAX_BYTES = 1_000
    path = tmp_path / "import.csv"
    path.write_bytes(csv_file(numbers(30)))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(CommandError, match="Filen er for stor"):
        call_command("kartlegging", "import", "--runde", runde.code, str(path))
    assert Registrering.objects.count() == 0


# === 4. Imports and state changes serialised on the round ==========================


def test_item4_an_import_cannot_land_in_a_round_closed_while_it_was_checked(runde):
    from rusfelt.kartlegging.models import Runde

    def close_meanwhile(done, total):  # another request closes the round and commits
        if done == total:
            Runde.objects.filter(pk=runde.pk).update(state=State.CLOSED)

    with pytest.raises(services.KartleggingError, match="ikke åpen"):
        services.import_registrations(runde, csv_file(numbers(5)), progress=close_meanwhile)
    assert Registrering.objects.count() == 0


def test_item4_a_duplicate_import_committed_meanwhile_gets_the_duplicate_message(runde):
    people = numbers(5)

    def other_import_meanwhile(done, total):
        if done == total and not Registrering.objects.exists():
            services.import_registrations(runde, csv_file(people))

    with pytest.raises(InvalidRows) as info:
        services.import_registrations(runde, csv_file(people), progress=other_import_meanwhile)
    assert "allerede registrert" in str(info.value)
    assert Registrering.objects.count() == 5


def _in_thread(target, results, key):
    from django.db import connections

    def run():
        try:
            results[key] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects what was raised
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_item4_postgres_closing_waits_for_a_running_import(units, monkeypatch):
    from rusfelt.core import audit

    runde = services.create_round("030104-2021", hjemmel="H", formal="F", dpia_ref="D")
    locked, committed_at, results = threading.Event(), {}, {}
    real_record = audit.record

    def slow_record(action, **kwargs):  # inside the import's transaction, after its rows
        if kwargs.get("detail", {}).get("import") == "registreringer":
            locked.set()
            time.sleep(1.5)
            committed_at["import"] = time.monotonic()
        return real_record(action, **kwargs)

    monkeypatch.setattr(audit, "record", slow_record)
    importer = _in_thread(lambda: services.import_registrations(runde, csv_file(numbers(20))),
                          results, "import")
    assert locked.wait(60)

    def close():
        services.change_state(runde, State.CLOSED)
        return time.monotonic()

    closer = _in_thread(close, results, "close")
    importer.join(60)
    closer.join(60)
    assert results["import"] == 20
    assert isinstance(results["close"], float), results["close"]
    assert results["close"] >= committed_at["import"]  # it waited for the import
    assert Registrering.objects.filter(runde=runde).count() == 20


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_item4_postgres_two_imports_of_one_file_at_once_never_raise_integrity_errors(units):
    runde = services.create_round("030104-2022", hjemmel="H", formal="F", dpia_ref="D")
    data, results = csv_file(numbers(300)), {}
    threads = [_in_thread(lambda: services.import_registrations(runde, data), results, k)
               for k in ("a", "b")]
    for thread in threads:
        thread.join(120)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["InvalidRows", "int"], results
    assert Registrering.objects.filter(runde=runde).count() == 300


def _status_post(plan, measures, status, comment, client):
    url = reverse("planer:status_update", args=[plan.slug]) + "?year=2023&tertial=1"
    form = client.get(url).context["formset"]
    data = {"form-TOTAL_FORMS": len(measures), "form-INITIAL_FORMS": len(measures)}
    for i, f in enumerate(form.forms):
        data[f"form-{i}-tiltak_id"] = f.initial["tiltak_id"]
        data[f"form-{i}-seen"] = f.initial["seen"]
        data[f"form-{i}-status"] = status if i == 0 else ""
        data[f"form-{i}-comment"] = comment if i == 0 else ""
    return url, data


@pytest.fixture
def stavanger_plan(units):
    from rusfelt.planer import demo as planer_demo
    from rusfelt.planer.models import Plan

    planer_demo.load(slugs=["stavanger-rusplan-2019-2023"])
    return Plan.objects.get(slug="stavanger-rusplan-2019-2023")


def test_item4_the_second_of_two_status_updates_is_told_and_keeps_its_text(
        stavanger_plan, make_user, stavanger_planlegger):
    from rusfelt.planer.models import Statusoppdatering

    other = make_user("stavanger-planlegger-2", ("1103", "planlegger"))
    measures = list(stavanger_plan.tiltak.order_by("order"))
    first, second = Client(), Client()
    login(first, stavanger_planlegger)
    login(second, other)
    url, mine = _status_post(stavanger_plan, measures, "utsatt", "Min egen vurdering", first)
    _, theirs = _status_post(stavanger_plan, measures, "pagar", "Deres vurdering", second)
    assert second.post(url, theirs).status_code == 302
    response = first.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre har rapportert status" in page
    assert "Min egen vurdering" in page  # what the first user typed is still there
    stored = Statusoppdatering.objects.filter(tiltak=measures[0], year=2023, tertial=1)
    assert [s.status for s in stored] == ["pagar"]
    # Saving again, having seen the other status, is a deliberate overwrite.
    again = {k: v for k, v in response.context["formset"].data.items()}
    assert first.post(url, again).status_code == 302
    assert [s.status for s in stored.all()] == ["pagar", "utsatt"]


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_item4_postgres_two_status_saves_at_once_store_one(units, monkeypatch):
    from rusfelt.planer import demo as planer_demo
    from rusfelt.planer import services as plan_services
    from rusfelt.planer.models import Plan, Statusoppdatering

    planer_demo.load(slugs=["stavanger-rusplan-2019-2023"])
    plan = Plan.objects.get(slug="stavanger-rusplan-2019-2023")
    tiltak = plan.tiltak.order_by("order").first()
    real = plan_services.record_status

    def slow(*args, **kwargs):  # widen the window between the check and the write
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_services, "record_status", slow)
    results = {}

    def save(text):
        return lambda: plan_services.record_statuses(
            plan, 2023, 1, [{"tiltak": tiltak, "status": "pagar", "comment": text, "seen": 0}],
            user=None)

    threads = [_in_thread(save(k), results, k) for k in ("a", "b")]
    for thread in threads:
        thread.join(60)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["StatusConflict", "int"], results
    assert Statusoppdatering.objects.filter(tiltak=tiltak, year=2023, tertial=1).count() == 1


# === 5. Caches, password forms, keys, command-line exports ==========================


@pytest.fixture
def registered(runde):
    services.import_registrations(runde, csv_file(numbers(3)))
    return Registrering.objects.first()


NO_STORE_PAGES = [
    ("kartlegging:results", "planner", lambda r: [r.runde.code]),
    ("kartlegging:runde", "planner", lambda r: [r.runde.code]),
    ("kartlegging:register", "kartlegger", lambda r: [r.runde.code]),
    ("kartlegging:import", "kartlegger", lambda r: [r.runde.code]),
    ("kartlegging:records_csv", "planner", lambda r: [r.runde.code]),
    ("kartlegging:access_lookup", "planner", lambda r: []),
    ("kartlegging:correct", "planner", lambda r: [r.pk]),
    ("kartlegging:access_overview", "dpo", lambda r: []),
    ("kartlegging:access_overview_csv", "dpo", lambda r: []),
    ("core:audit_log", "admin", lambda r: []),
    ("core:user_list", "admin", lambda r: []),
    ("core:user_create", "admin", lambda r: []),
]


@pytest.mark.parametrize(("name", "who", "args"), NO_STORE_PAGES,
                         ids=[n for n, _w, _a in NO_STORE_PAGES])
def test_item5_pages_with_record_level_or_unsuppressed_data_are_not_stored(
        client, registered, make_user, name, who, args):
    users = {"planner": ("030104", "planlegger"), "kartlegger": ("030104", "kartlegger"),
             "dpo": ("030104", "personvernombud"), "admin": ("0", "administrator")}
    user = make_user(f"user-{who}", users[who])
    response = login(client, user).get(reverse(name, args=args(registered)))
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")


def test_item5_the_user_detail_page_is_not_stored(client, admin_user, make_user):
    other = make_user("someone", ("0301", "leser"))
    response = login(client, admin_user).get(reverse("core:user_detail", args=[other.pk]))
    assert "no-store" in response.get("Cache-Control", "")


def test_item5_passwords_in_the_user_form_are_hidden_from_error_reports(client, admin_user):
    response = login(client, admin_user).post(reverse("core:user_create"), {
        "username": "ny-bruker", "password1": PASSWORD + "x", "password2": PASSWORD + "y"})
    request = response.wsgi_request
    assert set(request.sensitive_post_parameters) >= {"password1", "password2"}


def test_item5_a_pseudonym_key_equal_to_the_secret_key_is_refused(settings):
    from django.core.checks import run_checks

    settings.RUSFELT_PSEUDONYM_KEY = settings.SECRET_KEY
    assert "rusfelt.E002" in [e.id for e in run_checks()]
    settings.RUSFELT_PSEUDONYM_KEY = "a-different-key-" + "9" * 32
    assert "rusfelt.E002" not in [e.id for e in run_checks()]


def test_item5_cli_results_are_suppressed_and_audited_by_default(runde):
    services.import_registrations(runde, csv_file(numbers(3)))
    out = io.StringIO()
    call_command("kartlegging", "resultater", "--runde", runde.code, stdout=out)
    assert "antall,totalt,antall,:" in out.getvalue().splitlines()
    event = AuditEvent.objects.get(action="export")
    assert event.detail == {"export": "resultater_csv", "suppressed": True}
    assert event.username == "kommandolinje"


def test_item5_cli_unsuppressed_results_need_an_allowed_user_and_are_audited(
        runde, make_user):
    services.import_registrations(runde, csv_file(numbers(3)))
    reader = make_user("sth-leser", ("030104", "leser"))
    planner = make_user("sth-planlegger", ("030104", "planlegger"))
    for args in ([], ["--bruker", reader.username], ["--bruker", "finnes-ikke"]):
        with pytest.raises(CommandError):
            call_command("kartlegging", "resultater", "--runde", runde.code, "--upublisert",
                         *args, stdout=io.StringIO())
    assert not AuditEvent.objects.filter(action="export").exists()
    out = io.StringIO()
    call_command("kartlegging", "resultater", "--runde", runde.code, "--upublisert",
                 "--bruker", planner.username, stdout=out)
    assert "antall,totalt,antall,3" in out.getvalue().splitlines()
    event = AuditEvent.objects.get(action="export")
    assert event.user == planner and event.detail["suppressed"] is False


@pytest.mark.parametrize("command", [
    ["enheter", "eksport"],
    ["planer", "eksport", "--plan", "stavanger-rusplan-2019-2023", "-o", "{tmp}/plan.csv"],
    ["planer", "rapport", "--plan", "stavanger-rusplan-2019-2023", "--periode", "2021",
     "--format", "html", "-o", "{tmp}/rapport.html"],
    ["rapporter", "lag", "--enhet", "1103", "--ar", "2021", "-o", "{tmp}/rapport.html"],
], ids=["enheter-eksport", "planer-eksport", "planer-rapport", "rapporter-lag"])
def test_item5_every_command_line_export_is_audited(stavanger_plan, tmp_path, command):
    call_command(*[a.format(tmp=tmp_path) for a in command], stdout=io.StringIO())
    event = AuditEvent.objects.get(action="export")
    assert event.username == "kommandolinje"


def test_item5_command_line_indicator_changes_are_audited(units):
    from rusfelt.indikatorer.models import Indikatorsett

    Indikatorsett.objects.create(slug="sett", name="Sett")
    call_command("indikatorer", "endringer", "--sett", "sett", "--enhet", "0",
                 stdout=io.StringIO())
    event = AuditEvent.objects.get(action="export")
    assert event.username == "kommandolinje" and event.detail["sett"] == "sett"


# === 6. loaddemo never runs in production ===========================================


def test_item6_loaddemo_refuses_production_settings_with_exit_code_2(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUSFELT_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update({
        "RUSFELT_ENV": "production", "RUSFELT_SECRET_KEY": "x7-" + "k9Qz2Lm4Pw8Rt6Yv" * 4,
        "RUSFELT_ALLOWED_HOSTS": "rusfelt.kommune.no", "RUSFELT_PSEUDONYM_KEY": "f3" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
    })
    result = subprocess.run([sys.executable, "-m", "rusfelt.manage", "loaddemo"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "loaddemo kjører ikke med produksjonsinnstillinger" in result.stderr
    assert "Demoinnlogging" not in result.stdout


# === 7. Fødselsnummer and d-nummer rules ===========================================

REFERENCE = date(2019, 12, 31)


def test_item7_a_person_born_more_than_120_years_before_the_reference_date_is_refused():
    exactly_120 = first_number("311299", range(500, 750))  # 1899: individual 500-749
    one_day_more = first_number("301299", range(500, 750))
    assert person_from_number(exactly_120, REFERENCE).age == 120
    with pytest.raises(InvalidNumber) as info:
        person_from_number(one_day_more, REFERENCE)
    assert info.value.rule == "too_old" and "120 år" in str(info.value)
    with pytest.raises(InvalidNumber):
        person_from_number(first_number("150160", range(500, 750)), REFERENCE)  # 1860


@pytest.mark.parametrize(("make", "rule", "words"), [
    pytest.param(lambda: FNR[:-1] + "9", "check_digits", "Kontrollsifrene", id="check-digit"),
    pytest.param(lambda: first_number("310286", range(100, 500)), "date", "Fødselsdatoen",
                 id="31-february"),
    pytest.param(lambda: first_number("150345", range(600, 700)), "individual_number",
                 "Individnummeret", id="individual-number-of-no-century"),
    pytest.param(lambda: first_number("851086", range(100, 500)), "fh_number", "FH-nummer",
                 id="fh-number"),
])
def test_item7_a_refusal_names_the_rule_that_failed(make, rule, words):
    bad = make()
    with pytest.raises(InvalidNumber) as info:
        person_from_number(bad, REFERENCE)
    assert info.value.rule == rule
    assert words in str(info.value) and bad not in str(info.value)
    if rule != "check_digits":
        assert "Kontrollsifrene" not in str(info.value)


def test_item7_synthetic_test_numbers_only_where_the_setting_allows(settings, runde):
    from rusfelt.kartlegging.forms import RegistrationForm
    from rusfelt.settings import base

    synthetic = first_number("159086", range(100, 500))  # month 10 + 80
    assert person_from_number(synthetic, REFERENCE, allow_synthetic=True).age == 33
    with pytest.raises(InvalidNumber) as info:
        person_from_number(synthetic, REFERENCE)
    assert info.value.rule == "synthetic"
    assert base.RUSFELT_ALLOW_SYNTHETIC_NUMBERS is False  # production inherits base
    data = _registration_data(runde, synthetic)
    settings.RUSFELT_ALLOW_SYNTHETIC_NUMBERS = True
    assert RegistrationForm(data, runde=runde).is_valid()
    services.register(runde, synthetic, {k: v for k, v in data.items()
                                         if k not in ("fodselsnummer", "informert")})
    settings.RUSFELT_ALLOW_SYNTHETIC_NUMBERS = False
    form = RegistrationForm(data, runde=runde)
    assert not form.is_valid() and "syntetisk" in str(form.errors["fodselsnummer"])


def test_item7_the_form_and_the_readme_say_how_h_numbers_are_treated(runde):
    from rusfelt.kartlegging.forms import RegistrationForm

    help_text = str(RegistrationForm(runde=runde).fields["fodselsnummer"].help_text)
    assert "H-nummer" in help_text and "to ganger" in help_text
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text()
    assert "H-nummer" in readme
    h_number = first_number("155086", range(100, 500))  # month 10 + 40
    assert person_from_number(h_number, REFERENCE).age == 33
