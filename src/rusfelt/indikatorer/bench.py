"""The 85 indicators for the 356 kommuner over 10 years: import and page times.

    rusfelt bench indikatorer [--ar 10] [--gjentak 10] [--vekst] [--json] [--verbose]

Runs in a throwaway database created like a test database (a temporary
SQLite file, or test_<name> on PostgreSQL), migrated, filled and dropped
afterwards; the configured database is not touched. Loads the national unit
tree (``core.bench.load_national_units``) and the demo set, then measures,
each beside one hand-written SQL query of the same figures (``core.bench``):
the long-format import in files of at most ``RUSFELT_IMPORT_MAX_ROWS`` rows
(beside an ``executemany`` of the same rows), the
status table for the country and for one kommune, filtered, goal
achievement, indicator 16's page with its chart, the comparison of all
kommuner, the XLSX export and the CLI's ``endringer``. ``--vekst`` also
measures the status tables at 1×, 2× and 4× the years of data.
"""

from __future__ import annotations

import io
import random
import time
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import override_settings

from rusfelt.core.bench import Bench, analyze, load_national_units, scratch_database
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


def run(stdout, kommuner=None, ar=DEFAULT_YEARS, gjentak=DEFAULT_REPEAT, vekst=False,
        json=False, verbose=False, **options):
    bench = Bench("indikatorer", stdout, json=json, verbose=verbose, repeat=gjentak)
    with scratch_database(bench.log):
        bench.log.write("Fyller databasen …")
        fill(bench, kommuner, ar)
        measure(bench)
        if vekst:
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
    imported through ``services.import_values`` beside an ``executemany`` of the
    same rows into the same table (inserted, timed, deleted again).

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

    now = datetime.now(UTC)
    params = [(ids[n], unit_ids[c], y, Decimal(v), False, False, "", "", now)
              for n, c, y, v in rows]
    before = Verdi.objects.aggregate(last=Max("pk"))["last"] or 0
    with transaction.atomic():
        started = time.perf_counter()
        _insert(params)
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


def _insert(params) -> None:
    """The limit of an import: the rows, ids resolved, in one ``executemany``."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO indikatorer_verdi (indikator_id, unit_id, year, value, provisional, "
            "break_in_series, missing_reason, merknad, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", params)


#: The status table's figures as one query: the unit's values of the set in the
#: three years up to its latest, with the one-year change, in the table's order.
STATUS_SQL = """
WITH siste AS (
    SELECT MAX(v.year) AS ar FROM indikatorer_verdi v
    JOIN indikatorer_indikator i ON i.id = v.indikator_id
    WHERE i.sett_id = %s AND v.unit_id = %s)
SELECT g.code, i.number, i.title, v.year, v.value, v.break_in_series,
       v.value - LAG(v.value) OVER (PARTITION BY v.indikator_id ORDER BY v.year)
FROM indikatorer_verdi v
JOIN indikatorer_indikator i ON i.id = v.indikator_id
JOIN indikatorer_gruppe g ON g.id = i.gruppe_id
CROSS JOIN siste
WHERE i.sett_id = %s AND v.unit_id = %s AND v.year BETWEEN siste.ar - 2 AND siste.ar {extra}
ORDER BY g."order", i.number, v.year
"""

#: An indicator's page: every unit's values by path and year.
INDICATOR_SQL = """
SELECT u.code, u.name, v.year, v.value, v.break_in_series
FROM indikatorer_verdi v JOIN core_orgunit u ON u.id = v.unit_id
WHERE v.indikator_id = %s ORDER BY u.path, v.year
"""

#: The comparison: every unit's value in a year and the year before.
COMPARE_SQL = """
SELECT u.code, u.name, u.level, v.year, v.value, v.break_in_series
FROM indikatorer_verdi v JOIN core_orgunit u ON u.id = v.unit_id
WHERE v.indikator_id = %s AND v.year IN (%s, %s) ORDER BY u.path, v.year
"""


def _status_limit(sett, unit, group: str | None = None):
    extra = "AND g.code = %s" if group else ""
    params = [sett.pk, unit.pk, sett.pk, unit.pk] + ([group] if group else [])
    return STATUS_SQL.format(extra=extra), params


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
    bench.measure("statustabell, landet", page(base), *status_country)
    bench.measure("statustabell, én kommune", page(base, {"enhet": KOMMUNE}), *status_kommune)
    bench.measure("statustabell, filter HM3 rød",
                  page(base, {"enhet": KOMMUNE, "gruppe": "HM3", "vurdering": "rod"}),
                  *_status_limit(sett, kommune, "HM3"))
    bench.measure("måloppnåelse, én kommune", page(f"{base}mal/", {"enhet": KOMMUNE}),
                  *status_kommune)
    bench.measure("indikator 16 med graf, alle enheter", page(f"{base}16/"),
                  INDICATOR_SQL, [indikator.pk])
    bench.measure("sammenligning ind. 16, alle kommuner",
                  page(f"{base}16/sammenlign/", {"ar": str(LAST_YEAR)}),
                  COMPARE_SQL, [indikator.pk, LAST_YEAR, LAST_YEAR - 1])
    bench.measure("statustabell som XLSX, én kommune",
                  page(f"{base}status.xlsx", {"enhet": KOMMUNE}), *status_kommune)
    bench.measure(
        "CLI endringer, én kommune",
        lambda: call_command("indikatorer", "endringer", "--sett", SLUG, "--enhet", KOMMUNE,
                             stdout=io.StringIO()),
        *status_kommune)


def _client() -> Client:
    from django.contrib.auth import get_user_model

    from rusfelt.core.models import Grant, OrgUnit

    user, _ = get_user_model().objects.get_or_create(username="bench-evaluator")
    Grant.objects.get_or_create(user=user, unit=OrgUnit.objects.get(code="0"), role="leser")
    client = Client()
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
    ])
