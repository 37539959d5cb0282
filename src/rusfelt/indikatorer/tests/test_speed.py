"""Issue 12: the indicator pages and import at national scale, checked by rule, not by clock.

Times are the benchmark's business (``rusfelt bench indikatorer``); these tests
check what makes them: the indexes the database keeps, the number of
queries, and that the benchmark measures the code as production runs it.
"""

import io

import pytest
from django.db import connection, reset_queries
from django.test.utils import override_settings

from rusfelt.core.bench import Bench
from rusfelt.indikatorer import bench, demo
from rusfelt.indikatorer.models import Indikatorsett, Verdi

pytestmark = pytest.mark.django_db


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def _indexes(table):
    """{name: columns} of every index on ``table``, as the database's catalogue has them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items()
            if c["index"] or c["unique"] and not c["primary_key"]}


def test_values_keep_one_index_leading_with_the_indicator():
    """Every look-up by indicator is served by the unique (indikator, unit, year) index;
    a second index on the indicator alone only costs each imported row another insert."""
    indexes = _indexes(Verdi._meta.db_table)
    leading = [cols for cols in indexes.values() if cols and cols[0] == "indikator_id"]
    assert leading == [["indikator_id", "unit_id", "year"]], indexes


def test_the_benchmark_imports_with_debug_off_as_production_does(units):
    """With DEBUG on Django quotes every parameter of every statement for its query log:
    that cost the import's bulk insert more than the insert itself, and not the limit."""
    with override_settings(DEBUG=True):
        reset_queries()
        bench.fill(Bench("indikatorer", io.StringIO(), repeat=1), 2, 1)
        assert connection.queries == []
