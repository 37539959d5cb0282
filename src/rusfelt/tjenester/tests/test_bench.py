import pytest

from rusfelt.tjenester import bench
from rusfelt.tjenester.models import Tjeneste

pytestmark = pytest.mark.django_db


def test_the_benchmark_fills_and_measures_every_query(units):
    bench.fill(60)
    assert Tjeneste.objects.count() == 60
    results = bench.measure(repeat=2)
    assert [r[0] for r in results] == [q[0] for q in bench.QUERIES]
    assert results[0][1] == 60  # "alle" finds every service
    assert all(r[2] > 0 for r in results)
