"""The benchmark harness: the national unit tree and the figures every benchmark prints."""

import io
import json

import pytest
from django.core.handlers.base import BaseHandler
from django.test.client import RequestFactory

from rusfelt.core import bench
from rusfelt.core.domain.enheter import validate_units
from rusfelt.core.domain.tabular import Row

OPERATION_FIELDS = {"navn", "p50_ms", "p95_ms", "grense_ms", "forhold"}


def test_the_national_tree_has_the_national_counts_and_valid_codes():
    rows = bench.national_unit_rows()
    levels = [level for _code, _name, level, _parent in rows]
    assert levels.count("kommune") == 356
    assert levels.count("fylke") == 11
    # Oslo 15, Bergen 8, Trondheim 4, Stavanger 7.
    assert levels.count("bydel") == 15 + 8 + 4 + 7
    header = ["kode", "navn", "niva", "overordnet", "gyldig_fra", "gyldig_til"]
    table = [Row(i + 2, {"kode": c, "navn": n, "niva": lv, "overordnet": p,
                         "gyldig_fra": "", "gyldig_til": ""})
             for i, (c, n, lv, p) in enumerate(rows)]
    # The unit import's own checks: codes unique and of their level's form, parents known.
    assert len(validate_units(header, table, {})) == len(rows)


@pytest.mark.django_db
def test_loading_the_tree_keeps_the_demo_units_and_adds_the_rest(units):
    counts = bench.load_national_units()
    assert counts == {"kommuner": 356, "bydeler": 34, "enheter": 1 + 11 + 356 + 34}
    from rusfelt.core.models import OrgUnit

    assert OrgUnit.objects.get(code="030104").name == units["030104"].name
    assert OrgUnit.objects.get(code="500101").path == "/0/50/5001/500101/"
    assert bench.load_national_units() == counts  # a second load adds nothing


@pytest.mark.django_db
def test_json_carries_every_field_of_every_operation(units):
    from rusfelt.core.models import OrgUnit

    out = io.StringIO()
    b = bench.Bench("proeve", out, json=True, repeat=3)
    b.scale["enheter"] = 1
    b.measure("telling i Python", lambda: len(list(OrgUnit.objects.all())),
              "SELECT COUNT(*) FROM core_orgunit")
    b.add_import("import", rows=1000, seconds=0.5, limit_seconds=0.1)
    sizes = {1: 0}
    b.growth((1, 2), lambda f: sizes.setdefault(f, f * 10), [
        ("vekst", lambda: list(OrgUnit.objects.all()),
         lambda: ("SELECT code FROM core_orgunit WHERE level = %s", ["bydel"])),
    ])
    b.write()
    result = json.loads(out.getvalue())
    assert set(result) == {"app", "scale", "operations"}
    assert result["app"] == "proeve" and result["scale"]["enheter"] == 1
    assert result["scale"]["database"] in ("sqlite", "postgresql")
    ops = {op["navn"]: op for op in result["operations"]}
    assert list(ops) == ["telling i Python", "import", "vekst, 1× data", "vekst, 2× data"]
    for op in ops.values():
        assert OPERATION_FIELDS <= set(op), op
        assert 0 < op["p50_ms"] <= op["p95_ms"] and op["grense_ms"] > 0
        assert op["forhold"] == pytest.approx(op["p50_ms"] / op["grense_ms"], rel=0.05)
    assert ops["telling i Python"]["sporringer"] == 1
    assert ops["import"]["rader_per_s"] == 2000
    assert ops["import"]["grense_rader_per_s"] == 10000
    assert ops["import"]["forhold"] == 5.0
    assert ops["vekst, 2× data"]["data_faktor"] == 2 and ops["vekst, 2× data"]["rader"] == 20
    assert ops["vekst, 1× data"]["kostnad_mot_1x"] == 1.0
    assert "kostnad_mot_1x" in ops["vekst, 2× data"]


@pytest.mark.django_db
def test_text_shows_time_limit_and_ratio_and_verbose_the_plans(units):
    from rusfelt.core.models import OrgUnit

    out = io.StringIO()
    b = bench.Bench("proeve", out, verbose=True, repeat=2)
    op = b.measure("enheter", lambda: list(OrgUnit.objects.filter(code="0301")),
                   "SELECT name FROM core_orgunit WHERE code = %s", ["0301"])
    b.write()
    text = out.getvalue()
    line = next(ln for ln in text.splitlines() if ln.startswith("enheter "))
    assert f"{op.p50_ms:.1f}" in line and f"{op.grense_ms:.1f}" in line
    assert f"{op.forhold:.1f}×" in line
    assert "Grense" in text and "Prosjekt: SELECT" in text
    # The plan names the index on code (SQLite: "USING INDEX"; PostgreSQL: "Index" or a scan).
    assert "core_orgunit" in text


def test_p95_is_the_nearest_rank():
    assert bench.p95(range(1, 101)) == 95
    assert bench.p95([3.0]) == 3.0


@pytest.mark.django_db
def test_an_operation_is_timed_by_its_clock():
    """A page's time comes from the clock it is given (the server's part of its requests),
    not from the wall around the whole call."""
    elapsed = {"ms": 0.0}

    def project():
        elapsed["ms"] += 7.0

    result = bench.Bench("x", io.StringIO(), repeat=3).measure(
        "side", project, "SELECT 1", clock=lambda: elapsed["ms"])
    assert result.p50_ms == result.p95_ms == 7.0


@pytest.mark.django_db
def test_a_batched_sample_is_the_mean_of_back_to_back_calls(monkeypatch):
    """An operation of microseconds is timed as a batch of calls per sample, not one
    call charged the process's waking from the limit's query (issue 12). A fake
    clock: each call of the project takes 0.01 ms, and the first call after each
    limit query 0.5 ms more, as a wake-up does."""
    elapsed = {"ms": 0.0, "woken": True, "calls": 0}

    def project():
        elapsed["calls"] += 1
        elapsed["ms"] += 0.01 + (0.5 if elapsed["woken"] else 0.0)
        elapsed["woken"] = False

    real_run_sql = bench.run_sql

    def limit(sql, params=()):
        elapsed["woken"] = True
        return real_run_sql(sql, params)

    monkeypatch.setattr(bench, "run_sql", limit)
    result = bench.Bench("x", io.StringIO(), repeat=5).measure(
        "kept", project, "SELECT 1", clock=lambda: elapsed["ms"], batch_ms=1.0)
    assert elapsed["calls"] > 5 * 50  # about 1 ms of 0.01 ms calls in each sample
    assert result.p50_ms < 0.03  # the wake-up's 0.5 ms shared by some hundred calls
    assert "batch_ms" not in result.extra


@pytest.mark.django_db
def test_the_server_client_counts_the_handler_not_the_test_client(units, monkeypatch):
    """Building the request's environ is the test client's work; the handler's call (the
    middleware, the view) is the server's. A fake clock advances 1 000 ms while the
    client builds the environ and 2 ms while the handler answers."""
    now = {"s": 0.0}
    monkeypatch.setattr(bench.time, "perf_counter", lambda: now["s"])

    def slow(real, seconds):
        def call(*args, **kwargs):
            now["s"] += seconds
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(RequestFactory, "_base_environ",
                        slow(RequestFactory._base_environ, 1.0))
    monkeypatch.setattr(BaseHandler, "get_response", slow(BaseHandler.get_response, 0.002))
    client = bench.ServerClient()
    assert client.get("/").status_code == 200
    assert client.server_ms() == pytest.approx(2.0)
    with client.timed():  # other work of an operation, counted alike
        now["s"] += 0.003
    assert client.server_ms() == pytest.approx(5.0)
