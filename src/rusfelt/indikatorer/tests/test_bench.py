"""The benchmark fills a small national set and measures every page it names."""

import pytest

from rusfelt.indikatorer import bench
from rusfelt.indikatorer.models import Verdi

pytestmark = pytest.mark.django_db


def test_the_benchmark_fills_and_measures_every_page():
    rows, seconds = bench.fill(3, 3)
    assert rows > 0 and seconds > 0
    # Every row of the long file was stored (the demo's own values come on top).
    assert Verdi.objects.count() >= rows
    results = bench.measure(2, 3)
    assert results, "no page was measured"
    for label, median, high in results:
        assert 0 < median <= high, label
