"""The 85 indicators for the 356 kommuner over 10 years: import and page times.

    rusfelt bench indikatorer [--ar 10] [--gjentak 10] [--vekst | --kun-import] [--json]
                              [--verbose]

Runs in a throwaway database created like a test database (a temporary
SQLite file, or test_<name> on PostgreSQL), migrated, filled and dropped
afterwards; the configured database is not touched. Loads the national unit
tree (``core.bench.load_national_units``) and the demo set, then measures,
each beside one hand-written SQL query of the same figures (``core.bench``):
the long-format import in files of at most ``RUSFELT_IMPORT_MAX_ROWS`` rows
(beside the database's bulk path for the same rows: ``COPY`` on PostgreSQL,
``executemany`` on SQLite), the
status table for the country and for one kommune, filtered, goal
achievement, indicator 16's page with its chart, the comparison of all
kommuner, the XLSX export (again, and first after an import: beside its limit
also ``grense_med_fil_ms``, the limit's rows written as a plain workbook) and the
CLI's ``endringer``. A page's time is the
server's part of its request (``core.bench.ServerClient``): the WSGI handler's
call from the environ to the closed response, through the middleware, the
view and the template, without the test client's own building of the request
and reading of the response; the CLI's is the wall clock. ``--vekst`` also
measures the status tables at 1×, 2× and 4× the years of data;
``--kun-import`` measures only the import.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import override_settings

from rusfelt.core.bench import (
    Bench,
    ServerClient,
    analyze,
    load_national_units,
    scratch_database,
)
from rusfelt.core.dokumenter import sheets
from rusfelt.core.uploads import limits

DEFAULT_YEARS = 10
DEFAULT_REPEAT = 10
LAST_YEAR = 2026
#: The kommune whose pages are measured: a big city with bydeler and no demo values.
KOMMUNE = "5001"


def add_arguments(parser):
    parser.add_argument("--kommuner", type=int, default=None,
                        help="Bare de første N kommunene får verdier (standard alle 356).")
    parser.add_argument("--ar", type=int, default=DEFAULT_YEARS,
                        help="Antall år (standard 10).")
    parser.add_argument("--gjentak", type=int, default=DEFAULT_REPEAT,
                        help="Målinger per operasjon (standard 10).")
    parser.add_argument("--vekst", action="store_true",
                        help="Mål også statustabellene ved 1×, 2× og 4× så mange år.")
    parser.add_argument("--kun-import", action="store_true",
                        help="Bare importen (med grensen), uten sidene.")


def run(stdout, kommuner=None, ar=DEFAULT_YEARS, gjentak=DEFAULT_REPEAT, vekst=False,
        kun_import=False, json=False, verbose=False, **options):
    bench = Bench("indikatorer", stdout, json=json, verbose=verbose, repeat=gjentak)
    with scratch_database(bench.log):
        bench.log.write("Fyller databasen …")
        fill(bench, kommuner, ar)
        if not kun_import:
            measure(bench)
        if vekst and not kun_import:
            measure_growth(bench, ar)
        result = bench.write()
    return result


def _kommune_ids(limit: int | None) -> list[tuple[int, str]]:
    from rusfelt.core.models import Niva, OrgUnit

    units = OrgUnit.objects.filter(level=Niva.KOMMUNE).order_by("path")
    return list(units.values_list("pk", "code")[:limit] if limit else units.values_list(
        "pk", "code"))


def _rows(kinds: dict, kommuner: list[tuple[int, str]], years: range, seed: int):
    """Deterministic values: (number, code, year, text)."""
    rng = random.Random(seed)
    for _pk, code in kommuner:
        for number, kind in kinds.items():
            level = rng.uniform(5, 80) if kind == "andel" else rng.uniform(10, 5000)
            for year in years:
                level *= rng.uniform(0.95, 1.05)
                yield number, code, year, f"{level:.1f}"


@override_settings(DEBUG=False)
def fill(bench: Bench, kommuner: int | None, years: int, seed: int = 20261122):
    """National units, the demo set and one long file of values for every kommune,
    imported through ``services.import_values`` beside the database's bulk path for
    the same rows into the same table (``_bulk_path``: inserted, timed, deleted again).

    With DEBUG off, as in production and as the pages are measured: with it on,
    Django logs every statement with its parameters quoted one by one, which
    cost a bulk insert of 5 000 rows more than the insert itself and almost
    nothing for the limit's ``executemany``."""
    from . import demo, services
    from .models import Indikator, Indikatorsett, Verdi

    bench.scale.update(load_national_units())
    demo.load()
    sett = Indikatorsett.objects.get(slug=demo.SLUG)
    kinds = dict(sett.indikatorer.values_list("number", "kind"))
    ids = dict(Indikator.objects.filter(sett=sett).values_list("number", "pk"))
    units = _kommune_ids(kommuner)
    unit_ids = dict((code, pk) for pk, code in units)
    existing = set(Verdi.objects.values_list("indikator_id", "unit_id", "year"))
    rows = [r for r in _rows(kinds, units, range(LAST_YEAR - years + 1, LAST_YEAR + 1), seed)
            if (ids[r[0]], unit_ids[r[1]], r[2]) not in existing]
    # Files as a user sends them: at most the installation's row limit each.
    size = limits().max_rows
    files = []
    for start in range(0, len(rows), size):
        out = io.StringIO()
        out.write("indikator,enhet,ar,verdi\n")
        out.writelines(f"{n},{c},{y},{v}\n" for n, c, y, v in rows[start:start + size])
        files.append(out.getvalue().encode())

    # The limit's rows as the columns store them, as the import hands them to the
    # database: the value as text (what Django's SQLite adapter makes of a Decimal),
    # the time written as text once (the import dumps its constants once too,
    # ``bulkload.insert_rows``; a datetime dumped anew on each row cost COPY some 6 µs).
    now = datetime.now(UTC)
    stamp = now.isoformat() if connection.vendor == "postgresql" else (
        connection.ops.adapt_datetimefield_value(now))
    params = [(ids[n], unit_ids[c], y, str(Decimal(v)), False, False, "", "", stamp, "")
              for n, c, y, v in rows]
    before = Verdi.objects.aggregate(last=Max("pk"))["last"] or 0
    # Timed with its commit, as each file's import is: both are loads that are kept.
    started = time.perf_counter()
    with transaction.atomic():
        _bulk_path(params)
    limit_seconds = time.perf_counter() - started
    Verdi.objects.filter(pk__gt=before).delete()

    started = time.perf_counter()
    for data in files:
        services.import_values(sett, data, "bench.csv")
    seconds = time.perf_counter() - started
    analyze()
    bench.scale.update({"verdier": Verdi.objects.count(), "ar": years,
                        "kommuner_med_verdier": len(units)})
    bench.add_import("import, langt format", len(rows), seconds, limit_seconds,
                     filer=len(files))
    return len(rows), seconds


def _bulk_path(params) -> None:
    """The limit of an import: the rows, ids resolved, by the database's own bulk path:
    ``COPY`` on PostgreSQL (its manual's "Populating a Database"), one prepared
    ``INSERT`` run for every row (``executemany``) on SQLite, which has no COPY."""
    columns = ("indikator_id, unit_id, year, value, provisional, break_in_series, "
               "missing_reason, merknad, updated_at, break_reason")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY indikatorer_verdi ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            return
        cursor.executemany(f"INSERT INTO indikatorer_verdi ({columns}) VALUES "
                           f"({', '.join(['%s'] * 10)})", params)


def _insert(params) -> None:
    """Older years for the growth steps: the rows, ids resolved, in one ``executemany``."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO indikatorer_verdi (indikator_id, unit_id, year, value, provisional, "
            "break_in_series, missing_reason, merknad, updated_at, break_reason) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '')", params)


#: The status table's figures as one query, all that the page shows: the three
#: years up to the unit's latest (no earlier than its first year or the set's
#: baseline), each value with its provisional, break and missing marks, the two
#: one-year changes and the period change by the seed's formulas (points for
#: shares, per cent and compound yearly growth for numbers; none across a break,
#: before an indicator's baseline or for ratios; the ratio's golden rule) and the
#: judgement of each by the set's thresholds and the indicator's direction
#: (``domain.change``), in the table's order. ``{extra}`` narrows the
#: indicators (a group), ``{having}`` the rows (a judgement of the latest year).
STATUS_SQL = """
WITH have AS (
    SELECT MIN(v.year) AS lo, MAX(v.year) AS hi FROM indikatorer_verdi v
    JOIN indikatorer_indikator i ON i.id = v.indikator_id
    WHERE i.sett_id = %s AND v.unit_id = %s),
span AS (
    SELECT have.hi - 2 AS y0, have.hi AS y2,
           CASE WHEN s.baseline_year IS NOT NULL AND s.baseline_year <= have.hi
                     AND s.baseline_year > have.hi - 2 AND s.baseline_year > have.lo
                THEN s.baseline_year
                WHEN have.lo > have.hi - 2 THEN have.lo ELSE have.hi - 2 END AS first,
           s.share_threshold AS share_t, s.number_threshold AS number_t
    FROM have CROSS JOIN indikatorer_indikatorsett s WHERE s.id = %s),
rows_ AS (
    SELECT g."order" AS gorder, g.code AS gcode, i.number, i.title, i.type, i.source,
           i.unit_label, i.kind, i.direction, i.compute_change AS cc, i.baseline_year AS ib,
           sp.y0, sp.first, sp.share_t, sp.number_t,
           MAX(CASE WHEN v.year = sp.y0 THEN v.value END) AS v0,
           MAX(CASE WHEN v.year = sp.y0 + 1 THEN v.value END) AS v1,
           MAX(CASE WHEN v.year = sp.y2 THEN v.value END) AS v2,
           MAX(CASE WHEN v.year = sp.y0 + 1 AND v.break_in_series THEN 1 ELSE 0 END) AS b1,
           MAX(CASE WHEN v.year = sp.y2 AND v.break_in_series THEN 1 ELSE 0 END) AS b2,
           MAX(CASE WHEN v.year = sp.y0 AND v.break_in_series THEN 1 ELSE 0 END) AS b0,
           MAX(CASE WHEN v.year = sp.y0 AND v.provisional THEN 1 ELSE 0 END) AS p0,
           MAX(CASE WHEN v.year = sp.y0 + 1 AND v.provisional THEN 1 ELSE 0 END) AS p1,
           MAX(CASE WHEN v.year = sp.y2 AND v.provisional THEN 1 ELSE 0 END) AS p2,
           MAX(CASE WHEN v.year = sp.y0 THEN v.missing_reason END) AS m0,
           MAX(CASE WHEN v.year = sp.y0 + 1 THEN v.missing_reason END) AS m1,
           MAX(CASE WHEN v.year = sp.y2 THEN v.missing_reason END) AS m2{shown}
    FROM indikatorer_indikator i
    JOIN indikatorer_gruppe g ON g.id = i.gruppe_id
    CROSS JOIN span sp
    LEFT JOIN indikatorer_verdi v ON v.indikator_id = i.id AND v.unit_id = %s
         AND v.year BETWEEN sp.first AND sp.y2
    WHERE i.sett_id = %s {extra}
    GROUP BY g."order", g.code, i.id, i.number, i.title, i.type, i.source, i.unit_label,
             i.kind, i.direction, i.compute_change, i.baseline_year,
             sp.y0, sp.first, sp.share_t, sp.number_t),
changes AS (
    SELECT r.*,
      CASE WHEN NOT r.cc OR r.kind = 'ratio' OR r.v0 IS NULL OR r.v1 IS NULL OR r.b1 = 1
                OR r.y0 < r.first OR (r.ib IS NOT NULL AND r.y0 < r.ib) THEN NULL
           WHEN r.kind = 'andel' THEN r.v1 - r.v0
           WHEN r.v0 <= 0 THEN NULL ELSE (r.v1 * 1.0 / r.v0 - 1) * 100 END AS c01,
      CASE WHEN NOT r.cc OR r.kind = 'ratio' OR r.v1 IS NULL OR r.v2 IS NULL OR r.b2 = 1
                OR (r.ib IS NOT NULL AND r.y0 + 1 < r.ib) THEN NULL
           WHEN r.kind = 'andel' THEN r.v2 - r.v1
           WHEN r.v1 <= 0 THEN NULL ELSE (r.v2 * 1.0 / r.v1 - 1) * 100 END AS c12,
      CASE WHEN NOT r.cc OR r.kind = 'ratio' OR r.v0 IS NULL OR r.v2 IS NULL OR r.b1 = 1
                OR r.b2 = 1 OR r.y0 < r.first OR (r.ib IS NOT NULL AND r.y0 < r.ib) THEN NULL
           WHEN r.kind = 'andel' THEN (r.v2 - r.v0) / 2.0
           WHEN r.v0 <= 0 OR r.v2 < 0 THEN NULL WHEN r.v2 = 0 THEN -100
           ELSE (POWER(r.v2 * 1.0 / r.v0, 0.5) - 1) * 100 END AS c02,
      CASE WHEN r.kind = 'ratio' AND r.v2 IS NOT NULL THEN r.v2 > 1 END AS rule_met,
      CASE WHEN r.kind = 'andel' THEN r.share_t ELSE r.number_t END AS limit_
    FROM rows_ r),
judged AS (
    SELECT c.*,
      CASE WHEN c.c01 IS NULL THEN 'gra' WHEN ABS(c.c01) <= c.limit_ THEN 'gul'
           WHEN c.direction = 'up' THEN CASE WHEN c.c01 > 0 THEN 'gronn' ELSE 'rod' END
           WHEN c.direction = 'down' THEN CASE WHEN c.c01 < 0 THEN 'gronn' ELSE 'rod' END
           ELSE 'gra' END AS j01,
      CASE WHEN c.c12 IS NULL THEN 'gra' WHEN ABS(c.c12) <= c.limit_ THEN 'gul'
           WHEN c.direction = 'up' THEN CASE WHEN c.c12 > 0 THEN 'gronn' ELSE 'rod' END
           WHEN c.direction = 'down' THEN CASE WHEN c.c12 < 0 THEN 'gronn' ELSE 'rod' END
           ELSE 'gra' END AS j12,
      CASE WHEN c.c02 IS NULL THEN 'gra' WHEN ABS(c.c02) <= c.limit_ THEN 'gul'
           WHEN c.direction = 'up' THEN CASE WHEN c.c02 > 0 THEN 'gronn' ELSE 'rod' END
           WHEN c.direction = 'down' THEN CASE WHEN c.c02 < 0 THEN 'gronn' ELSE 'rod' END
           ELSE 'gra' END AS j02
    FROM changes c)
{select}
"""
STATUS_ROWS = """SELECT gcode, gname, number, title, type, source, unit_label, y0, share_t,
       number_t, v0, v1, v2, b0, b1, b2, r0, r1, r2,
       p0, p1, p2, m0, m1, m2, c01, j01, c12, j12, c02, j02, rule_met
FROM judged {having} ORDER BY gorder, number"""
#: What the table shows beside the figures: the group's name (its caption) and the
#: reason of each break in series (its notes); the years and thresholds are in ``span``.
STATUS_SHOWN = """,
           MAX(g.name) AS gname,
           MAX(CASE WHEN v.year = sp.y0 AND v.break_in_series THEN v.break_reason END) AS r0,
           MAX(CASE WHEN v.year = sp.y0 + 1 AND v.break_in_series THEN v.break_reason END)
               AS r1,
           MAX(CASE WHEN v.year = sp.y2 AND v.break_in_series THEN v.break_reason END) AS r2"""
#: Goal achievement: the number of indicators of each colour per group, on the
#: latest one-year change (``services.goal_overview``).
GOAL_COUNTS = """SELECT gcode, j12, COUNT(*) FROM judged GROUP BY gorder, gcode, j12
ORDER BY gorder, gcode, j12"""


#: An indicator's page: every unit's values by path and year.
INDICATOR_SQL = """
SELECT u.code, u.name, v.year, v.value, v.break_in_series
FROM indikatorer_verdi v JOIN core_orgunit u ON u.id = v.unit_id
WHERE v.indikator_id = %s ORDER BY u.path, v.year
"""

#: The comparison: every unit's value in a year, its change from the year before
#: and that change's judgement (as the status table's one-year columns).
COMPARE_SQL = """
WITH pairs AS (
    SELECT u.code, u.name, u.level, u.path, cur.value AS v, cur.missing_reason,
           prev.value AS v_prev, cur.break_in_series AS brk, i.kind, i.direction,
           i.compute_change AS cc, i.baseline_year AS ib, cur.year,
           CASE WHEN i.kind = 'andel' THEN s.share_threshold ELSE s.number_threshold END
               AS limit_
    FROM indikatorer_verdi cur
    JOIN core_orgunit u ON u.id = cur.unit_id
    JOIN indikatorer_indikator i ON i.id = cur.indikator_id
    JOIN indikatorer_indikatorsett s ON s.id = i.sett_id
    LEFT JOIN indikatorer_verdi prev ON prev.indikator_id = cur.indikator_id
         AND prev.unit_id = cur.unit_id AND prev.year = cur.year - 1
    WHERE cur.indikator_id = %s AND cur.year = %s),
changes AS (
    SELECT p.*,
      CASE WHEN NOT p.cc OR p.kind = 'ratio' OR p.v IS NULL OR p.v_prev IS NULL OR p.brk
                OR (p.ib IS NOT NULL AND p.year - 1 < p.ib) THEN NULL
           WHEN p.kind = 'andel' THEN p.v - p.v_prev
           WHEN p.v_prev <= 0 THEN NULL ELSE (p.v * 1.0 / p.v_prev - 1) * 100 END AS c
    FROM pairs p)
SELECT code, name, level, v, missing_reason, c,
  CASE WHEN c IS NULL THEN 'gra' WHEN ABS(c) <= limit_ THEN 'gul'
       WHEN direction = 'up' THEN CASE WHEN c > 0 THEN 'gronn' ELSE 'rod' END
       WHEN direction = 'down' THEN CASE WHEN c < 0 THEN 'gronn' ELSE 'rod' END
       ELSE 'gra' END AS judgement
FROM changes ORDER BY path
"""


def _status_limit(sett, unit, group: str | None = None, judgement: str | None = None,
                  select: str = STATUS_ROWS):
    """(sql, params) of the status table's figures for ``unit``, filtered as the page
    (with ``STATUS_ROWS``, also the group names and break reasons the table shows)."""
    extra = "AND g.code = %s" if group else ""
    having = "WHERE j12 = %s" if judgement else ""
    params = [sett.pk, unit.pk, sett.pk, unit.pk, sett.pk] + ([group] if group else [])
    params += [judgement] if judgement else []
    shown = STATUS_SHOWN if select is STATUS_ROWS else ""
    sql = STATUS_SQL.format(extra=extra, shown=shown, select=select.format(having=having))
    return sql, params


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def measure(bench: Bench):
    from django.core.management import call_command

    from rusfelt.core.models import OrgUnit

    from .demo import SLUG
    from .models import Indikatorsett

    sett = Indikatorsett.objects.get(slug=SLUG)
    country, kommune = OrgUnit.objects.get(code="0"), OrgUnit.objects.get(code=KOMMUNE)
    indikator = sett.indikatorer.get(number=16)
    client = _client()

    def page(path, params=None):
        def get():
            response = client.get(path, params or {})
            assert response.status_code == 200, (path, response.status_code)
        return get

    base = f"/indikatorer/{SLUG}/"
    status_country = _status_limit(sett, country)
    status_kommune = _status_limit(sett, kommune)
    # Every page is timed as the server's part of its request (ServerClient).
    server = {"clock": client.server_ms}
    bench.measure("statustabell, landet", page(base), *status_country, **server)
    bench.measure("statustabell, én kommune", page(base, {"enhet": KOMMUNE}), *status_kommune,
                  **server)
    bench.measure("statustabell, filter HM3 rød",
                  page(base, {"enhet": KOMMUNE, "gruppe": "HM3", "vurdering": "rod"}),
                  *_status_limit(sett, kommune, "HM3", "rod"), **server)
    bench.measure("måloppnåelse, én kommune", page(f"{base}mal/", {"enhet": KOMMUNE}),
                  *_status_limit(sett, kommune, select=GOAL_COUNTS), **server)
    bench.measure("indikator 16 med graf, alle enheter", page(f"{base}16/"),
                  INDICATOR_SQL, [indikator.pk], **server)
    detail = page(f"{base}16/")

    def first_view():
        # A new data version (what every import writes) before each view: the page's
        # table is built again; its chart comes from the cache keyed by the chart's data.
        with client.timed():  # counted with the page, as it always was
            Indikatorsett.values_changed(sett.pk)
        detail()

    bench.measure("indikator 16, første visning etter import", first_view,
                  INDICATOR_SQL, [indikator.pk], **server)
    bench.measure("sammenligning ind. 16, alle kommuner",
                  page(f"{base}16/sammenlign/", {"ar": str(LAST_YEAR)}),
                  COMPARE_SQL, [indikator.pk, LAST_YEAR], **server)
    export = page(f"{base}status.xlsx", {"enhet": KOMMUNE})
    bench.measure("statustabell som XLSX, én kommune", export, *status_kommune, **server)

    def first_export():
        # A new data version before each export, as every import writes: the file is
        # made again from the values up (the table, its document and the workbook),
        # where a second export of the same data reads the one kept (views._status_export).
        with client.timed():
            Indikatorsett.values_changed(sett.pk)
        export()

    made = bench.measure("statustabell som XLSX, første eksport etter import", first_export,
                         *status_kommune, **server)
    # Beside the limit (the SQL of the figures in the file), a second reference that also
    # writes a workbook at all, as an export made anew must (``grense_med_fil_ms``).
    made.extra["grense_med_fil_ms"] = round(_reference_ms(
        lambda: _figures_as_workbook(*status_kommune), bench.repeat), 3)
    bench.measure(
        "CLI endringer, én kommune",
        lambda: call_command("indikatorer", "endringer", "--sett", SLUG, "--enhet", KOMMUNE,
                             stdout=io.StringIO()),
        *status_kommune)


def _figures_as_workbook(sql, params) -> bytes:
    """The limit's rows, fetched as the limit fetches them, written as one plain sheet by
    the project's data-export writer (``sheets.xlsx_bytes``: a bold header, numbers as
    numbers): the least an XLSX of the figures costs, beside a first export's time."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        header = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return sheets.xlsx_bytes([sheets.Sheet("Status", header, rows)])


def _reference_ms(reference, repeat: int) -> float:
    """The p50 of ``reference()`` over ``repeat`` runs after one warm-up, in ms."""
    reference()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        reference()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _client() -> ServerClient:
    from django.contrib.auth import get_user_model

    from rusfelt.core.models import Grant, OrgUnit

    user, _ = get_user_model().objects.get_or_create(username="bench-evaluator")
    Grant.objects.get_or_create(user=user, unit=OrgUnit.objects.get(code="0"), role="leser")
    client = ServerClient()
    client.force_login(user)
    return client


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def measure_growth(bench: Bench, years: int, seed: int = 20261123):
    """The status tables at 1×, 2× and 4× the years: older years added by ``executemany``."""
    from rusfelt.core.models import OrgUnit

    from .demo import SLUG
    from .models import Indikator, Indikatorsett, Verdi

    sett = Indikatorsett.objects.get(slug=SLUG)
    kinds = dict(sett.indikatorer.values_list("number", "kind"))
    ids = dict(Indikator.objects.filter(sett=sett).values_list("number", "pk"))
    units = _kommune_ids(bench.scale.get("kommuner_med_verdier"))
    unit_ids = {code: pk for pk, code in units}
    have = {"years": years}

    def grow(factor: int) -> int:
        wanted = years * factor
        if wanted > have["years"]:
            older = range(LAST_YEAR - wanted + 1, LAST_YEAR - have["years"] + 1)
            now = datetime.now(UTC)
            existing = set(Verdi.objects.values_list("indikator_id", "unit_id", "year"))
            with transaction.atomic():
                _insert([(ids[n], unit_ids[c], y, Decimal(v), False, False, "", "", now)
                         for n, c, y, v in _rows(kinds, units, older, seed + factor)
                         if (ids[n], unit_ids[c], y) not in existing])
            have["years"] = wanted
            analyze()
        return Verdi.objects.count()

    client = _client()
    kommune = OrgUnit.objects.get(code=KOMMUNE)
    base = f"/indikatorer/{SLUG}/"

    def get(params):
        def call():
            assert client.get(base, params).status_code == 200
        return call

    bench.growth((1, 2, 4), grow, [
        ("statustabell, landet", get({}),
         lambda: _status_limit(sett, OrgUnit.objects.get(code="0"))),
        ("statustabell, én kommune", get({"enhet": KOMMUNE}),
         lambda: _status_limit(sett, kommune)),
    ], clock=client.server_ms)
