"""Load test: `rusfelt serve` on PostgreSQL under 50 and 200 concurrent users (locust).

Everything runs on this machine, over loopback: a throwaway database with
the demo data, one `rusfelt serve` with production settings, and locust in
headless mode, bounded in users and seconds. Prints requests/s, p50/p95/p99,
the slowest request, errors (5xx other than shedding, connection errors) and
the 503s with which the server refused excess load.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rusfelt.core.bench import scratch_database
from rusfelt.core.demo import DEMO_PASSWORD
from rusfelt.core.models import OrgUnit
from rusfelt.kartlegging.models import Runde, State
from rusfelt.planer.models import Plan

from .testing import Browser, Server, collectstatic, database_url, production_env

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WORDS = ["rus", "bolig", "lavterskel", "lege", "samtale", "oslo", "bergen", "stavanger",
         "ungdom", "pårørende", "natt", "legemiddel", "arbeid", "helse"]
READER = "planlegger.oslo"
SESSIONS = 8


def add_arguments(parser):
    parser.add_argument("--users", default="50,200",
                        help="concurrent users per run, comma separated (default %(default)s)")
    parser.add_argument("--seconds", type=int, default=30,
                        help="length of each run (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="rusfelt serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="rusfelt serve --threads")
    parser.add_argument("--max-queue-wait", type=float, default=1.0,
                        help="rusfelt serve --max-queue-wait")


def _plan(tmp: Path) -> dict:
    oslo = OrgUnit.objects.get(code="0301")
    rounds = Runde.objects.filter(unit__path__startswith=oslo.path, state=State.PUBLISHED)
    plans = Plan.objects.filter(owner__path__startswith=oslo.path)
    years = sorted(set(rounds.values_list("year", flat=True))) or [2019]
    return {
        "words": WORDS,
        "results": [f"/kartlegging/runde/{code}/resultater/"
                    for code in rounds.values_list("code", flat=True)[:20]],
        "plans": [f"/planer/{slug}/" for slug in plans.values_list("slug", flat=True)],
        "reports": [f"/rapporter/{code}/{year}/" for code in ("0301", "030104")
                    for year in years[-2:]],
        "status_file": str(tmp / "status.json"),
    }


def _locust(server, plan_file: Path, tmp: Path, users: int, seconds: int) -> dict:
    prefix = tmp / f"locust-{users}"
    env = {**os.environ, "RUSFELT_LOADTEST": str(plan_file)}
    run = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
         "--run-time", f"{seconds}s", "--stop-timeout", "10", "--host", server.base,
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0"],
        env=env, timeout=seconds + 120, capture_output=True, text=True)
    if run.returncode != 0:
        raise CommandError(f"locust feilet: {run.stderr[-2000:]}")
    with open(f"{prefix}_stats.csv", newline="") as f:
        total = next(row for row in csv.DictReader(f) if row["Name"] == "Aggregated")
    status = json.loads(Path(json.loads(plan_file.read_text())["status_file"]).read_text())
    return {"total": total, "status": status,
            "failures": Path(f"{prefix}_failures.csv").read_text()}


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True,
                              env={**os.environ, "TZ": "UTC"}).stdout.strip() + " (UTC)"
    except OSError:
        return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(stdout, users="50,200", seconds=30, workers=2, threads=4, max_queue_wait=1.0, **_):
    if connection.vendor != "postgresql":
        raise CommandError("Lasttesten kjører mot PostgreSQL: sett DATABASE_URL=postgres://…")
    counts = [int(n) for n in str(users).split(",") if n.strip()]
    if not counts or max(counts) > 500 or not 5 <= seconds <= 300:
        raise CommandError("Høyst 500 brukere og 5–300 sekunder per kjøring.")
    with tempfile.TemporaryDirectory() as name, scratch_database(stdout):
        tmp = Path(name)
        stdout.write("Laster demodata …")
        call_command("loaddemo", stdout=io.StringIO())
        plan = _plan(tmp)
        env = production_env(database_url(connection.settings_dict), tmp / "static")
        stdout.write("Samler statiske filer …")
        collectstatic(env)
        connection.close()
        server = Server(env, tmp, "--workers", str(workers), "--threads", str(threads),
                        "--max-queue-wait", str(max_queue_wait)).wait()
        try:
            sessions = []
            for _ in range(SESSIONS):
                browser = Browser()
                if browser.login(server, READER, DEMO_PASSWORD).status_code != 302:
                    raise CommandError("Innloggingen til lasttesten feilet.")
                sessions.append(browser.cookies["sessionid"])
            plan["sessions"] = sessions
            # Warm up: the first view of each page fills the shared cache.
            for url in plan["results"] + plan["plans"] + plan["reports"]:
                warm = Browser()
                warm.cookies["sessionid"] = sessions[0]
                warm.request(server, "GET", url)
            plan_file = tmp / "plan.json"
            plan_file.write_text(json.dumps(plan))
            stdout.write(
                f"rusfelt serve: {workers} prosesser × {threads} tråder, "
                f"--max-queue-wait {max_queue_wait} s; hver bruker venter 1–3 s mellom "
                f"forespørsler; {seconds} s per kjøring.\n"
                f"Før: {_uptime()}")
            header = (f"{'brukere':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
                      f"{'maks ms':>8} {'svar':>6} {'503':>5} {'5xx':>5} {'feil':>5}")
            rows = []
            for n in counts:
                result = _locust(server, plan_file, tmp, n, seconds)
                total, status = result["total"], result["status"]
                shed = status.get("503", 0)
                errors = sum(v for k, v in status.items() if k not in ("200", "503"))
                server_errors = sum(v for k, v in status.items()
                                    if k.isdigit() and k.startswith("5") and k != "503")
                rows.append(
                    f"{n:>8} {float(total['Requests/s']):>7.1f} {total['50%']:>7} "
                    f"{total['95%']:>7} {total['99%']:>7} "
                    f"{float(total['Max Response Time']):>8.0f} "
                    f"{int(total['Request Count']):>6} {shed:>5} {server_errors:>5} {errors:>5}")
                breakdown = ", ".join(f"{k}: {v}" for k, v in sorted(status.items()))
                rows.append(f"{'':>8} svar etter status: {breakdown}")
                time.sleep(2)
            stdout.write(header)
            for row in rows:
                stdout.write(row)
            stdout.write(f"Etter: {_uptime()}")
            stdout.write("503 = avvist straks av lastbegrensningen (Retry-After); 5xx = andre "
                         "serverfeil; feil = alle svar utenom 200/503, og brudd.")
        finally:
            server.stop()
