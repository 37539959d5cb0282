"""A 100 000-row import through the web under `rusfelt serve`, with its progress.

    DATABASE_URL=postgres://… rusfelt bench webimport [--rader 100000]

In a throwaway PostgreSQL database: the demo units, one open round and a
kartlegger. Starts `rusfelt serve` and `rusfelt worker` with production
settings on loopback, signs in, uploads the CSV through the import page,
follows the redirect to the job's page and polls it as htmx does (the
status fragment, every second), printing each change of progress, then
checks the count stored. Prints each new stage and every tenth of the
rows, with the seconds since the upload began.
"""

import io
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import connection

from rusfelt.core import services as core_services
from rusfelt.core.bench import scratch_database
from rusfelt.core.demo import DEMO_DIR
from rusfelt.core.models import Grant, OrgUnit
from rusfelt.kartlegging import bench, services
from rusfelt.kartlegging.models import Registrering

from .testing import Browser, Server, collectstatic, database_url, production_env

PASSWORD = "webimport-passord-2026"
STATE = re.compile(r'jobb--(\w+)')
BAR = re.compile(r'max="(\d+)" value="(\d+)"')
STAGE = re.compile(r"<strong>([^<]+)</strong>(?::\s*([^<\n]+))?")


def add_arguments(parser):
    parser.add_argument("--rader", type=int, default=100_000, help="rows in the file")


def _setup(rows: int) -> tuple[str, bytes]:
    core_services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    runde = services.create_round("030104-2030", hjemmel="Hjemmel", formal="Formål",
                                  dpia_ref="DPIA-1")
    user = get_user_model().objects.create(
        username="webimport", password=make_password(PASSWORD, hasher="argon2"))
    Grant.objects.create(user=user, unit=OrgUnit.objects.get(code="030104"), role="kartlegger")
    data = bench._csv_for(random.Random(7), bench._number_pool(rows), rows)
    return runde.code, data


def run(stdout, rader=100_000, **_):
    if connection.vendor != "postgresql":
        raise CommandError("Målingen kjører mot PostgreSQL: sett DATABASE_URL=postgres://…")
    with tempfile.TemporaryDirectory() as name, scratch_database(stdout):
        tmp = Path(name)
        stdout.write(f"Lager {rader} rader …")
        code, data = _setup(rader)
        env = production_env(database_url(connection.settings_dict), tmp / "static")
        collectstatic(env)
        connection.close()
        server = Server(env, tmp).wait()
        worker = subprocess.Popen([sys.executable, "-m", "rusfelt.manage", "worker"], env=env,
                                  stdout=(tmp / "worker.log").open("w"),
                                  stderr=subprocess.STDOUT)
        try:
            browser = Browser()
            if browser.login(server, "webimport", PASSWORD).status_code != 302:
                raise CommandError("Innloggingen feilet.")
            page = f"/kartlegging/runde/{code}/import/"
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                              browser.request(server, "GET", page).text).group(1)
            started = time.monotonic()
            origin = f"https://127.0.0.1:{server.port}"
            response = requests.post(
                server.base + page, data={"csrfmiddlewaretoken": token},
                files={"fil": ("import.csv", io.BytesIO(data), "text/csv")},
                headers={"X-Forwarded-Proto": "https", "Origin": origin,
                         "Referer": origin + page},
                cookies=browser.cookies, allow_redirects=False, timeout=120)
            uploaded = time.monotonic() - started
            job_url = response.headers.get("Location", "")
            if response.status_code != 302 or "/jobber/" not in job_url:
                raise CommandError(f"Opplastingen ga {response.status_code}: "
                                   f"{response.text[:500]}")
            stdout.write(f"Lastet opp {len(data) / 1e6:.1f} MB på {uploaded:.1f} s; "
                         f"jobbsiden er {job_url}")
            last, state = None, "venter"
            while time.monotonic() - started < 1800:
                fragment = requests.get(
                    server.base + job_url, cookies=browser.cookies, timeout=60,
                    headers={"X-Forwarded-Proto": "https", "HX-Request": "true"}).text
                state = STATE.search(fragment).group(1)
                bar = BAR.search(fragment)
                stage = STAGE.search(fragment)
                tenth = int(10 * int(bar.group(2)) / int(bar.group(1))) if bar else None
                seen = (state, tenth, (stage.group(2) or "").strip() if stage else "")
                if seen != last:
                    done = f"{int(bar.group(2)):>7} / {bar.group(1)}" if bar else ""
                    stdout.write(f"{time.monotonic() - started:6.1f} s  {state:7} "
                                 f"{done:17} {seen[2]}")
                    last = seen
                if state in ("ferdig", "feilet"):
                    break
                time.sleep(1)
            elapsed = time.monotonic() - started
            stored = Registrering.objects.filter(runde__code=code).count()
            stdout.write(f"{state} etter {elapsed:.1f} s; {stored} registreringer lagret.")
            if state != "ferdig" or stored != rader:
                raise CommandError("Importen ble ikke fullført.")
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            server.stop()
