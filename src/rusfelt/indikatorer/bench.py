"""The 85 indicators for 356 municipalities over 10 years: import and page times.

Runs in a throwaway database created like a test database (a temporary
SQLite file, or test_<name> on PostgreSQL), migrated, filled and dropped
afterwards; the configured database is not touched. Prints the time of the
long-format import (all values in one file) and p50/p95 server times of the
status table, the indicator chart, the unit comparison and the CLI's
``endringer``.
"""

import io
import random
import statistics
import time

from django.test import Client
from django.test.utils import override_settings

from rusfelt.core.bench import p95, scratch_database

DEFAULT_MUNICIPALITIES = 356
DEFAULT_YEARS = 10
DEFAULT_REPEAT = 10


def add_arguments(parser):
    parser.add_argument("--kommuner", type=int, default=DEFAULT_MUNICIPALITIES,
                        help="Antall kommuner (standard 356).")
    parser.add_argument("--ar", type=int, default=DEFAULT_YEARS,
                        help="Antall år (standard 10).")
    parser.add_argument("--gjentak", type=int, default=DEFAULT_REPEAT,
                        help="Målinger per side (standard 10).")


def run(stdout, kommuner=DEFAULT_MUNICIPALITIES, ar=DEFAULT_YEARS, gjentak=DEFAULT_REPEAT,
        **options):
    with scratch_database(stdout):
        rows, seconds = fill(kommuner, ar)
        stdout.write(
            f"Import av {rows} verdier i langt format (én fil, alt eller ingenting): "
            f"{seconds:.1f} s ({rows / seconds:,.0f} rader/s)."
        )
        results = measure(gjentak, ar)
    stdout.write(f"\nServertid, {gjentak} målinger per side:")
    stdout.write(f"{'side':44} {'p50 ms':>8} {'p95 ms':>8}")
    for label, median, high in results:
        stdout.write(f"{label:44} {median:>8.1f} {high:>8.1f}")
    return results


def fill(municipalities: int, years: int, seed: int = 20261122):
    from rusfelt.core import services as core_services
    from rusfelt.core.demo import DEMO_DIR
    from rusfelt.core.models import Niva, OrgUnit

    from . import demo, services
    from .models import Indikatorsett

    core_services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    demo.load()
    fylke = OrgUnit.objects.get(code="03")
    OrgUnit.objects.bulk_create(
        OrgUnit(code=f"9{i:03d}", name=f"Benchkommune {i}", level=Niva.KOMMUNE, parent=fylke,
                path=f"{fylke.path}9{i:03d}/")
        for i in range(municipalities)
    )
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    kinds = dict(sett.indikatorer.values_list("number", "kind"))
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("indikator,enhet,ar,verdi\n")
    rows = 0
    first = 2027 - years
    for i in range(municipalities):
        for number, kind in kinds.items():
            level = rng.uniform(5, 80) if kind == "andel" else rng.uniform(10, 5000)
            for year in range(first, first + years):
                level *= rng.uniform(0.95, 1.05)
                out.write(f"{number},9{i:03d},{year},{level:.1f}\n")
                rows += 1
    started = time.perf_counter()
    services.import_values(sett, out.getvalue().encode(), "bench.csv")
    return rows, time.perf_counter() - started


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def measure(repeat: int, years: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from rusfelt.core.models import Grant, OrgUnit

    from .demo import SLUG

    evaluator = get_user_model().objects.create_user("bench-evaluator")
    Grant.objects.create(user=evaluator, unit=OrgUnit.objects.get(code="0"), role="leser")
    client = Client()
    client.force_login(evaluator)
    last = 2026
    pages = [
        ("statustabeller, landet", f"/indikatorer/{SLUG}/", {}),
        ("statustabeller, én kommune", f"/indikatorer/{SLUG}/", {"enhet": "9001"}),
        ("statustabeller, filter HM3 rød", f"/indikatorer/{SLUG}/",
         {"enhet": "9001", "gruppe": "HM3", "vurdering": "rod"}),
        ("måloppnåelse, én kommune", f"/indikatorer/{SLUG}/mal/", {"enhet": "9001"}),
        ("indikator 16, graf over alle enheter", f"/indikatorer/{SLUG}/16/", {}),
        ("sammenligning ind. 16, alle kommuner", f"/indikatorer/{SLUG}/16/sammenlign/",
         {"ar": str(last)}),
        ("statustabeller som XLSX", f"/indikatorer/{SLUG}/status.xlsx", {"enhet": "9001"}),
    ]
    results = []
    for label, path, params in pages:
        client.get(path, params)  # warm up
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        results.append((label, *_percentiles(times)))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call_command("indikatorer", "endringer", "--sett", SLUG, "--enhet", "9001",
                     stdout=io.StringIO())
        times.append((time.perf_counter() - started) * 1000)
    results.append(("CLI endringer, én kommune", *_percentiles(times)))
    return results


def _percentiles(times):
    return statistics.median(times), p95(times)
