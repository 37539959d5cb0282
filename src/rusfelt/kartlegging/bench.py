"""National-scale benchmark of kartlegging: 300 000 registrations, 356 kommuner, 10 years.

    rusfelt bench kartlegging [--registreringer 300000] [--kommuner 356] [--ar 10]
                              [--database-url postgres://.../scratch]

It never touches the configured database: ``run()`` starts itself again in
a child process with ``DATABASE_URL`` pointing at a throwaway SQLite file in
a temporary directory (or at ``--database-url``, which must be a scratch
database: it is migrated and filled), with the test settings. It prints:

* import rows per second (CSV through ``services.import_registrations``:
  parsing, validation, pseudonyms, bulk insert);
* one kommune's results page (server time through Django's test client,
  including the national comparison, the trend and two charts);
* the national results of one year (the GROUP BY queries alone);
* publishing with joint suppression and the intruder: a kommune with 15
  bydeler and 10 000 registrations published bydel by bydel (the last one
  with the kommune's sum), then audited by ``revisjon``, beside the
  unsuppressed computation of the same figures (``--kun-publisering`` runs
  only this part).

Targets on a 2-core machine: national results under 1 s, a kommune's
results page under 200 ms, publishing and auditing the 15-bydel kommune
under 5 s.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

CHILD_FLAG = "RUSFELT_BENCH_CHILD"


def add_arguments(parser):
    parser.add_argument("--registreringer", type=int, default=300_000)
    parser.add_argument("--kommuner", type=int, default=356)
    parser.add_argument("--ar", type=int, default=10)
    parser.add_argument("--database-url", default="",
                        help="A scratch database to fill (default: a temporary SQLite file).")
    parser.add_argument("--kun-publisering", action="store_true",
                        help="Bare publisering og revisjon av en kommune med 15 bydeler.")


def run(stdout, registreringer=300_000, kommuner=356, ar=10, database_url="",
        kun_publisering=False, **_):
    if os.environ.get(CHILD_FLAG) != "1":
        return _spawn(stdout, registreringer, kommuner, ar, database_url, kun_publisering)
    if kun_publisering:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return _bench_publication(stdout)
    return _bench(stdout, registreringer, kommuner, ar)


def _spawn(stdout, registreringer, kommuner, ar, database_url, kun_publisering=False):
    with tempfile.TemporaryDirectory(prefix="rusfelt-bench-") as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        env = {**os.environ, CHILD_FLAG: "1", "DATABASE_URL": url, "RUSFELT_ENV": "test",
               "DJANGO_SETTINGS_MODULE": "rusfelt.settings.test"}
        stdout.write(f"Skrapdatabase: {url if database_url else 'midlertidig SQLite-fil'}")
        code = ("import sys; from rusfelt.manage import main; "
                "sys.argv = ['rusfelt'] + sys.argv[1:]; main()")
        args = [sys.executable, "-c", code, "bench", "kartlegging",
                "--registreringer", str(registreringer), "--kommuner", str(kommuner),
                "--ar", str(ar)] + (["--kun-publisering"] if kun_publisering else [])
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
        for line in process.stdout:
            stdout.write(line.rstrip("\n"))
        if process.wait() != 0:
            raise SystemExit(process.returncode)


def _bench(stdout, total, n_kommuner, n_years):
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    stdout.write(f"Migrert på {time.perf_counter() - t0:.1f} s ({connection.vendor}).")
    kommuner, rounds = _setup(stdout, n_kommuner, n_years)
    per_round = max(1, total // len(rounds))
    pool = _number_pool(per_round * 3)
    stdout.write(f"Importerer {per_round * len(rounds):,} registreringer i {len(rounds):,} "
                 f"runder ({per_round} per runde) …".replace(",", " "))
    rate = _import(stdout, rounds, pool, per_round)
    _publish(rounds, kommuner[0])
    first_ms, page_ms = _page_time(kommuner[0], n_years)
    national_ms, national_n = _national_time(n_years)
    stdout.write("")
    stdout.write("Resultat")
    stdout.write(f"  Import: {rate:,.0f} rader/s".replace(",", " "))
    stdout.write(f"  Resultatsiden for én kommune (tjenertid, median av 5): {page_ms:.0f} ms "
                 f"(mål < 200 ms); første visning etter en publisering: {first_ms:.0f} ms")
    count = f"{national_n:,}".replace(",", " ")
    stdout.write(f"  Nasjonale resultater for ett år ({count} registreringer, median av 3): "
                 f"{national_ms:.0f} ms (mål < 1 000 ms)")
    _bench_publication(stdout)


BENCH_BYDELER = 15
BENCH_PERSONS = 10_000


def _bench_publication(stdout):
    """Publish a kommune of 15 bydeler (10 000 persons, skewed sizes) and audit it."""
    from django.db import transaction

    from rusfelt.core.models import OrgUnit, Population

    from . import results as results_mod
    from . import services
    from .demo import DPIA, FORMAL, HJEMMEL
    from .domain.levels import AREAS, KATEGORIER, LEVEL_KEYS, TJENESTER
    from .models import Registrering, Runde, State

    rng = random.Random(15)
    year = 2025
    with transaction.atomic():
        land = OrgUnit.objects.filter(level="land").first() or OrgUnit.objects.create(
            code="0", name="Norge", level="land")
        fylke = OrgUnit.objects.create(code="59", name="Publiseringsfylke", level="fylke",
                                       parent=land)
        kommune = OrgUnit.objects.create(code="5999", name="Publiseringskommune",
                                         level="kommune", parent=fylke)
        weights = [rng.paretovariate(1.2) for _ in range(BENCH_BYDELER)]
        sizes = [max(3, round(BENCH_PERSONS * w / sum(weights))) for w in weights]
        rounds = []
        for i, size in enumerate(sizes, start=1):
            bydel = OrgUnit.objects.create(code=f"5999{i:02d}", name=f"Bydel {i}",
                                           level="bydel", parent=kommune)
            Population.objects.create(unit=bydel, year=year, sex="mann", age_from=16,
                                      age_to=None, count=size * 60)
            runde = Runde.objects.create(
                code=f"{bydel.code}-{year}", unit=bydel, year=year,
                reference_date=date(year, 12, 31), state=State.CLOSED, hjemmel=HJEMMEL,
                formal=FORMAL, dpia_ref=DPIA, tjenester=list(TJENESTER))
            people = []
            for j in range(size):
                values = {a: rng.choices(LEVEL_KEYS, (0.2, 0.55, 0.25))[0] for a in AREAS}
                values.update(tjeneste=rng.choices(TJENESTER, (0.6, 0.3, 0.03, 0.07))[0],
                              kategori=rng.choices(KATEGORIER, (0.5, 0.05, 0.45))[0])
                people.append(Registrering(
                    runde=runde, pseudonym=f"k1:bench-{i}-{j}", alder=rng.randint(18, 80),
                    kjonn=rng.choices(["mann", "kvinne"], (0.7, 0.3))[0],
                    overdose=rng.random() < 0.03, individuell_plan=rng.random() < 0.15,
                    **values, **services.derived(values, runde.levekarsindeks_regel)))
            Registrering.objects.bulk_create(people, batch_size=2000)
            rounds.append(runde)

    def timed(work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        return result, time.perf_counter() - wall, time.process_time() - cpu

    _r, plain, plain_cpu = timed(lambda: results_mod.sum_results(
        [services.compute_results(r) for r in rounds]))
    _r, publish, publish_cpu = timed(
        lambda: [services.change_state(r, State.PUBLISHED) for r in rounds])
    (own, elsewhere, _pubs), audit, audit_cpu = timed(
        lambda: services.revisjon(kommune, year))
    exposed = sum(1 for i in [*own, *elsewhere] if i.exposed)
    persons = f"{sum(sizes):,}".replace(",", " ")
    stdout.write(
        f"  Publisering av en kommune med {BENCH_BYDELER} bydeler og {persons} registreringer "
        f"(bydel for bydel, kommunesummen med den siste): {publish:.1f} s "
        f"(CPU {publish_cpu:.1f} s); revisjon {audit:.1f} s (CPU {audit_cpu:.1f} s; "
        f"{len(own)} prikkede celler, {exposed} avslørt); til sammen {publish + audit:.1f} s "
        f"(mål < 5 s). Uprikket beregning av de samme tallene: {plain:.1f} s "
        f"(CPU {plain_cpu:.1f} s).")


def _setup(stdout, n_kommuner, n_years):
    from django.db import transaction

    from rusfelt.core.models import OrgUnit, Population

    from .demo import DPIA, FORMAL, HJEMMEL
    from .models import Runde, State

    first_year = 2026 - n_years
    with transaction.atomic():
        land = OrgUnit.objects.create(code="0", name="Norge", level="land")
        fylke = OrgUnit.objects.create(code="50", name="Benkfylke", level="fylke", parent=land)
        kommuner = OrgUnit.objects.bulk_create(
            OrgUnit(code=f"{5000 + i:04d}", name=f"Benkkommune {i}", level="kommune",
                    parent=fylke, path=f"{fylke.path}{5000 + i:04d}/")
            for i in range(1, n_kommuner + 1))
        kommuner = list(OrgUnit.objects.filter(level="kommune").order_by("code"))
        Population.objects.bulk_create(
            Population(unit=k, year=y, sex=sex, age_from=16, age_to=None, count=10_000)
            for k in kommuner for y in range(first_year, first_year + n_years)
            for sex in ("mann", "kvinne"))
        Runde.objects.bulk_create(
            Runde(code=f"{k.code}-{y}", unit=k, year=y, reference_date=date(y, 12, 31),
                  state=State.OPEN, hjemmel=HJEMMEL, formal=FORMAL, dpia_ref=DPIA,
                  tjenester=["nav", "helse_omsorg", "barnevern", "annen"])
            for k in kommuner for y in range(first_year, first_year + n_years))
    rounds = list(Runde.objects.select_related("unit").order_by("unit__code", "year"))
    stdout.write(f"{len(kommuner)} kommuner og {len(rounds)} runder opprettet.")
    return kommuner, rounds


def _number_pool(size):
    from .demo import synthetic_number

    rng, used = random.Random(356), set()
    return [synthetic_number(rng, date(1950 + i % 50, 1 + i % 12, 1 + i % 28), i % 2 == 0, used)
            for i in range(size)]


HEADER = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
          "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk,informert,individuell_plan")


def _csv_for(rng, pool, k):
    levels = ("gronn", "gul", "rod")
    lines = [HEADER]
    for number in rng.sample(pool, k):
        row = [number, rng.choice(("nav", "helse_omsorg")),
               rng.choice(("rus", "rus_psykisk", "psykisk"))]
        row += [rng.choice(levels) for _ in range(8)]
        row += [rng.choice(("ja", "nei")), rng.choice(("ja", "nei", ""))]
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode()


def _import(stdout, rounds, pool, per_round):
    from . import services

    rng = random.Random(2026)
    files = [_csv_for(rng, pool, per_round) for _ in range(min(len(rounds), 50))]
    rows = 0
    start = time.perf_counter()
    for i, runde in enumerate(rounds, start=1):
        rows += services.import_registrations(runde, files[i % len(files)], "bench.csv")
        if i % 500 == 0:
            elapsed = time.perf_counter() - start
            speed = f"{rows / elapsed:,.0f}".replace(",", " ")
            stdout.write(f"  {i}/{len(rounds)} runder, {speed} rader/s")
    return rows / (time.perf_counter() - start)


def _publish(rounds, kommune):
    from django.utils import timezone

    from . import services
    from .models import Runde, State

    Runde.objects.update(state=State.PUBLISHED, published_at=timezone.now())
    for runde in Runde.objects.filter(unit=kommune):
        services.publish(runde)


def _page_time(kommune, n_years):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from rusfelt.core.models import Grant

    setup_test_environment()
    user = get_user_model().objects.create_user("bench-planlegger")
    Grant.objects.create(user=user, unit=kommune, role="planlegger")
    client = Client()
    client.force_login(user)
    # Warm-up on another year: imports altair and the chart renderer.
    response = client.get(f"/kartlegging/runde/{kommune.code}-2024/resultater/")
    assert response.status_code == 200, response.status_code
    url = f"/kartlegging/runde/{kommune.code}-2025/resultater/"
    start = time.perf_counter()
    client.get(url)  # first view: computes the national comparison and the charts
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(times)


def _national_time(n_years):
    from . import results
    from .models import Registrering

    year = 2025
    qs = Registrering.objects.filter(runde__year=year)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        data = results.compute(qs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), data["n"]
