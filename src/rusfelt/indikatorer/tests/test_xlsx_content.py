"""The status table's XLSX holds the same cells as before the writer was made faster.

Issue 12: the writer's speed-ups (styles resolved once per workbook, not per cell)
must not change what a reader gets. ``data/status_xlsx_demo.json`` is what the
writer made of the demo set before them: every cell's value, type, number format,
quote prefix, font, fill, alignment and comment, each sheet's frozen panes and column
widths, for the national table, a reformed kommune (Bergen) and a filtered table.
Write it anew (``RUSFELT_WRITE_GOLDEN=1``) only for a change meant to alter the file.
"""

import json
import os
from pathlib import Path

import pytest

from rusfelt.core.tests.test_dokumenter import xlsx_sheets
from rusfelt.indikatorer import demo

GOLDEN = Path(__file__).parent / "data" / "status_xlsx_demo.json"
BASE = f"/indikatorer/{demo.SLUG}/status.xlsx"
CASES = {
    "landet": "?enhet=0",
    "bergen": "?enhet=4601",
    "filter": "?enhet=0&gruppe=HM5&vurdering=rod",
}


@pytest.fixture
def sett(units):
    demo.load()


def _colour(colour):
    if colour is None:
        return None
    return f"{colour.type}:{getattr(colour, colour.type)}"


def _content(data: bytes, styles: list) -> list:
    """Every sheet's title, panes, widths and written cells as plain JSON values; a
    cell's style (number format, quote prefix, font, fill, alignment, comment) as its
    index in ``styles``, which gathers each distinct one once."""
    sheets = []
    for ws in xlsx_sheets(data):
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                style = [c.number_format, c.quotePrefix, c.font.b, c.font.i, c.font.sz,
                         _colour(c.font.color), c.fill.fill_type, _colour(c.fill.fgColor),
                         c.alignment.horizontal, c.alignment.wrap_text,
                         c.comment.text if c.comment else None]
                if style not in styles:
                    styles.append(style)
                value = c.value if isinstance(c.value, str | int | float | None) else str(
                    c.value)
                cells.append([c.coordinate, value, c.data_type, styles.index(style)])
        widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width}
        sheets.append({"title": ws.title, "panes": ws.freeze_panes, "widths": widths,
                       "cells": cells})
    return sheets


def _dumps(content: dict) -> str:
    """The golden file's text: one cell or style a line, so a change reads as a diff."""
    def dumps(value):
        return json.dumps(value, ensure_ascii=False)
    lines = ["{", '"styles": [', ",\n".join(dumps(s) for s in content["styles"]), "],"]
    for n, name in enumerate(CASES):
        lines.append(f"{dumps(name)}: [")
        for i, sheet in enumerate(content[name]):
            lines.append(dumps({k: v for k, v in sheet.items() if k != "cells"})[:-1]
                         + ', "cells": [')
            lines.append(",\n".join(dumps(c) for c in sheet["cells"]))
            lines.append("]}" + ("," if i < len(content[name]) - 1 else ""))
        lines.append("]" + ("," if n < len(CASES) - 1 else ""))
    return "\n".join([*lines, "}", ""])


def test_the_status_xlsx_holds_the_cells_it_held_before(client, sett, make_user):
    client.force_login(make_user("evaluator", ("0", "leser")))
    got = {"styles": []}
    for name, query in CASES.items():
        response = client.get(BASE + query)
        assert response.status_code == 200
        got[name] = _content(response.content, got["styles"])
    if os.environ.get("RUSFELT_WRITE_GOLDEN"):
        GOLDEN.write_text(_dumps(got), encoding="utf-8")
    # Through JSON as the golden file is, so numbers compare alike.
    got, expected = json.loads(_dumps(got)), json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got["styles"] == expected["styles"]
    for name in CASES:
        for ours, theirs in zip(got[name], expected[name], strict=True):
            assert ours["title"] == theirs["title"]
            assert (ours["panes"], ours["widths"]) == (theirs["panes"], theirs["widths"])
            assert ours["cells"] == theirs["cells"], (name, ours["title"])
