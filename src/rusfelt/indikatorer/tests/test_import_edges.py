"""An indicator import at the edges of what a value column holds: more decimals than
stored, a number too large to store, a year column named twice. Each case was wrong
before: counted as changed on every import, a database error (a 500 on the web) or a
value SQLite cannot read back, and a unique-constraint error."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.indikatorer import demo, services
from rusfelt.indikatorer.domain.parsing import CellError, parse_value
from rusfelt.indikatorer.models import Indikatorsett, Verdi

pytestmark = pytest.mark.django_db


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def _value(year):
    return Verdi.objects.get(indikator__sett__slug=demo.SLUG, indikator__number=16,
                             unit__code="0301", year=year)


def _long(*rows):
    return ("indikator;enhet;ar;verdi\n" + "".join(f"16;0301;{y};{v}\n" for y, v in rows)
            ).encode()


def test_a_value_with_more_decimals_than_stored_is_rounded_half_up_once(sett):
    data = _long((2001, "12,34565"), (2002, "-0,00005"), (2003, "7,12344"))
    first = services.import_values(sett, data, "v.csv")
    assert first["created"] == 3
    # Four decimals kept, as the column stores them, the fifth rounded half up.
    assert [_value(y).value for y in (2001, 2002, 2003)] == [
        Decimal("12.3457"), Decimal("-0.0001"), Decimal("7.1234")]
    # The same file again changes nothing: before, each such value was «changed»
    # on every import (stored 12.3457, compared with 12.34565).
    again = services.import_values(sett, data, "v.csv")
    assert (again["created"], again["updated"]) == (0, 0)


def test_a_value_too_large_to_store_is_refused_with_its_line(sett):
    before = Verdi.objects.count()
    data = _long((2001, "99999999999999,9999"), (2002, "100000000000000"), (2003, "-1e14"))
    with pytest.raises(InvalidRows) as exc:
        services.import_values(sett, data, "v.csv")
    messages = [(e.line, e.column, e.message) for e in exc.value.errors]
    too_large = "er for stort (høyst 14 sifre foran komma)"
    assert messages == [(3, "verdi", too_large), (4, "verdi", too_large)]
    assert Verdi.objects.count() == before


def test_a_year_column_named_twice_is_refused_as_a_whole(sett):
    before = Verdi.objects.count()
    with pytest.raises(TableError, match="«2018» mer enn én gang"):
        services.import_values(sett, b"indikator,enhet,2018,2018\n16,0301,60,61\n", "v.csv")
    assert Verdi.objects.count() == before



def test_an_import_reads_and_loads_its_rows_with_the_cycle_collector_paused(
        sett, monkeypatch):
    """Python's cyclic collector walked the rows an import keeps, ever more often as
    they grew: about 30 % of a national import's processor time (issue 12)."""
    import gc

    from rusfelt.core import bulkload
    from rusfelt.indikatorer import imports

    seen = []

    def spy(real):
        def call(*args, **kwargs):
            seen.append(gc.isenabled())
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(imports, "_parse_values", spy(imports._parse_values))
    monkeypatch.setattr(bulkload, "insert_rows", spy(bulkload.insert_rows))
    assert services.import_values(sett, _long((2001, "1"), (2002, "2")), "v.csv")[
        "created"] == 2
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(InvalidRows):
        services.import_values(sett, _long((2003, "mye")), "v.csv")
    assert gc.isenabled()


def test_a_large_import_analyses_the_columns_values_are_chosen_by(sett):
    """On PostgreSQL the ANALYZE after a large import reads the indicator, unit and year
    columns only, not all twelve of the value table (SQLite analyses its indexes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rusfelt.core import bulkload

    bulkload.analyze(Verdi)
    rows = [(year, str(year)) for year in range(1900, 2100)]
    with CaptureQueriesContext(connection) as queries:
        services.import_values(sett, _long(*rows), "v.csv")
    analyzes = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    assert analyzes == ({
        "postgresql": ['ANALYZE "indikatorer_verdi" ("indikator_id", "unit_id", "year")'],
        "sqlite": ['ANALYZE "indikatorer_verdi"']}[connection.vendor])


plain_value = st.from_regex(r"-?[0-9]{1,16}([.,][0-9]{1,6})?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(plain_value)
def test_a_plainly_written_value_is_read_as_the_whole_check_reads_it(text):
    """``parse_value`` reads a plain number (digits, a point or comma, four decimals at
    most) by ``Decimal`` at once; with a space before it, the same text takes the whole
    check (strip, markers, spaces, %, minus sign, comma, size, rounding)."""
    try:
        fast = parse_value(text)
    except CellError as exc:
        fast = str(exc)
    try:
        whole = parse_value(" " + text)
    except CellError as exc:
        whole = str(exc)
    assert fast == whole
    if isinstance(fast, tuple):  # and the same Decimal, written alike
        assert str(fast[0]) == str(whole[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(plain_value | st.text(max_size=8), max_size=5))
def test_plain_values_read_together_are_read_as_one_by_one(texts):
    """``_read_plain_values`` answers a plainly written value as the memo's own parser
    (``_value_cell``) does, stored text and decimal places alike, and leaves every
    other text, with its message, to that parser."""
    from rusfelt.core.domain.tabular import ParsedColumn
    from rusfelt.indikatorer.imports import _read_plain_values, _value_cell

    together = ParsedColumn(_value_cell, CellError)
    _read_plain_values(together, texts)
    one_by_one = ParsedColumn(_value_cell, CellError)
    assert {t: together[t] for t in texts} == {t: one_by_one[t] for t in texts}


def _clean_file(sett, rows):
    """A long file of ``rows(clean)`` (indicator, unit, year, value): 2 000 clean rows,
    ten indicators for 1901-2100, and the bad rows put in among them."""
    numbers = sorted(sett.indikatorer.values_list("number", flat=True))[:10]
    clean = [(n, "0301", year, f"{(n * year) % 997},5") for n in numbers
             for year in range(1901, 2101)]
    return clean, "indikator;enhet;ar;verdi\n" + "".join(
        f"{n};{u};{y};{v}\n" for n, u, y, v in rows(clean))


def test_bad_cells_in_a_file_otherwise_read_by_column_are_all_named(sett):
    """The first row, the last and a bad value repeated in between are each named with
    their line, in line order, and nothing is stored: the file is read by column, and
    a single bad cell must send it to the row-by-row check."""
    before = Verdi.objects.count()
    clean, data = _clean_file(sett, lambda clean: [
        (clean[0][0], "9999", 1900, "1"),  # line 2: unknown unit
        *clean[:700],  # lines 3-702
        (clean[0][0], "0301", 1900, "1.2.3"),  # line 703
        *clean[700:1400],  # lines 704-1403
        (clean[1][0], "0301", 1900, "1.2.3"),  # line 1404: the same bad text again
        *clean[1400:],  # lines 1405-2004
        clean[1049],  # line 2005, the last: the value of line 1053 (1049 + 4) again
    ])
    with pytest.raises(InvalidRows) as exc:
        services.import_values(sett, data.encode(), "v.csv")
    assert len(clean) == 2000
    assert [(e.line, e.column, e.message) for e in exc.value.errors] == [
        (2, "enhet", "ukjent enhet «9999»"),
        (703, "verdi", "er ikke et tall"),
        (1404, "verdi", "er ikke et tall"),
        (2005, "verdi", "gjentar verdien fra linje 1053"),
    ]
    assert Verdi.objects.count() == before


@pytest.mark.parametrize("bad", ["100000000000000", "1,23456x", ""])
def test_one_bad_value_first_or_last_refuses_the_whole_file(sett, bad):
    before = Verdi.objects.count()
    for where in ("first", "last"):
        clean, data = _clean_file(sett, lambda clean, where=where: (
            [(16, "0301", 1900, bad), *clean] if where == "first"
            else [*clean, (16, "0301", 1900, bad)]))
        with pytest.raises(InvalidRows) as exc:
            services.import_values(sett, data.encode(), "v.csv")
        line = 2 if where == "first" else len(clean) + 2
        assert [(e.line, e.column) for e in exc.value.errors] == [(line, "verdi")], where
    assert Verdi.objects.count() == before


def test_a_long_files_rows_reach_the_database_while_its_later_values_are_unread(
        sett, monkeypatch):
    """The database loads a batch of rows (COPY on PostgreSQL) while the next batch's
    values are read: at national scale the load, not the reading, is the longer, and
    reading the whole file first left the database idle for its time (issue 12)."""
    from rusfelt.core import bulkload
    from rusfelt.indikatorer import imports

    events = []
    read = imports._read_plain_values
    insert = bulkload.insert_rows

    def reading(memo, texts):
        events.append("read")
        return read(memo, texts)

    def loading(model, fields, rows, constants=None):
        def each():
            for row in rows:
                events.append("row")
                yield row
        return insert(model, fields, each(), constants)

    monkeypatch.setattr(imports, "BATCH_ROWS", 50)
    monkeypatch.setattr(imports, "_read_plain_values", reading)
    monkeypatch.setattr(bulkload, "insert_rows", loading)
    clean, data = _clean_file(sett, lambda clean: clean)
    assert services.import_values(sett, data.encode(), "v.csv")["created"] == 2000
    assert events.count("read") == 40 and events.count("row") == 2000
    # The first batch's rows are loaded before the second batch's values are read.
    assert events[:52] == ["read"] + ["row"] * 50 + ["read"]


@pytest.mark.parametrize("where", [1000, 1999])
@pytest.mark.parametrize("bad", ["value", "repeat"])
def test_a_bad_row_found_while_the_rows_load_stores_nothing(sett, monkeypatch, where, bad):
    """A bad value, or a value repeating an earlier row's, in a later batch is found
    after earlier rows went to the database: the load is abandoned, every bad cell is
    named and nothing is stored."""
    from rusfelt.indikatorer import imports

    monkeypatch.setattr(imports, "BATCH_ROWS", 50)
    before = Verdi.objects.count()
    clean, data = _clean_file(sett, lambda clean: [
        *clean[:where],
        (16, "0301", 1900, "mye") if bad == "value" else (*clean[10][:3], "7"),
        *clean[where:]])
    with pytest.raises(InvalidRows) as exc:
        services.import_values(sett, data.encode(), "v.csv")
    assert [(e.line, e.column, e.message) for e in exc.value.errors] == [
        (where + 2, "verdi",
         "er ikke et tall" if bad == "value" else "gjentar verdien fra linje 12")]
    assert Verdi.objects.count() == before
    # The connection is usable and the same file without the bad row is stored whole.
    good = "indikator;enhet;ar;verdi\n" + "".join(f"{n};{u};{y};{v}\n" for n, u, y, v in clean)
    assert services.import_values(sett, good.encode(), "v.csv")["created"] == 2000
