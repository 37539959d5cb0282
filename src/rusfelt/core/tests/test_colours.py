"""One meaning per colour (issue 15, item 5): judgement, level and status colours come
from ``core.dokumenter.labels`` alone, in pages, charts and documents."""

import ast
import base64
import re
from decimal import Decimal
from pathlib import Path

import pytest

from rusfelt.core.dokumenter import labels

PACKAGE = Path(__file__).resolve().parents[2]
KEYS = "|".join(labels.TONES)


def test_only_site_css_colours_judgements_and_statuses():
    """A second stylesheet with its own «ikke startet» colour is how plans and reports
    came to disagree; the colours live in site.css (checked against labels elsewhere)."""
    offenders = []
    for css in PACKAGE.glob("**/static/**/*.css"):
        if css.name == "site.css":
            continue
        for match in re.finditer(rf"\.[\w-]+--({KEYS})\b[^{{]*{{([^}}]*)}}", css.read_text()):
            if re.search(r"(^|;|\s)(background|color)\s*:", match.group(2)):
                offenders.append(f"{css.relative_to(PACKAGE)}: {match.group(0)[:60]}")
    assert offenders == []


def _colour_encodings(path: Path):
    """Every ``alt.Color(...)`` call in ``path`` without an explicit ``scale``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Color"
                and not any(k.arg == "scale" for k in node.keywords)):
            yield f"{path.relative_to(PACKAGE)}:{node.lineno}"


def test_every_chart_colour_scale_is_chosen_not_left_to_vega():
    """Vega-Lite's default palette drew «grønn» in orange; every colour channel names its
    scale (labels.chart_scale, measure_scale or neutral_scale)."""
    found = [hit for path in PACKAGE.glob("*/**/*.py") if "tests" not in path.parts
             for hit in _colour_encodings(path)]
    assert found == []


@pytest.mark.django_db
def test_the_report_trend_draws_each_level_in_its_own_colour(units, monkeypatch):
    from rusfelt.rapporter import services
    from rusfelt.rapporter.tests.test_views import fake_key_figures

    monkeypatch.setattr(services, "key_figures", fake_key_figures)
    section = services.mapping_section(units["030104"], 2019, [])
    chart = next(b for b in section.blocks if hasattr(b, "spec"))
    # The trend is layered (lines, then the break rules); the lines carry the colours.
    layers = chart.spec.get("layer", [chart.spec])
    scale = next(layer["encoding"]["color"]["scale"] for layer in layers
                 if "color" in layer.get("encoding", {}))
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["Levekårsindeks grønn"] == labels.TONES["gronn"].chart
    assert colour["Rød + blålys"] == labels.TONES["rod"].chart


def _svg(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode().lower()


def test_mapping_charts_borrow_no_meaning():
    from rusfelt.kartlegging.presentation import comparison_chart, trend_chart

    rows = [{"label": name, "indeks_rod_blalys": Decimal(v), "level": level}
            for name, v, level in [("A", "50", "bydel"), ("B", "40", "kommune"),
                                   ("C", "45", "land")]]
    svg = _svg(comparison_chart(rows))
    meaningful = {t.chart.lower() for t in labels.TONES.values()}
    assert not {c for c in meaningful if c in svg}
    assert labels.NEUTRAL[0].lower() in svg
    trend = _svg(trend_chart([
        {"year": y, "indeks_rod_blalys": Decimal("50"), "bolig_rod": Decimal("9"),
         "rus_gronn": Decimal("20"), "psyk_gronn": Decimal("22")} for y in (2018, 2019)]))
    assert labels.TONES["gronn"].chart.lower() in trend
    assert labels.TONES["rod"].chart.lower() in trend
    assert "#4c78a8" not in trend and "#f58518" not in trend  # Vega's defaults


def test_neutral_greys_are_readable_and_not_meanings():
    from rusfelt.core.tests.test_dokumenter import _contrast

    for colour in labels.NEUTRAL:
        assert _contrast(colour, "#ffffff") >= 4.5
        assert colour not in {t.chart for t in labels.TONES.values()}
