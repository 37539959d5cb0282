"""The benchmark fills a small national set and measures every page beside its limit."""

import io
import json

import pytest

from rusfelt.core.bench import Bench
from rusfelt.indikatorer import bench
from rusfelt.indikatorer.models import Verdi

pytestmark = pytest.mark.django_db

FIELDS = {"navn", "p50_ms", "p95_ms", "grense_ms", "forhold"}


def test_the_benchmark_fills_and_measures_every_page_as_json():
    out = io.StringIO()
    b = Bench("indikatorer", out, json=True, repeat=1)
    rows, seconds = bench.fill(b, 3, 2)
    assert rows > 0 and seconds > 0
    # Every row of the long file was stored (the demo's own values come on top), and
    # the limit's rows were removed again.
    assert Verdi.objects.filter(merknad="").count() >= rows
    bench.measure(b)
    bench.measure_growth(b, 2)
    b.write()
    result = json.loads(out.getvalue())
    assert result["app"] == "indikatorer"
    assert result["scale"]["kommuner"] == 356 and result["scale"]["bydeler"] == 34
    names = [op["navn"] for op in result["operations"]]
    assert names[0] == "import, langt format"
    assert "statustabell, landet" in names and "indikator 16 med graf, alle enheter" in names
    assert "indikator 16, første visning etter import" in names
    assert "statustabell som XLSX, første eksport etter import" in names
    assert "statustabell, landet, 4× data" in names
    for op in result["operations"]:
        assert FIELDS <= set(op), op
        assert 0 < op["p50_ms"] <= op["p95_ms"], op
    imported = result["operations"][0]
    assert imported["rader"] == rows and imported["rader_per_s"] > 0
    assert imported["grense_rader_per_s"] > 0
    first_export = {op["navn"]: op for op in result["operations"]}[
        "statustabell som XLSX, første eksport etter import"]
    assert first_export["grense_med_fil_ms"] > 0
    grown = {op["navn"]: op for op in result["operations"]}["statustabell, landet, 4× data"]
    # The 4× step holds four times the kommune values of the 1× step.
    first = {op["navn"]: op for op in result["operations"]}["statustabell, landet, 1× data"]
    assert grown["rader"] > first["rader"]
