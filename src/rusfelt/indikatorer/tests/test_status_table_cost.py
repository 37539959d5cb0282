"""What building a status table costs beyond its queries (issue 12): the CLI's
``endringer`` and each first view or export of a table build one."""

import pytest

from rusfelt.core.models import OrgUnit
from rusfelt.indikatorer import demo, services
from rusfelt.indikatorer.models import Indikatorsett, Verdi


@pytest.fixture
def sett(units):
    demo.load()
    return Indikatorsett.objects.get(slug=demo.SLUG)


def test_a_status_table_makes_no_unit_per_value(sett, monkeypatch):
    made = []
    real = OrgUnit.from_db.__func__

    def counting(cls, db, field_names, values):
        made.append(values)
        return real(cls, db, field_names, values)

    monkeypatch.setattr(OrgUnit, "from_db", classmethod(counting))
    # Bergen: its own values and those of Bergen 1201 before the reform (4601).
    table = services.status_table(sett, OrgUnit.objects.get(code="4601"),
                                  Verdi.objects.all())
    made.clear()
    table = services.status_table(sett, table.unit, Verdi.objects.all())
    shown = [v for g in table.groups for r in g.rows for v in r.values if v is not None]
    assert len(shown) >= 10
    # The few units of the reform links (Stavanger's, Bergen's), not one per value read.
    assert len(made) < len(shown), len(made)
    # The values before the reform still come from Bergen 1201, with their break.
    assert "Verdier før reformen er fra 1201." in table.notes
