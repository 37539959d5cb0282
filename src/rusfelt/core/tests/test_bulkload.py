"""core.bulkload: COPY on PostgreSQL, one prepared statement on SQLite, ANALYZE after loads."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg.adapt import Dumper, PyFormat

from rusfelt.core import bulkload
from rusfelt.core.models import AuditEvent, OrgUnit, Population

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return OrgUnit.objects.create(code="0", name="Norge", level="land")


def _rows(n):
    return [(2000 + i, "mann" if i % 2 else "kvinne", 16, None if i % 3 else 66, 10 * i)
            for i in range(n)]


FIELDS = ["year", "sex", "age_from", "age_to", "count"]


def test_rows_constants_and_defaults_arrive_as_the_orm_reads_them(unit):
    with transaction.atomic():
        assert bulkload.insert_rows(Population, FIELDS, _rows(7), constants={"unit": unit}) == 7
    stored = list(Population.objects.order_by("year").values_list(
        "unit_id", *FIELDS, "approximate"))
    assert stored == [(unit.pk, *row, False) for row in _rows(7)]


AT = datetime(2026, 11, 30, 13, 5, 7, 123456, tzinfo=UTC)


def test_constants_of_every_kind_arrive_as_the_orm_reads_them(unit):
    """A time stamp (to the microsecond), JSON with a tab and a backslash, an address
    and a key: as the ORM reads them back, on both databases."""
    detail = {"rader": 3, "merknad": "Bærum\tø \\ «x»"}
    with transaction.atomic():
        bulkload.insert_rows(AuditEvent, ["username", "object_id"],
                             [("kari", "1"), ("ola", "2")],
                             constants={"at": AT, "action": "import", "detail": detail,
                                        "ip_address": "10.0.0.1", "unit": unit})
    stored = list(AuditEvent.objects.order_by("object_id").values_list(
        "username", "object_id", "at", "action", "detail", "ip_address", "unit_id"))
    assert stored == [(name, pk, AT, "import", detail, "10.0.0.1", unit.pk)
                      for name, pk in [("kari", "1"), ("ola", "2")]]


def test_postgresql_dumps_a_constant_once_not_once_per_row(unit):
    """psycopg dumps every value of every row of a COPY; a time stamp costs some 6 µs,
    and the registrations' two were most of a national import's COPY formatting
    (issue 12). A constant is dumped once, for every row."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite binds the prepared value")
    dumped = []

    class CountingDumper(Dumper):
        def dump(self, obj):
            dumped.append(obj)
            return obj.isoformat().encode()

    connection.ensure_connection()
    adapters = connection.connection.adapters
    original = adapters.get_dumper(datetime, PyFormat.TEXT)
    adapters.register_dumper(datetime, CountingDumper)
    try:
        with transaction.atomic():
            bulkload.insert_rows(AuditEvent, ["object_id"], [(str(i),) for i in range(50)],
                                 constants={"at": AT, "action": "import", "unit": unit})
    finally:
        adapters.register_dumper(datetime, original)
    assert dumped == [AT]
    assert set(AuditEvent.objects.values_list("at", flat=True)) == {AT}


def test_sqlite_prepares_one_insert_and_runs_it_for_every_row(unit):
    """One single-row statement run by ``executemany``, however many rows: SQLite
    compiles it once. A statement of thousands of rows was compiled anew for each
    batch, after Django had rewritten its placeholders (issue 12)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL loads with COPY")
    rows = [(2000 + i % 100, "mann", i // 100, None, i) for i in range(5_001)]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        assert bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit}) == 5_001
    inserts = [q["sql"] for q in queries if 'INSERT INTO "core_population"' in q["sql"]]
    assert len(inserts) == 1
    assert inserts[0].startswith("5001 times: ")  # Django's record of an executemany
    assert Population.objects.count() == 5_001


def test_a_layout_loaded_again_reuses_its_statement(unit, monkeypatch):
    """An import of many small files loads the same columns for every file: the
    statement is written once, not quoted column by column again (issue 12)."""
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(2), constants={"unit": unit})
    quoted = []
    quote_name = connection.ops.quote_name
    monkeypatch.setattr(connection.ops, "quote_name",
                        lambda name: quoted.append(name) or quote_name(name))
    rows = [(2100 + i, *row[1:]) for i, row in enumerate(_rows(3))]
    with transaction.atomic():
        assert bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit}) == 3
    # (The test's transaction makes the load's a savepoint, whose name is quoted.)
    assert not {"core_population", "unit_id", *FIELDS} & set(quoted)
    assert Population.objects.count() == 5


def test_a_row_a_constraint_refuses_raises_djangos_integrity_error(unit):
    """On both databases, so a caller can catch it as one error. PostgreSQL's COPY
    runs on psycopg's own cursor, below Django's error wrapping: without wrapping it
    there, the refusal arrived as psycopg's ``UniqueViolation``."""
    rows = _rows(3) + [_rows(3)[1]]  # the same population cell twice
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit})
    assert Population.objects.count() == 0


def test_a_column_without_value_or_default_is_refused(unit):
    with pytest.raises(ValueError, match="count"):
        bulkload.insert_rows(Population, ["year", "sex", "age_from"], [], constants={"unit": unit})


def test_analyze_after_a_load_gives_the_planner_the_table_size(unit):
    # PostgreSQL keeps ANALYZE's figures through the rollback of earlier tests.
    bulkload.analyze(Population)
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(50), constants={"unit": unit})
    assert bulkload.table_rows_estimate(Population) in (None, 0)
    assert bulkload.analyze_after_load(Population, 50)
    assert bulkload.table_rows_estimate(Population) == 50


def test_analyze_waits_until_a_tenth_of_the_table_is_new(unit):
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(50), constants={"unit": unit})
    bulkload.analyze(Population)
    assert not bulkload.analyze_after_load(Population, 4)
    assert bulkload.analyze_after_load(Population, 5)


def test_a_caller_may_ask_for_a_floor_of_new_rows_besides_a_tenth(unit):
    """From an empty table a tenth is new again after every few small loads: a national
    year of kartlegging loaded one kommune's file at a time ran ANALYZE 43 times before
    its 30 000th row (issue 12). With ``min_rows`` a table takes that many new rows as
    well."""
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(50), constants={"unit": unit})
    bulkload.analyze(Population)
    ran = []
    for i in range(5):
        rows = [(3000 + 5 * i + j, "mann", 16, None, j) for j in range(5)]
        with transaction.atomic():
            bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit})
        ran.append(bulkload.analyze_after_load(Population, 5, min_rows=20))
    # A tenth of 50 was new after the first load, the floor of 20 after the fourth.
    assert ran == [False, False, False, True, False]
    assert bulkload.table_rows_estimate(Population) == 70


def test_a_table_whose_statistics_hold_no_rows_is_analysed_after_any_load(unit):
    bulkload.analyze(Population)
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(3), constants={"unit": unit})
    assert bulkload.analyze_after_load(Population, 3, min_rows=1000)
    assert bulkload.table_rows_estimate(Population) == 3


def test_small_loads_add_up_until_a_tenth_of_the_table_is_new(unit):
    """An import of many small files into a growing table (one per kommune): each file
    is far less than a tenth of the table, but their rows add up, so the statistics
    never miss a tenth of the table. Before, each load was compared alone and ANALYZE
    stopped after about the tenth file (issue 12)."""
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(100), constants={"unit": unit})
    bulkload.analyze(Population)
    ran = []
    for i in range(12):
        rows = [(3000 + 3 * i + j, "mann", 16, None, j) for j in range(3)]
        with transaction.atomic():
            bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit})
        ran.append(bulkload.analyze_after_load(Population, 3))
        known = bulkload.table_rows_estimate(Population)
        assert Population.objects.count() - known < bulkload.ANALYZE_GROWTH * known, i
    # 100 rows, then 12 more (a tenth of 100 passed at the 4th load), 12 more (of 112).
    assert ran == [False, False, False, True] * 2 + [False] * 4
    assert bulkload.table_rows_estimate(Population) == 124


def test_a_table_with_statistics_is_analysed_for_the_named_columns(unit):
    """On PostgreSQL a caller's ``columns`` limit the ANALYZE to them (a whole one of
    the registrations took 1.5 s at 90 000 rows, issue 12); the row count is renewed
    all the same. SQLite analyses its indexes either way."""
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(50), constants={"unit": unit})
    bulkload.analyze(Population)
    rows = [(3000 + i, "mann", 16, None, i) for i in range(10)]
    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, rows, constants={"unit": unit})
    with CaptureQueriesContext(connection) as queries:
        assert bulkload.analyze_after_load(Population, 10, columns=["year", "unit"])
    analyzes = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    assert analyzes == ({"postgresql": ['ANALYZE "core_population" ("year", "unit_id")'],
                         "sqlite": ['ANALYZE "core_population"']}[connection.vendor])
    assert bulkload.table_rows_estimate(Population) == 60


def test_a_small_load_does_not_read_the_table_size_again_within_the_minute(unit):
    """An import of many small files (one per kommune) checks the planner's row count
    once, not once per file (issue 12); after ``ESTIMATE_SECONDS`` it reads it again,
    and a count kept here that is lower than the database's never causes an ANALYZE."""
    import time

    with transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(50), constants={"unit": unit})
    bulkload.analyze(Population)
    key = (connection.alias, Population._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        assert not bulkload.analyze_after_load(Population, 4)
    assert queries.captured_queries == []
    bulkload._estimates[key] = (50, time.monotonic() - bulkload.ESTIMATE_SECONDS - 1, 0)
    with CaptureQueriesContext(connection) as queries:
        assert not bulkload.analyze_after_load(Population, 4)
    assert len(queries) == 1 and "ANALYZE" not in queries[0]["sql"]
    bulkload._estimates[key] = (10, time.monotonic(), 0)  # lower than the database's 50
    with CaptureQueriesContext(connection) as queries:
        assert not bulkload.analyze_after_load(Population, 4)
    assert len(queries) == 1 and "ANALYZE" not in queries[0]["sql"]


def test_the_cycle_collector_is_paused_in_the_body_and_as_it_was_after():
    import gc

    assert gc.isenabled()
    with bulkload.without_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), bulkload.without_cycle_collection():
        raise KeyError  # a refused import leaves the same way
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left paused
    try:
        with bulkload.without_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
