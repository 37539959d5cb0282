"""Helpers shared by the capabilities' benchmarks (``rusfelt bench <app>``).

A benchmark fills a throwaway database (``scratch_database``), usually with
the national unit tree (``load_national_units``), and measures each
operation with a ``Bench``: the project's code and, in the same run and on
the same data, one hand-written SQL query through ``connection.cursor()``
that computes the same figures, the limit. Each operation is printed as
p50 and p95 of the project, the limit's p50 and their ratio
``forhold = p50 / grense``, so a slow machine is not mistaken for a fast
program. Imports give rows per second beside the limit's rows per second.
``--json`` prints the same as one JSON object::

    {"app": ..., "scale": {...},
     "operations": [{"navn", "p50_ms", "p95_ms", "grense_ms", "forhold", ...}]}

and ``--verbose`` adds the EXPLAIN of the limit and of the project's queries.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import OutputWrapper
from django.db import connection
from django.test import Client
from django.test.client import ClientHandler


@contextlib.contextmanager
def scratch_database(stdout):
    """Run the body in a throwaway database, created and migrated like a test database.

    On SQLite a temporary file, on PostgreSQL ``test_<name>``; dropped
    afterwards, so the configured database is never touched.
    """
    old_name = connection.settings_dict["NAME"]
    tmp = None
    if connection.vendor == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
            Path(tmp.name) / "bench.sqlite3"
        )
    stdout.write(f"Lager en midlertidig {connection.vendor}-database …")
    # Commands run while migrating may print; stdout is kept for the results (--json).
    with contextlib.redirect_stdout(sys.stderr):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


def p95(values) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- The national unit tree -------------------------------------------------------

#: The fylker of 2020-2023 with their number of kommuner (356 in all, as in
#: the issue's measurements). The repository has no official kommune list, so
#: kommuner beyond the demo file's real ones (``core/demo/enheter.csv``) get
#: synthetic codes (fylke + running number) and names: only the counts are national.
FYLKER = [
    ("03", "Oslo", 1), ("11", "Rogaland", 23), ("15", "Møre og Romsdal", 26),
    ("18", "Nordland", 41), ("30", "Viken", 51), ("34", "Innlandet", 46),
    ("38", "Vestfold og Telemark", 23), ("42", "Agder", 25), ("46", "Vestland", 43),
    ("50", "Trøndelag", 38), ("54", "Troms og Finnmark", 39),
]
NATIONAL_KOMMUNER = 356
#: The four big cities and their number of bydeler (Oslo's 15 and Bergen's 8
#: are in the demo file with their real names).
BIG_CITIES = {"0301": ("Oslo", "03", 15), "4601": ("Bergen", "46", 8),
              "5001": ("Trondheim", "50", 4), "1103": ("Stavanger", "11", 7)}
NATIONAL_BYDELER = sum(n for _name, _fylke, n in BIG_CITIES.values())


def national_unit_rows() -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent code) of the national tree, parents first.

    Deterministic: the same codes every run. The big cities keep their real
    kommune numbers; other kommuner are numbered from 01 within their fylke,
    skipping numbers a big city has.
    """
    rows = [("0", "Norge", "land", "")]
    rows += [(code, name, "fylke", "0") for code, name, _n in FYLKER]
    taken = set(BIG_CITIES)
    for fylke, _name, count in FYLKER:
        cities = [c for c, (_n, f, _b) in BIG_CITIES.items() if f == fylke]
        rows += [(c, BIG_CITIES[c][0], "kommune", fylke) for c in cities]
        number = 0
        for _ in range(count - len(cities)):
            number += 1
            while f"{fylke}{number:02d}" in taken:
                number += 1
            rows.append((f"{fylke}{number:02d}", f"Kommune {fylke}{number:02d}", "kommune",
                         fylke))
    for city, (name, _fylke, bydeler) in BIG_CITIES.items():
        rows += [(f"{city}{i:02d}", f"{name} bydel {i}", "bydel", city)
                 for i in range(1, bydeler + 1)]
    return rows


def load_national_units() -> dict:
    """The national unit tree in the database: the demo units with their real names,
    then every missing unit of ``national_unit_rows`` (one bulk insert per level).

    Returns the counts, for a benchmark's ``scale``.
    """
    from rusfelt.core import services
    from rusfelt.core.demo import DEMO_DIR
    from rusfelt.core.models import NIVA_ORDER, OrgUnit

    if not OrgUnit.objects.filter(code="0301").exists():
        services.import_units((DEMO_DIR / "enheter.csv").read_bytes(), "enheter.csv")
    by_code = {u.code: u for u in OrgUnit.objects.all()}
    rows = national_unit_rows()
    for level in NIVA_ORDER:
        new = []
        for code, name, row_level, parent in rows:
            if row_level != level or code in by_code:
                continue
            parent_unit = by_code[parent] if parent else None
            new.append(OrgUnit(code=code, name=name, level=level, parent=parent_unit,
                               path=(parent_unit.path if parent_unit else "/") + f"{code}/"))
        OrgUnit.objects.bulk_create(new)
        by_code.update({u.code: u for u in OrgUnit.objects.filter(level=level)})
    counts = {level: 0 for level in NIVA_ORDER}
    # Today's tree: units that ended at the 2020 reform (1201, 1141, ...) are not counted.
    for level in OrgUnit.objects.filter(valid_to__isnull=True).values_list("level", flat=True):
        counts[level] += 1
    return {"kommuner": counts["kommune"], "bydeler": counts["bydel"],
            "enheter": sum(counts.values())}


def analyze() -> None:
    """Fresh planner statistics after a bulk load (as autovacuum or a deploy would)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Timing -------------------------------------------------------------------------


def timings(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    gc.collect()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def wall_ms() -> float:
    """The wall clock in milliseconds: what an operation that is no request takes."""
    return time.perf_counter() * 1000


class _TimedHandler(ClientHandler):
    """Django's test handler, adding up the milliseconds of its requests in ``server_ms``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.server_ms = 0.0

    def __call__(self, environ):
        started = time.perf_counter()
        try:
            return super().__call__(environ)
        finally:
            self.server_ms += (time.perf_counter() - started) * 1000


class ServerClient(Client):
    """Django's test client whose ``server_ms()`` adds up the server's part of its requests.

    The server's part is the WSGI handler's call: from the request's WSGI environ
    through the middleware, the view and the template to the closed response, as
    an application server calls it. Left out is what only the test client does:
    building the environ and the cookie header before, and attaching the request,
    templates, JSON reader and cookies to the response after (a page's measured
    time is the server's, not the test's; issue 12). ``timed()`` counts other work
    of an operation (a data version written before a first view) alike.
    """

    def __init__(self, enforce_csrf_checks=False, raise_request_exception=True, **defaults):
        super().__init__(enforce_csrf_checks, raise_request_exception, **defaults)
        self.handler = _TimedHandler(enforce_csrf_checks)

    def server_ms(self) -> float:
        return self.handler.server_ms

    @contextlib.contextmanager
    def timed(self):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.handler.server_ms += (time.perf_counter() - started) * 1000


def run_sql(sql: str, params: Sequence = ()) -> list[tuple]:
    """One hand-written query through the cursor, every row fetched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def explain(sql: str, params: Sequence | None = ()) -> str:
    """The database's plan of ``sql`` (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
    except Exception as error:  # noqa: BLE001 - a plan that cannot be shown is reported
        return f"(ingen plan: {error})"
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[0]:>4} {row[1]:>4} {row[-1]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def _calls_in(batch_ms: float, call_ms: float) -> int:
    """How many calls of ``call_ms`` take about ``batch_ms``: at least one, at most 1 000."""
    if batch_ms <= 0 or call_ms <= 0:
        return 1
    return max(1, min(1000, round(batch_ms / call_ms)))


@dataclass
class Operation:
    """One measured operation: the project beside its limit."""

    navn: str
    p50_ms: float
    p95_ms: float
    grense_ms: float
    forhold: float
    extra: dict = field(default_factory=dict)
    plans: list[tuple[str, str]] = field(default_factory=list)  # (what, plan)

    def as_dict(self) -> dict:
        return {"navn": self.navn, "p50_ms": round(self.p50_ms, 3),
                "p95_ms": round(self.p95_ms, 3), "grense_ms": round(self.grense_ms, 3),
                "forhold": round(self.forhold, 2), **self.extra}


def add_arguments(parser) -> None:
    """The options every benchmark takes (``--json``, ``--verbose``)."""
    parser.add_argument("--json", action="store_true",
                        help="Skriv resultatet som JSON (framdrift går til stderr).")
    parser.add_argument("--verbose", action="store_true",
                        help="Vis EXPLAIN for grensens og prosjektets spørringer.")


class Bench:
    """Measures operations against their limits and prints them (text or JSON).

    ``log`` is where progress goes: stdout for text, stderr with ``--json``
    so that stdout carries the JSON alone.
    """

    def __init__(self, app: str, stdout, *, json: bool = False, verbose: bool = False,
                 repeat: int = 10, warmup: int = 1):
        self.app = app
        # Lines as a management command writes them (a plain stream gets the newlines).
        self.stdout = stdout if isinstance(stdout, OutputWrapper) else OutputWrapper(stdout)
        self.as_json, self.verbose = json, verbose
        self.repeat, self.warmup = repeat, warmup
        self.scale: dict = {}
        self.operations: list[Operation] = []
        self.log = OutputWrapper(sys.stderr) if json else self.stdout

    def measure(self, navn: str, project: Callable[[], object], limit_sql: str,
                limit_params: Sequence = (), *, repeat: int | None = None,
                clock: Callable[[], float] = wall_ms, batch_ms: float = 0.0,
                **extra) -> Operation:
        """Time ``project`` and the hand-written ``limit_sql`` alternately, after warm-up.

        Alternating spreads any load of the machine over both. ``clock`` gives
        milliseconds: the wall clock, or a page's server time
        (``ServerClient.server_ms``). Also counts the project's queries
        (``sporringer``) and, with ``--verbose``, keeps the plans of the limit and
        of each distinct project query.

        ``batch_ms``: for an operation of microseconds, each sample is the mean of
        as many back-to-back calls as take about that long (the limit's likewise).
        A single call timed right after the limit's query was charged the process's
        waking from that query's wait: on PostgreSQL, where the limit waits on a
        socket, a kept read of 7 µs measured 22 µs; on SQLite, where it does not,
        8 µs (issue 12).
        """
        repeat = repeat or self.repeat
        for _ in range(self.warmup):
            project()
            run_sql(limit_sql, limit_params)
        captured: list[tuple[str, Sequence | None]] = []

        def collect(execute, sql, params, many, context):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        # A wrapper, not CaptureQueriesContext: each request resets the query log.
        with connection.execute_wrapper(collect):
            project()
        own_calls = limit_calls = 1
        if batch_ms > 0:  # each call's time once warm, for how many make a sample
            started = clock()
            project()
            own_calls = _calls_in(batch_ms, clock() - started)
            started = time.perf_counter()
            run_sql(limit_sql, limit_params)
            limit_calls = _calls_in(batch_ms, (time.perf_counter() - started) * 1000)
        gc.collect()
        own, limit = [], []
        for _ in range(repeat):
            started = clock()
            for _ in range(own_calls):
                project()
            own.append((clock() - started) / own_calls)
            started = time.perf_counter()
            for _ in range(limit_calls):
                run_sql(limit_sql, limit_params)
            limit.append((time.perf_counter() - started) * 1000 / limit_calls)
        plans = []
        if self.verbose:
            plans.append(("grense", explain(limit_sql, limit_params)))
            seen = set()
            for sql, params in captured:
                if sql in seen or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                seen.add(sql)
                plans.append((sql, explain(sql, params)))
        return self.add(navn, own, statistics.median(limit),
                        sporringer=len(captured), plans=plans, **extra)

    def add(self, navn: str, times: Sequence[float], grense_ms: float, *, plans=(),
            **extra) -> Operation:
        """Record an operation measured elsewhere (``times`` in ms, the limit's p50)."""
        p50 = statistics.median(times)
        operation = Operation(navn, p50, p95(times), grense_ms,
                              p50 / grense_ms if grense_ms else float("inf"), extra, list(plans))
        self.operations.append(operation)
        if self.as_json:  # progress on stderr, so a long run shows what it has so far
            self.log.write(f"{navn}: p50 {p50:.1f} ms, grense {grense_ms:.1f} ms "
                           f"({operation.forhold:.1f}×)")
        return operation

    def add_import(self, navn: str, rows: int, seconds: float, limit_seconds: float,
                   **extra) -> Operation:
        """An import of ``rows`` rows in ``seconds``, beside the limit's ``limit_seconds``."""
        return self.add(navn, [seconds * 1000], limit_seconds * 1000, rader=rows,
                        rader_per_s=round(rows / seconds), grense_rader_per_s=round(
                            rows / limit_seconds), **extra)

    def growth(self, factors: Sequence[int], grow: Callable[[int], int],
               operations: Sequence[tuple[str, Callable[[], object],
                                          Callable[[], tuple[str, Sequence]]]],
               *, clock: Callable[[], float] = wall_ms) -> list[Operation]:
        """Measure each (navn, project, limit) at each data factor; ``grow(f)`` brings
        the data to f× and returns the row count, ``limit()`` gives (sql, params).

        Each operation carries ``data_faktor``, ``rader`` and ``kostnad_mot_1x`` /
        ``grense_mot_1x``: its p50 and the limit's over those at the first factor.
        Growth is at most linear while ``kostnad_mot_1x`` stays at or under
        ``data_faktor``. ``clock`` as ``measure``'s.
        """
        measured: dict[str, list[Operation]] = {navn: [] for navn, _p, _l in operations}
        for factor in factors:
            rows = grow(factor)
            for navn, project, limit in operations:
                sql, params = limit()
                measured[navn].append(self.measure(
                    f"{navn}, {factor}× data", project, sql, params, clock=clock,
                    data_faktor=factor, rader=rows))
        for series in measured.values():
            first = series[0]
            for op in series:
                op.extra["kostnad_mot_1x"] = round(op.p50_ms / first.p50_ms, 2)
                op.extra["grense_mot_1x"] = round(op.grense_ms / first.grense_ms, 2)
        return [op for series in measured.values() for op in series]

    # --- output -------------------------------------------------------------------

    def result(self) -> dict:
        load = [round(x, 2) for x in os.getloadavg()]
        scale = {**self.scale, "database": connection.vendor, "last": load,
                 "kjerner": os.cpu_count()}
        return {"app": self.app, "scale": scale,
                "operations": [op.as_dict() for op in self.operations]}

    def write(self) -> dict:
        result = self.result()
        if self.as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return result
        out = self.stdout
        scale = ", ".join(f"{k} {v}" for k, v in result["scale"].items())
        out.write(f"\n{self.app}: {scale}")
        out.write(f"{'operasjon':46} {'p50 ms':>8} {'p95 ms':>8} {'grense ms':>10} "
                  f"{'forhold':>8}  merknad")
        for op in self.operations:
            notes = []
            if "rader_per_s" in op.extra:
                notes.append(f"{op.extra['rader_per_s']:,} rader/s, grense "
                             f"{op.extra['grense_rader_per_s']:,}".replace(",", " "))
            if "kostnad_mot_1x" in op.extra:
                notes.append(f"kostnad {op.extra['kostnad_mot_1x']}× "
                             f"(grense {op.extra['grense_mot_1x']}×) ved "
                             f"{op.extra['data_faktor']}× data")
            if "sporringer" in op.extra:
                notes.append(f"{op.extra['sporringer']} spørringer")
            notes += [f"{k} {v}" for k, v in op.extra.items() if k in ("treff",)]
            out.write(f"{op.navn[:46]:46} {op.p50_ms:>8.1f} {op.p95_ms:>8.1f} "
                      f"{op.grense_ms:>10.1f} {op.forhold:>7.1f}×  {'; '.join(notes)}")
            if self.verbose:
                for what, plan in op.plans:
                    label = "Grense" if what == "grense" else f"Prosjekt: {what[:300]}"
                    out.write(f"    {label}\n" + "\n".join(f"      {line}"
                                                         for line in plan.splitlines()))
        return result
