"""Search 5 000 services: p50/p95 server time of typical public queries.

Runs in a throwaway database created like a test database (a temporary
SQLite file, or test_<name> on PostgreSQL), migrated, filled and dropped
afterwards; the configured database is not touched.
"""

import gc
import os
import random
import statistics
import time
from datetime import date
from datetime import time as clock

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from rusfelt.core.bench import p95, scratch_database

DEFAULT_COUNT = 5_000
DEFAULT_REPEAT = 40
QUERIES = [
    ("alle, side 1", "/tjenester/", {}),
    ("q=rusbehandling", "/tjenester/", {"q": "rusbehandling"}),
    ("q=bolig, bydel", "/tjenester/", {"q": "bolig", "sted": "030104"}),
    ("lavterskel, åpen nå", "/tjenester/", {"kategori": "lavterskel", "apen": "on"}),
    ("17 år, pårørende", "/tjenester/", {"alder": "17", "rolle": "parorende"}),
    ("q=overnatting, åpen nå, Oslo", "/tjenester/",
     {"q": "overnatting", "apen": "on", "sted": "0301"}),
    ("side 10", "/tjenester/", {"side": "10"}),
    ("API q=lavterskel", "/api/tjenester/", {"q": "lavterskel"}),
    ("API åpen nå", "/api/tjenester/", {"apen": "on"}),
]
WORDS = [
    "rusbehandling", "behandling for rusproblemer", "lavterskel kafé", "bolig med oppfølging",
    "akutt overnatting", "samtaler for pårørende", "arbeidstrening", "feltpleie",
    "ungdomsklubb", "rådgivning og rettshjelp", "sprøyterom og smittevern", "aktivitetsgruppe",
    "helsestasjon", "psykisk helsehjelp", "ambulant team", "værested med mat",
]
HOURS = [
    [(d, clock(8), clock(15, 30)) for d in range(5)],
    [(d, clock(10), clock(15)) for d in range(5)] + [(d, clock(18), clock(21)) for d in range(4)],
    [(d, clock(0), clock(0)) for d in range(7)],
    [(d, clock(21), clock(8)) for d in range(7)],
    [(5, clock(10), clock(14))],
    [],
]


def add_arguments(parser):
    parser.add_argument("--antall", type=int, default=DEFAULT_COUNT,
                        help="Antall tjenester (standard 5 000).")
    parser.add_argument("--gjentak", type=int, default=DEFAULT_REPEAT,
                        help="Målinger per spørring (standard 40).")


def run(stdout, antall=DEFAULT_COUNT, gjentak=DEFAULT_REPEAT, **options):
    with scratch_database(stdout):
        started = time.perf_counter()
        fill(antall)
        stdout.write(f"{antall} tjenester lagt inn på {time.perf_counter() - started:.1f} s.")
        results = measure(gjentak)
    stdout.write(f"\nSøketid på serveren (hele svaret), {gjentak} målinger per spørring:")
    stdout.write("(CPU = tråden i Django-prosessen; SQLite-arbeid er med, PostgreSQL-arbeid ikke.)")
    stdout.write(f"{'spørring':34} {'treff':>6} {'p50 ms':>8} {'p95 ms':>8} {'p95 CPU':>8}")
    for label, hits, median, high, high_cpu in results:
        stdout.write(f"{label:34} {hits:>6} {median:>8.1f} {high:>8.1f} {high_cpu:>8.1f}")
    worst = max(r[3] for r in results)
    stdout.write(f"\nHøyeste p95: {worst:.1f} ms (mål: under 100 ms). "
                 f"Maskinens last (1 min): {os.getloadavg()[0]:.1f} på {os.cpu_count()} kjerner.")
    return results


def fill(count: int, seed: int = 20261122) -> None:
    from rusfelt.core import services as core_services
    from rusfelt.core.demo import DEMO_DIR
    from rusfelt.core.models import Niva, OrgUnit

    from .models import AccessRoute, Apningstid, Category, Kind, TargetGroup, Tjeneste

    core_services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    rng = random.Random(seed)
    units = list(OrgUnit.objects.filter(level__in=[Niva.KOMMUNE, Niva.BYDEL]))
    objects, hours = [], []
    for i in range(count):
        groups = rng.sample(TargetGroup.values, k=rng.randint(1, 3))
        low = rng.choice([None, None, 13, 16, 18])
        obj = Tjeneste(
            slug=f"bench-{i}", name=f"{rng.choice(WORDS).capitalize()} {i}",
            unit=rng.choice(units), provider_name="Benchmark", kind=rng.choice(Kind.values),
            category=rng.choice(Category.values), target_groups=groups,
            age_min=low, age_max=rng.choice([None, 25]) if low else None,
            access_routes=rng.sample(AccessRoute.values, k=rng.randint(1, 2)),
            description=" ".join(rng.sample(WORDS, k=3)) + ".",
            target_text=rng.choice(WORDS), open_on_holidays=rng.random() < 0.2,
            verified_on=date(2026, rng.randint(1, 9), 1),
        )
        obj.search_index = obj.build_search_index(translations=[])
        obj.name_index = obj.build_name_index(translations=[])
        objects.append(obj)
        hours.append(rng.choice(HOURS))
    Tjeneste.objects.bulk_create(objects, batch_size=500)
    ids = dict(Tjeneste.objects.values_list("slug", "pk"))
    Apningstid.objects.bulk_create(
        (Apningstid(tjeneste_id=ids[o.slug], weekday=d, opens=a, closes=b)
         for o, periods in zip(objects, hours, strict=True) for d, a, b in periods),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: fresh statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def measure(repeat: int):
    from .forms import SokForm
    from .services import search_ids

    client = Client()
    results = []
    for label, path, params in QUERIES:
        client.get(path, params)  # warm up
        gc.collect()
        times, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        hits = len(search_ids(SokForm(params).filters()))
        results.append((label, hits, statistics.median(times), p95(times), p95(cpu)))
    return results
