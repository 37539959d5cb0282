"""Indicators stored before issue 15 get their printed decimals from a data migration,
so an existing installation prints 9,0 % beside 9,3 % without a re-import."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from rusfelt.core.dokumenter.formatting import format_cell
from rusfelt.indikatorer import demo
from rusfelt.indikatorer.documents import value_cell
from rusfelt.indikatorer.models import Indikator, Indikatorsett, Verdi

pytestmark = pytest.mark.django_db
migration = importlib.import_module("rusfelt.indikatorer.migrations.0005_fill_indicator_decimals")


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def stored_before_issue_15(sett, units, number, values, decimals=None):
    """An indicator and its values as an old import left them: no decimals settled."""
    ind = Indikator.objects.create(sett=sett, number=number, title="Test", kind="andel",
                                   unit_label="%", gruppe=sett.grupper.first(),
                                   decimals=decimals)
    for year, value in enumerate(values, start=2017):
        Verdi.objects.create(indikator=ind, unit=units["0"], year=year,
                             value=None if value is None else Decimal(value))
    return ind


def printed(ind):
    return [format_cell(value_cell(v.value, ind)) for v in ind.verdier.order_by("year")]


def test_an_old_indicator_prints_one_precision_after_the_migration(sett, units):
    ind = stored_before_issue_15(sett, units, 901, ["9", "9.3", None])
    migration.fill_decimals(apps, None)
    ind.refresh_from_db()
    assert printed(ind) == ["9,0\xa0%", "9,3\xa0%", ".."]


def test_the_migration_takes_at_most_two_decimals(sett, units):
    ind = stored_before_issue_15(sett, units, 902, ["12.125", "3"])
    migration.fill_decimals(apps, None)
    ind.refresh_from_db()
    assert ind.decimals == 2


def test_the_migration_keeps_set_decimals_and_leaves_indicators_without_values(sett, units):
    chosen = stored_before_issue_15(sett, units, 903, ["9.35"], decimals=0)
    no_values = stored_before_issue_15(sett, units, 904, [None])
    migration.fill_decimals(apps, None)
    chosen.refresh_from_db()
    no_values.refresh_from_db()
    assert (chosen.decimals, no_values.decimals) == (0, None)
