"""Issue 12: the XLSX writer gives openpyxl the same few style objects, not new ones per cell.

openpyxl builds and hashes every style object a cell is given; a new
Alignment or Font per cell was most of the time of a national status table's
export. The styles the reader sees are checked in test_dokumenter.
"""

from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.indexed_list import IndexedList

from rusfelt.core.dokumenter import labels, xlsx_writer
from rusfelt.core.dokumenter import model as d
from rusfelt.core.tests.test_dokumenter import xlsx_sheets


def _document(rows: int) -> d.Document:
    table = d.Table("Status", ["Indikator", "2025", "2026", "Endring", "Vurdering"], [
        [f"Indikator {i}", d.share(Decimal(i)), d.count(i), d.share(Decimal("1.5")),
         d.text("Grønn", tone="gronn" if i % 2 else "rod")]
        for i in range(rows)])
    return d.Document("Status", sections=[d.Section("Status", [table])])


def test_a_long_table_makes_no_style_object_per_cell(monkeypatch):
    made = []

    def counting(cls):
        real = cls.__init__

        def init(self, *args, **kwargs):
            made.append(cls.__name__)
            real(self, *args, **kwargs)
        return init

    xlsx_writer._tone_style.cache_clear()  # the tones' styles are made in this test
    for cls in (Alignment, Font, PatternFill):
        monkeypatch.setattr(cls, "__init__", counting(cls))
    data = xlsx_writer.to_xlsx(_document(200))
    # The caption's font, the two tones, the about sheet's title: a few per workbook
    # (openpyxl makes some of its own), not one per cell of 200 rows.
    assert len(made) < 40, made
    ws = xlsx_sheets(data)[0]
    number, judged = ws.cell(row=5, column=3), ws.cell(row=5, column=5)
    assert number.alignment.horizontal == "right" and number.value == 2
    assert judged.font.bold and judged.fill.fgColor.rgb.endswith(
        labels.TONES["rod"].background[1:].upper())
    assert ws.cell(row=6, column=5).fill.fgColor.rgb.endswith(
        labels.TONES["gronn"].background[1:].upper())


def test_a_long_table_looks_each_style_up_once_not_per_cell(monkeypatch):
    """openpyxl hashes a style object field by field to find it in the workbook's list
    each time a cell is given one; the writer resolves each kind of cell once."""
    looked_up = []
    real = IndexedList.add

    def counting(self, value):
        if isinstance(value, Alignment | Font | PatternFill):
            looked_up.append(type(value).__name__)
        return real(self, value)

    monkeypatch.setattr(IndexedList, "add", counting)
    data = xlsx_writer.to_xlsx(_document(200))
    # A few kinds of cell (caption, headings, plain, right-aligned, two tones), each
    # once, not one look-up per styled cell of 200 rows (some 1 000 before).
    assert len(looked_up) < 40, len(looked_up)
    ws = xlsx_sheets(data)[0]
    assert ws.cell(row=2, column=2).alignment.horizontal == "right"
    assert ws.cell(row=2, column=1).font.bold and ws.cell(row=1, column=1).font.sz == 13
