"""core.bulkload: COPY on PostgreSQL, full-size statements on SQLite, ANALYZE after loads."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from rusfelt.core import bulkload
from rusfelt.core.models import OrgUnit, Population

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


def test_sqlite_writes_as_few_statements_as_its_variable_limit_allows(unit, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL loads with COPY")
    limit = bulkload.sqlite_max_variables()
    # 999 is Django's assumption (21 rows of a registration); modern builds allow 32 766.
    assert limit >= 32_766
    monkeypatch.setattr(bulkload, "MAX_ROWS_PER_STATEMENT", 3)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        bulkload.insert_rows(Population, FIELDS, _rows(10), constants={"unit": unit})
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "core_population"')]
    assert len(inserts) == 4  # 3 + 3 + 3 + 1
    assert Population.objects.count() == 10


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
