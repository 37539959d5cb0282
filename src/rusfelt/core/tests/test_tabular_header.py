"""A header that names a column twice is refused before any row is read, in CSV and XLSX
alike: which of the two cells would count is anybody's guess (a wide indicator file with
«2018» twice hit the database's unique constraint instead)."""

import io

import pytest
from openpyxl import Workbook

from rusfelt.core.domain.tabular import TableError, read_records, read_table


def _xlsx(header, row):
    book = Workbook()
    book.active.append(header)
    book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("read", [read_records, read_table])
def test_a_column_named_twice_is_refused_in_csv_and_xlsx(read):
    for data, name in ((b"indikator;2018;Verdi;2018;verdi\n16;1;2;3;4\n", "v.csv"),
                       (_xlsx(["indikator", "2018", "2018"], [16, 1, 2]), "v.xlsx")):
        with pytest.raises(TableError) as exc:
            read(data, name)
        assert "«2018»" in str(exc.value) and "Ingenting er lagret" in str(exc.value), name
    with pytest.raises(TableError, match="«2018», «verdi» mer enn én gang"):
        read_records(b"indikator;2018;Verdi;2018;verdi\n16;1;2;3;4\n", "v.csv")


def test_unnamed_columns_may_repeat():
    header, records = read_records(b"indikator,,verdi,\n16,,5,\n", "v.csv")
    assert header == ["indikator", "", "verdi", ""]
    assert list(records) == [(2, ("16", "", "5", ""))]


@pytest.mark.parametrize("header, rows", [
    (["indikator", "2018", "2018"], [[16, 1, 2]]),  # refused header
    ([], []),                                       # empty sheet
    (["indikator", "2018"], [[16, 1]]),             # read in full
])
def test_the_workbook_is_closed_on_every_way_out(monkeypatch, header, rows):
    """A read-only workbook holds the archive open until closed: a refused header once
    left it open (the file's bytes stayed referenced until garbage collection)."""
    import openpyxl

    opened = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        book = real(*args, **kwargs)
        opened.append(book)
        return book

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    try:
        read_table(out.getvalue(), "v.xlsx")
    except TableError:
        pass
    assert len(opened) == 1
    assert opened[0]._archive.fp is None, "the workbook's archive is still open"
