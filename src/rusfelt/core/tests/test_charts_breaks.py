"""Trend charts do not join points across a break or a gap, and mark each break.

Checked on the SVG that Vega (vl-convert) draws, not on our own spec: every
line piece is its own ``line mark`` and every break a ``rule mark``.
"""

import re

from rusfelt.core.charts import broken_lines, to_svg
from rusfelt.core.domain.serier import Brudd, build_series

# Seed 004 L327-348: «Rød på rusmiddelbruk» in Stavanger, mapped years only.
ROD_RUS = {2010: 17, 2011: 16, 2012: 19, 2014: 11, 2015: 10, 2016: 8, 2018: 8}


def _svg(series_by_name, values):
    chart = broken_lines(values, series_by_name, x="year", y="value", color="measure",
                         x_title="År", y_title="Andel (%)")
    return to_svg(chart)


def test_stavanger_line_breaks_at_both_gaps_and_both_breaks():
    series = build_series(ROD_RUS, [Brudd(2015, "Aldersgruppene endret"),
                                    Brudd(2018, "Også primært psykiske")])
    values = [{"year": y, "value": v, "measure": "Rød på rusmiddelbruk"}
              for y, v in ROD_RUS.items()]
    svg = _svg(series, values)
    # 2010-2012, 2014, 2015-2016 and 2018: four pieces, not one joined line.
    assert svg.count('aria-roledescription="line mark"') == 4
    assert svg.count('aria-roledescription="rule mark"') == 2
    assert "| 2015" in svg and "| 2018" in svg
    # The 2010-2012 piece has three points and ends before 2014.
    first = re.search(r'aria-roledescription="line mark" d="([^"]+)"', svg).group(1)
    assert first.count("L") == 2


def test_a_successor_line_starts_anew_at_the_reform():
    bergen = build_series([2016, 2017, 2018, 2020], [Brudd(2020, "Ny kode")])
    norge = build_series([2016, 2017, 2018], [])
    values = [{"year": y, "value": 55, "measure": "Bergen"} for y in (2016, 2017, 2018, 2020)]
    values += [{"year": y, "value": 60, "measure": "Norge"} for y in (2016, 2017, 2018)]
    svg = _svg({"Bergen": bergen, "Norge": norge}, values)
    assert svg.count('aria-roledescription="line mark"') == 3  # Bergen twice, Norge once
    assert svg.count('aria-roledescription="rule mark"') == 1
    assert "| 2020 Bergen" in svg
