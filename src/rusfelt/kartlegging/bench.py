"""National-scale benchmark of kartlegging, on ``core.bench``'s harness.

    rusfelt bench kartlegging [--registreringer 300000] [--ar 10] [--gjentak 10]
                              [--kun-import | --kun-publisering] [--vekst] [--json]
                              [--verbose]

Runs in a throwaway database created like a test database (``core.bench``:
a temporary SQLite file, or test_<name> on PostgreSQL), with the national
unit tree: a round for every kommune and year, filled through the import.
Each operation is measured beside its limit in the same run:

* the import (CSV: parsing, validation of every cell and fødselsnummer,
  pseudonyms, insert, audit), as rows per second beside the same rows written
  by the database's own bulk path (``executemany`` on SQLite, ``COPY`` on
  PostgreSQL) (``rader_per_s``, ``grense_rader_per_s``), twice: the first
  year one file at a time (``services.import_registrations``, a transaction
  per file, as a kommune imports its own file), every later year as one batch
  of the year's files from every kommune and bydel (``services.import_batch``,
  one transaction per year, as a user with a national grant or the command
  line's ``import-samlet`` loads them). The batch's limit loads the last year's
  rows in one transaction; the limit of one file at a time loads each round's
  rows of the first year, right after their import, in a transaction of their
  own that locks the round and writes the audit row, as such an import must;
* the national results of one year (``results.compute``) beside one
  hand-written scan that counts the same figures (checked equal);
* one kommune's results page, warm and at its first view after a publish
  (the cache emptied), beside one hand-written scan of the kommune's
  figures for every year (the page's table and trend);
* publishing a kommune of 15 bydeler with joint suppression and auditing
  it (``revisjon``), beside the unsuppressed computation of the same
  figures (``--kun-publisering`` runs only this);
* with ``--vekst``, the national results of the year at 1×, 2× and 4× its
  registrations (copies of the year's rows under new pseudonyms), each
  beside the scan at the same size, with the cost ratio to 1× (issue 12,
  item 3: growth at most linear).

``--kun-import`` runs only the import beside its limit.

Targets (issue 12): import >= 30 000 rows/s on SQLite and >= 40 000 on
PostgreSQL; national results <= 1.5 x the scan; the results page <= 8
queries, warm <= 15 ms, first view after publishing <= 60 ms.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from rusfelt.core.bench import (
    Bench,
    ServerClient,
    analyze,
    load_national_units,
    run_sql,
    scratch_database,
)
from rusfelt.core.models import AuditAction, AuditEvent, Grant, OrgUnit, Population

from . import presentation, services
from . import results as results_mod
from .demo import DPIA, FORMAL, HJEMMEL, synthetic_number
from .domain.levekarsindeks import INDEX_KEYS
from .domain.levels import AREAS, KATEGORIER, LEVEL_KEYS, TJENESTER
from .domain.shares import AGE_BANDS
from .models import Registrering, Runde, State
from .services.imports import INSERT_FIELDS

DEFAULT_TOTAL = 300_000
DEFAULT_YEARS = 10
DEFAULT_REPEAT = 10
#: The year measured (the last of the rounds).
YEAR = 2025
#: The kommune whose results page is measured (Oslo, with the national tree).
PAGE_KOMMUNE = "0301"


def add_arguments(parser):
    parser.add_argument("--registreringer", type=int, default=DEFAULT_TOTAL,
                        help="Registreringer i alt (standard 300 000).")
    parser.add_argument("--ar", type=int, default=DEFAULT_YEARS,
                        help="År med runder for hver kommune (standard 10).")
    parser.add_argument("--gjentak", type=int, default=DEFAULT_REPEAT,
                        help="Målinger per operasjon (standard 10).")
    parser.add_argument("--kun-publisering", action="store_true",
                        help="Bare publisering og revisjon av en kommune med 15 bydeler.")
    parser.add_argument("--kun-import", action="store_true",
                        help="Bare importen (med grensen), uten resultater og publisering.")
    parser.add_argument("--vekst", action="store_true",
                        help="Mål også nasjonale resultater ved 1×, 2× og 4× årets "
                             "registreringer.")


def run(stdout, registreringer=DEFAULT_TOTAL, ar=DEFAULT_YEARS, gjentak=DEFAULT_REPEAT,
        kun_publisering=False, kun_import=False, vekst=False, json=False, verbose=False,
        **options):
    bench = Bench("kartlegging", stdout, json=json, verbose=verbose, repeat=gjentak)
    # DEBUG off as in production: with it, Django keeps the text of every query.
    with scratch_database(bench.log), override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        if not kun_publisering:
            bench.scale.update(load_national_units())
            rounds = make_rounds(ar)
            bench.scale.update(runder=len(rounds), ar=ar)
            bench.log.write(f"Importerer {registreringer:,} registreringer i {len(rounds):,} "
                            f"runder …".replace(",", " "))
            bench.scale["registreringer"] = measure_import(bench, rounds, registreringer)
            if not kun_import:
                publish_all()
                # Fresh statistics of every table (the rounds were bulk-made and all
                # just updated), as autovacuum would give them sooner or later: without
                # them the plan of the page's limit hung on whether autovacuum had run
                # (137 ms or 6 ms for the same scan). The import is timed before this.
                analyze()
                measure_national(bench)
                measure_page(bench)
        if not kun_import:
            measure_publication(bench)
        if vekst and not (kun_publisering or kun_import):
            measure_growth(bench)
        result = bench.write()
    return result


def make_rounds(years: int) -> list[Runde]:
    """An open round for every kommune and year up to ``YEAR``, with population figures."""
    first = YEAR - years + 1
    kommuner = list(OrgUnit.objects.filter(level="kommune").order_by("code"))
    with transaction.atomic():
        Population.objects.bulk_create(
            Population(unit=k, year=y, sex=sex, age_from=16, age_to=None, count=10_000)
            for k in kommuner for y in range(first, YEAR + 1) for sex in ("mann", "kvinne"))
        Runde.objects.bulk_create(
            Runde(code=f"{k.code}-{y}", unit=k, year=y, reference_date=date(y, 12, 31),
                  state=State.OPEN, hjemmel=HJEMMEL, formal=FORMAL, dpia_ref=DPIA,
                  tjenester=["nav", "helse_omsorg", "barnevern", "annen"])
            for k in kommuner for y in range(first, YEAR + 1))
    return list(Runde.objects.select_related("unit").order_by("year", "unit__code"))


# --- import -------------------------------------------------------------------------


def measure_import(bench: Bench, rounds: list[Runde], total: int) -> int:
    """Fill every round through the import, beside its limit. Returns the rows imported.

    The first year is imported one file at a time (``import_registrations``, one
    transaction per file, as a kommune imports its own file), and its rows are
    written again file by file by the limit right after; every later year as
    one batch of all its files (``import_batch``, one transaction for the year's
    files, as a user with a grant on the whole country, or the command line's
    ``import-samlet``, loads a year's files from every kommune and bydel), beside
    the last year's rows written again at once after them (``_limit_import``)."""
    per_round = max(1, total // len(rounds))
    rng = random.Random(2026)
    pool = _number_pool(per_round * 3)
    files = [_csv_for(rng, pool, per_round) for _ in range(min(len(rounds), 50))]
    first_year = min(r.year for r in rounds)
    single = [r for r in rounds if r.year == first_year]
    years: dict[int, list[Runde]] = {}
    for runde in rounds:
        if runde.year != first_year:
            years.setdefault(runde.year, []).append(runde)
    single_rows, single_seconds = 0, 0.0
    for i, runde in enumerate(single, start=1):
        data = files[i % len(files)]
        started = time.perf_counter()
        single_rows += services.import_registrations(runde, data, "bench.csv")
        single_seconds += time.perf_counter() - started
    bench.log.write(f"  {len(single)} filer én om gangen, {single_rows / single_seconds:,.0f} "
                    f"rader/s".replace(",", " "))
    # Its limit at once, on the same rows in the table the import filled: timed minutes
    # later, after the batches, it met another load and a table ten times the size.
    file_rows, file_seconds = _limit_import(single, by_file=True)
    batch_rows, batch_seconds, batch_files = 0, 0.0, 0
    for year, year_rounds in years.items():
        batch = [(runde, files[(batch_files + i) % len(files)], f"{runde.code}.csv")
                 for i, runde in enumerate(year_rounds, start=1)]
        batch_files += len(batch)
        started = time.perf_counter()
        batch_rows += sum(services.import_batch(batch))
        batch_seconds += time.perf_counter() - started
        bench.log.write(f"  {year}: {len(batch)} filer samlet, {batch_rows / batch_seconds:,.0f} "
                        f"rader/s".replace(",", " "))
    limit_rows, limit_seconds = _limit_import([r for r in rounds if r.year == YEAR])
    bench.add_import(f"import, {len(single)} filer à {per_round} rader, én fil om gangen",
                     single_rows, single_seconds, file_seconds, grense_rader=file_rows)
    if years:
        imports = "1 import" if len(years) == 1 else f"{len(years)} importer"
        bench.add_import(f"import, {batch_files} filer à {per_round} rader, samlet per år "
                         f"({imports})", batch_rows, batch_seconds,
                         limit_seconds * batch_rows / limit_rows, grense_rader=limit_rows)
    return single_rows + batch_rows


def _limit_import(rounds: list[Runde], *, by_file: bool = False) -> tuple[int, float]:
    """(rows, seconds): the registrations of ``rounds`` read back, deleted and written
    again as they are, by ``executemany`` (SQLite) or ``COPY`` (PostgreSQL).

    At once in one transaction, the limit of a batch; or ``by_file``, the limit of
    importing one file at a time: each round's rows in a transaction of their own
    that first locks the round's row and ends by writing the import's audit row,
    by hand-written statements, as every import of one file must (a transaction
    per file, serialised on its round, audited). Comparing one file's import with
    a single load of the whole year measured the transactions the import must
    make, not how well it makes them.
    """
    columns = ["runde_id", *INSERT_FIELDS, "levekarsindeks_regel", "created_by_id",
               "created_at", "updated_at"]
    ids = [r.pk for r in rounds]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(ids))
    table = Registrering._meta.db_table
    with transaction.atomic():
        rows = run_sql(f"SELECT {quoted} FROM {table} WHERE runde_id IN ({marks})", ids)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE runde_id IN ({marks})", ids)
    if connection.vendor == "postgresql":
        # The time stamps (the last two columns) as text, each distinct one written
        # once: the import dumps its constants once per load (``bulkload.insert_rows``),
        # and a datetime dumped anew on each row cost COPY some 6 µs.
        texts = {t: t.isoformat() for t in {t for row in rows for t in row[-2:]}}
        rows = [(*row[:-2], texts[row[-2]], texts[row[-1]]) for row in rows]
    files = [rows]
    if by_file:
        per_round: dict[int, list] = {pk: [] for pk in ids}
        for row in rows:
            per_round[row[0]].append(row)
        files = [per_round[r.pk] for r in rounds if per_round[r.pk]]
    by_pk = {r.pk: r for r in rounds}
    started = time.perf_counter()
    for file_rows in files:
        with transaction.atomic(), connection.cursor() as cursor:
            if by_file:
                _limit_lock(cursor, file_rows[0][0])
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in file_rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES "
                                   f"({', '.join(['%s'] * len(columns))})", file_rows)
            if by_file:
                _limit_audit(cursor, by_pk[file_rows[0][0]], len(file_rows))
    return len(rows), time.perf_counter() - started


def _limit_lock(cursor, round_pk: int) -> None:
    """The round's row locked for the transaction, its state read (``core.locking``)."""
    table = Runde._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT state FROM {table} WHERE id = %s FOR UPDATE", [round_pk])
    else:
        cursor.execute(f"UPDATE {table} SET state = state WHERE id = %s RETURNING state",
                       [round_pk])
    cursor.fetchone()


def _limit_audit(cursor, runde: Runde, rows: int) -> None:
    """The import's audit row, as ``core.audit.record`` writes it for a file."""
    detail = json.dumps({"import": "registreringer", "rows": rows, "screening": 0})
    cursor.execute(
        f"INSERT INTO {AuditEvent._meta.db_table} (at, username, action, object_type, "
        "object_id, object_repr, ip_address, detail, user_id, unit_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, NULL, %s)",
        [timezone.now().isoformat(), "kommandolinje", AuditAction.IMPORT.value,
         Runde._meta.label_lower, str(runde.pk), runde.code, detail, runde.unit_id])


def _number_pool(size):
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


# --- results --------------------------------------------------------------------


def publish_all() -> None:
    """Every round closed and published (as after a year's rounds); the kommune of
    the results page through ``services.publish``, with its suppression, and its
    page's charts rendered as ``services.change_state`` does after publishing."""
    Runde.objects.update(state=State.PUBLISHED, published_at=timezone.now())
    for runde in Runde.objects.filter(unit__code=PAGE_KOMMUNE).select_related("unit"):
        services.publish(runde)
        services.prerender_charts(runde)


def limit_sql(where: str, params: list, group_by: str = "") -> tuple[str, list]:
    """One hand-written scan counting every figure of ``results.compute`` (the
    registrations of rounds matching ``where`` with ``params``, on ``u``): the
    same conditional counts, written as SQL's own ``COUNT(*) FILTER``."""
    counts = ["COUNT(*)"]
    counts += [f"COUNT(*) FILTER (WHERE r.{a} = '{lv}')" for a in AREAS for lv in LEVEL_KEYS]
    counts += [f"COUNT(*) FILTER (WHERE r.levekarsindeks = '{k}')" for k in INDEX_KEYS]
    counts.append("COUNT(*) FILTER (WHERE r.rop)")
    counts += [f"COUNT(*) FILTER (WHERE r.alder BETWEEN {lo} AND {hi})"
               for lo, hi, _label in AGE_BANDS]
    counts.append("COUNT(*) FILTER (WHERE r.alder < 16)")
    for fields in results_mod.FLAG_TABLES.values():
        for f in fields:
            counts += [f"COUNT(*) FILTER (WHERE r.{f})", f"COUNT(r.{f})"]
    counts += ["COUNT(*) FILTER (WHERE r.antall_barn > 0)", "SUM(r.antall_barn)"]
    for field, keys in results_mod.GROUPED_COLUMNS.items():
        counts += [f"COUNT(*) FILTER (WHERE r.{field} = '{k}')" for k in keys]
    # The screening tables' count (none in this benchmark's rows, but read all the same).
    counts.append("(SELECT COUNT(*) FROM screening_screeningresultat s "
                  "WHERE s.registrering_id IN (SELECT r2.id FROM kartlegging_registrering r2 "
                  "JOIN kartlegging_runde u2 ON u2.id = r2.runde_id "
                  f"WHERE {where.replace('u.', 'u2.')}))")
    select = (f"u.year, {', '.join(counts)}" if group_by else ", ".join(counts))
    sql = (f"SELECT {select} FROM kartlegging_registrering r "
           f"JOIN kartlegging_runde u ON u.id = r.runde_id WHERE {where}")
    sql += f" GROUP BY {group_by} ORDER BY {group_by}" if group_by else ""
    return sql, [*params, *params]  # the screening count's ``where``, then the scan's


def measure_national(bench: Bench) -> None:
    """The national results of ``YEAR`` beside the scan (their counts checked equal)."""
    qs = Registrering.objects.filter(runde__year=YEAR)
    sql, params = limit_sql("u.year = %s", [YEAR])
    data = results_mod.compute(qs)
    row = run_sql(sql, params)[0]
    levels = results_mod.table(data, "levekarsomrader")["counts"]
    expected = [n for area in levels for n in area]
    assert (row[0], list(row[1:1 + len(expected)])) == (data["n"], expected), \
        "the limit counts other figures than results.compute"
    bench.measure(f"nasjonale resultater, {YEAR}", lambda: results_mod.compute(qs), sql,
                  params, registreringer=data["n"])


def measure_growth(bench: Bench, factors=(1, 2, 4)) -> None:
    """The national results of ``YEAR`` at each factor of its registrations.

    The year's rows are copied under new pseudonyms (``<pseudonym>~<k>``) by one
    ``INSERT … SELECT`` per copy, then ANALYZE, so the scan and the project's
    queries read ``factor`` times the rows of the year.
    """
    table = Registrering._meta.db_table
    columns = [f.column for f in Registrering._meta.concrete_fields if not f.primary_key]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    copied = ", ".join(connection.ops.quote_name(c) if c != "pseudonym" else "pseudonym || %s"
                       for c in columns)
    ids = list(Runde.objects.filter(year=YEAR).values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(ids))
    originals = Registrering.objects.filter(runde__year=YEAR).exclude(pseudonym__contains="~")
    have = {"copies": 1}

    def grow(factor: int) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            for k in range(have["copies"], factor):
                cursor.execute(
                    f"INSERT INTO {table} ({quoted}) SELECT {copied} FROM {table} "
                    f"WHERE runde_id IN ({marks}) AND pseudonym NOT LIKE %s",
                    [f"~{k}", *ids, "%~%"])
        have["copies"] = max(have["copies"], factor)
        analyze()
        return Registrering.objects.filter(runde__year=YEAR).count()

    qs = Registrering.objects.filter(runde__year=YEAR)
    bench.log.write(f"Vekst: {originals.count():,} registreringer i {YEAR} × "
                    f"{', '.join(map(str, factors))} …".replace(",", " "))
    bench.growth(factors, grow, [(
        f"nasjonale resultater, {YEAR}", lambda: results_mod.compute(qs),
        lambda: limit_sql("u.year = %s", [YEAR]))])


def measure_page(bench: Bench) -> None:
    """One kommune's results page: warm, and at its first view after a publish, each
    timed as the server's part of its request (``core.bench.ServerClient``)."""
    user = get_user_model().objects.create_user("bench-planlegger")
    kommune = OrgUnit.objects.get(code=PAGE_KOMMUNE)
    Grant.objects.create(user=user, unit=kommune, role="planlegger")
    client = ServerClient()
    client.force_login(user)
    url = f"/kartlegging/runde/{PAGE_KOMMUNE}-{YEAR}/resultater/"
    sql, params = limit_sql("u.unit_id = %s", [kommune.pk], group_by="u.year")

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    # Warm-up on another year first: loads the chart library.
    assert client.get(f"/kartlegging/runde/{PAGE_KOMMUNE}-{YEAR - 1}/resultater/"
                      ).status_code == 200
    bench.measure("resultatside, én kommune, varm", get, sql, params,
                  clock=client.server_ms)

    def first_view():
        # Nothing cached (a publication gives the page new figures, so new cache keys,
        # in the shared cache and in each process's own: both emptied); the charts were
        # rendered and stored at publishing (publish_all).
        cache.clear()
        caches[presentation.KEPT_BODY_CACHE].clear()
        get()

    bench.measure("resultatside, første visning etter publisering", first_view, sql, params,
                  repeat=max(3, bench.repeat // 2), clock=client.server_ms)


# --- publication ----------------------------------------------------------------------


BENCH_BYDELER = 15
BENCH_PERSONS = 10_000


def measure_publication(bench: Bench) -> None:
    """Publish a kommune of 15 bydeler (10 000 persons, skewed sizes) bydel by bydel
    (the kommune's sum with the last) and audit it, beside the unsuppressed
    computation of the same figures (the limit)."""
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
    bench.add(f"publisering og revisjon, {BENCH_BYDELER} bydeler", [(publish + audit) * 1000],
              plain * 1000, registreringer=sum(sizes), publisering_ms=round(publish * 1000),
              revisjon_ms=round(audit * 1000), cpu_ms=round((publish_cpu + audit_cpu) * 1000),
              prikkede_celler=len(own), avslort=exposed)
