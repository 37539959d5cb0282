"""An indicator import at the edges of what a value column holds: more decimals than
stored, a number too large to store, a year column named twice. Each case was wrong
before: counted as changed on every import, a database error (a 500 on the web) or a
value SQLite cannot read back, and a unique-constraint error."""

from decimal import Decimal

import pytest

from rusfelt.core.domain.tabular import InvalidRows, TableError
from rusfelt.indikatorer import demo, services
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
