"""CSV rows of ``read_records``: each with the line it ends on, blank rows left out,
short rows padded, the row limit and a broken row refused with their messages, whether
the file takes the path that reads all rows at once or the one that reads row by row."""

import csv
import gc
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rusfelt.core.domain.tabular import Limits, TableError, TooLarge, read_records


def _read(text, max_rows=100):
    """The header and the records, each row's cells as a list (as the csv module gives)."""
    header, records = read_records(text.encode(), "f.csv", Limits(max_rows=max_rows))
    return header, [(line, list(cells)) for line, cells in records]


@pytest.mark.parametrize("text", [
    pytest.param("a,b\n1,2\n3\n", id="read-at-once"),
    pytest.param('a,b\n"1\n1",2\n3\n', id="row-by-row"),
])
def test_the_rows_kept_leave_the_garbage_collectors_care(text):
    """Tuples of strings, not lists: an import keeps 100 000 of them while it reads, and
    the cyclic collector walked every kept list again at each of its collections."""
    _header, records = read_records(text.encode(), "f.csv")
    records = list(records)
    gc.collect()  # untracks each row's cells ...
    gc.collect()  # ... and then the (line, cells) pair holding them
    assert [type(cells) for _line, cells in records] == [tuple, tuple]
    assert not any(map(gc.is_tracked, records))


def test_each_row_has_its_line_as_a_spreadsheet_shows_it():
    assert _read("a,b\n1,2\n3,4\n") == (["a", "b"], [(2, ["1", "2"]), (3, ["3", "4"])])
    # Blank rows (also of separators and spaces) are skipped; the lines count on.
    assert _read("a;b\n1;2\n\n;\n  ; \n5;6\n")[1] == [(2, ["1", "2"]), (6, ["5", "6"])]
    # A quoted cell over two lines: the row after it is on line 4.
    assert _read('a,b\n"x\ny",2\n3,4\n')[1] == [(3, ["x\ny", "2"]), (4, ["3", "4"])]
    # A header over two lines moves every row one down.
    assert _read('"a\nA",b\n1,2\n')[1] == [(3, ["1", "2"])]
    assert _read("a,b\r\n1,2\r\n3\r\n")[1] == [(2, ["1", "2"]), (3, ["3", ""])]


def test_short_rows_are_padded_and_long_rows_kept():
    assert _read("a,b,c\n1\n1,2,3,4\n")[1] == [(2, ["1", "", ""]), (3, ["1", "2", "3", "4"])]


def test_the_row_limit_counts_rows_not_blank_lines():
    assert len(_read("a\n" + "1\n" * 3, max_rows=3)[1]) == 3
    with pytest.raises(TooLarge, match="mer enn 3 rader"):
        _read("a\n" + "1\n" * 4, max_rows=3)
    # Blank lines at the limit: three rows are within it, however many blanks.
    assert [line for line, _ in _read("a\n1\n\n1\n\n\n1\n\n", max_rows=3)[1]] == [2, 4, 7]
    with pytest.raises(TooLarge):
        _read("a\n1\n\n1\n\n\n1\n\n1\n", max_rows=3)
    with pytest.raises(TooLarge):  # a cell over two lines takes the row-by-row path
        _read('a\n"1\n1"\n1\n1\n1\n', max_rows=3)


def test_a_broken_row_is_named_by_its_line_unless_the_limit_came_first():
    broken = "x" * (csv.field_size_limit() + 1)  # a cell the csv module refuses
    with pytest.raises(TableError, match=r"kan ikke leses som CSV \(linje 4\)"):
        _read(f"a,b\n1,2\n\n3,{broken}\n5,6\n")
    with pytest.raises(TooLarge):  # the row past the limit is refused before the broken one
        _read(f"a\n1\n1\n1\n{broken}\n", max_rows=2)


def _reference(text):
    """The rows as the csv module reads them one by one, each with its line number."""
    reader = csv.reader(io.StringIO(text, newline=""))
    width = len(next(reader))
    out = []
    for values in reader:
        if "".join(values).strip():
            out.append((reader.line_num, values + [""] * (width - len(values))))
    return out


cell = st.sampled_from(["", " ", "1", "x y", '"q,1"', '"a\nb"', '""'])
row = st.lists(cell, min_size=0, max_size=4).map(",".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_every_file_gives_the_rows_the_csv_module_reads_one_by_one(rows, newline):
    text = newline.join(["a,b,c", *rows]) + newline
    expected = _reference(text)
    if len(expected) > 5:
        with pytest.raises(TooLarge):
            _read(text, max_rows=5)
    else:
        assert _read(text, max_rows=5)[1] == expected
