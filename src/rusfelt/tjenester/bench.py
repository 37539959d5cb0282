"""Search 5 000 services with the national unit tree: server time of typical queries.

    rusfelt bench tjenester [--antall 5000] [--gjentak 40] [--json] [--verbose]

Runs in a throwaway database created like a test database (a temporary
SQLite file, or test_<name> on PostgreSQL), migrated, filled and dropped
afterwards; the configured database is not touched. The services are spread
over every kommune and bydel of the national tree
(``core.bench.load_national_units``). Each query's whole response is timed
as the server's part of its request (``core.bench.ServerClient``: the WSGI
handler's call, not the test client's work around it) beside its limit
(``core.bench``): one hand-written SQL query through the database's own text
search that finds the same page of services with the unit's name and the
total count.
"""

import random
import time
from datetime import date
from datetime import time as clock

from django.db import connection
from django.test.utils import override_settings

from rusfelt.core.bench import Bench, ServerClient, analyze, load_national_units, scratch_database

DEFAULT_COUNT = 5_000
DEFAULT_REPEAT = 40
PAGE_SIZE = 20  # services.PAGE_SIZE
#: (label, path, parameters, the limit's filters: see ``limit_sql``).
QUERIES = [
    ("alle, side 1", "/tjenester/", {}, {}),
    ("q=rusbehandling", "/tjenester/", {"q": "rusbehandling"}, {"q": "rusbehandling"}),
    ("q=bolig, bydel", "/tjenester/", {"q": "bolig", "sted": "030104"},
     {"q": "bolig", "sted": "030104"}),
    ("lavterskel, åpen nå", "/tjenester/", {"kategori": "lavterskel", "apen": "on"},
     {"kategori": "lavterskel", "apen": True}),
    ("17 år, pårørende", "/tjenester/", {"alder": "17", "rolle": "parorende"},
     {"alder": 17, "parorende": True}),
    ("q=overnatting, åpen nå, Oslo", "/tjenester/",
     {"q": "overnatting", "apen": "on", "sted": "0301"},
     {"q": "overnatting", "apen": True, "sted": "0301"}),
    ("side 10", "/tjenester/", {"side": "10"}, {"side": 10}),
    ("API q=lavterskel", "/api/tjenester/", {"q": "lavterskel"}, {"q": "lavterskel"}),
    ("API åpen nå", "/api/tjenester/", {"apen": "on"}, {"apen": True}),
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


def run(stdout, antall=DEFAULT_COUNT, gjentak=DEFAULT_REPEAT, json=False, verbose=False,
        **options):
    bench = Bench("tjenester", stdout, json=json, verbose=verbose, repeat=gjentak)
    with scratch_database(bench.log):
        started = time.perf_counter()
        bench.scale.update(fill(antall))
        bench.log.write(f"{antall} tjenester lagt inn på {time.perf_counter() - started:.1f} s.")
        measure(bench)
        result = bench.write()
    return result


def fill(count: int, seed: int = 20261122) -> dict:
    """The national unit tree and ``count`` services spread over its kommuner and
    bydeler; returns the scale."""
    from rusfelt.core.models import Niva, OrgUnit

    from .models import AccessRoute, Apningstid, Category, Kind, TargetGroup, Tjeneste

    scale = load_national_units()
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
    analyze()  # as autovacuum would after a bulk load: fresh statistics for the planner
    return {**scale, "tjenester": count}


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def measure(bench: Bench):
    from .forms import SokForm
    from .services import now_local, search_ids

    client = ServerClient()
    now = now_local()
    for label, path, params, spec in QUERIES:
        def get(path=path, params=params, label=label):
            response = client.get(path, params)
            assert response.status_code == 200, (label, response.status_code)
        hits = len(search_ids(SokForm(params).filters()))
        bench.measure(label, get, *limit_sql(spec, now), clock=client.server_ms, treff=hits)


def limit_sql(spec: dict, now) -> tuple[str, list]:
    """One query for a page of results: the services matching ``spec`` with their
    unit's name and the total count, through the database's own text index.

    ``spec``: q (one word, a prefix), sted (a unit code: its own, its bydeler's
    and the units' above it), kategori, alder, parorende, apen (a weekly period
    running now), side.
    """
    from .domain import sporsmal
    from .search import fts5_query, tsquery

    where, params, order = ["t.published"], [], "t.name, t.id"
    join = ""
    # The words as the search reads them (compound parts as alternatives).
    groups = sporsmal.parse(spec["q"]).groups if spec.get("q") else []
    if groups:
        if connection.vendor == "sqlite":
            join = ("JOIN (SELECT rowid AS id, bm25(tjenester_fts, 3.0, 1.0) AS rank "
                    "FROM tjenester_fts WHERE tjenester_fts MATCH %s) f ON f.id = t.id")
            params.append(fts5_query(groups))
            order = "f.rank, t.name"
        else:
            where.append("t.search_vector @@ to_tsquery('norwegian', %s)")
            params.append(tsquery(groups))
            order = ("ts_rank(t.search_vector, to_tsquery('norwegian', %s), 2) DESC, t.name")
    if spec.get("kategori"):
        where.append("t.category = %s")
        params.append(spec["kategori"])
    if spec.get("alder") is not None:
        where.append("(t.age_min IS NULL OR t.age_min <= %s) AND "
                     "(t.age_max IS NULL OR t.age_max >= %s)")
        params += [spec["alder"], spec["alder"]]
    if spec.get("parorende"):
        where.append("(t.category = 'parorende' OR t.target_groups LIKE '%%,parorende,%%' "
                     "OR t.target_groups LIKE '%%,barn_parorende,%%')")
    if spec.get("sted"):
        from rusfelt.core.models import OrgUnit

        unit = OrgUnit.objects.get(code=spec["sted"])
        above = [u.code for u in unit.ancestors() if u.level != "land"]
        where.append("(u.path LIKE %s OR u.code IN (" + ", ".join(["%s"] * len(above)) + "))")
        params += [unit.path + "%"] + above
    if spec.get("apen"):
        where.append("EXISTS (SELECT 1 FROM tjenester_apningstid a WHERE a.tjeneste_id = t.id "
                     "AND a.weekday = %s AND a.opens <= %s AND (a.closes > %s "
                     "OR a.closes <= a.opens))")
        at = now.time().replace(microsecond=0).isoformat()
        params += [now.weekday(), at, at]
    if groups and connection.vendor == "postgresql":
        params.append(tsquery(groups))
    offset = ((spec.get("side") or 1) - 1) * PAGE_SIZE
    sql = (f"SELECT t.id, t.name, u.name, COUNT(*) OVER () FROM tjenester_tjeneste t "
           f"JOIN core_orgunit u ON u.id = t.unit_id {join} WHERE {' AND '.join(where)} "
           f"ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}")
    return sql, params
