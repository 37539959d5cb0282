"""What building a status table costs beyond its queries (issue 12): the CLI's
``endringer`` and each first view or export of a table build one."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rusfelt.core.dokumenter import labels
from rusfelt.core.models import OrgUnit
from rusfelt.indikatorer import demo, documents, services
from rusfelt.indikatorer.models import IndicatorType, Indikatorsett, Verdi


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


def test_endringer_reads_the_groups_with_the_indicators(sett):
    """The set, the unit, its predecessors, the reforms, its years, its values, the
    indicators with their groups and the audit row: no query of the groups of their own."""
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("indikatorer", "endringer", "--sett", demo.SLUG, "--enhet", "4601",
                     stdout=out)
    assert len(queries.captured_queries) <= 8, [q["sql"][:80] for q in
                                                queries.captured_queries]
    assert not [q for q in queries.captured_queries
                if q["sql"].lstrip().startswith('SELECT "indikatorer_gruppe"')]
    assert out.getvalue().startswith("indikator,fra,til,endring,enhet,vurdering\n")


def test_the_status_document_words_each_type_and_judgement_once(sett, monkeypatch):
    table = services.status_table(sett, OrgUnit.objects.get(code="0"), Verdi.objects.all())
    words = []
    real = labels.label
    monkeypatch.setattr(labels, "label", lambda key: words.append(key) or real(key))
    document = documents.status_document(table)
    rows = [row for t in document.tables() for row in t.rows]
    assert len(rows) > 80
    # The four judgements' words (and the legend's), not one per judged cell.
    assert len(words) <= 2 * len(labels.JUDGEMENTS), len(words)
    assert {row[2].value for row in rows} <= {str(w) for _v, w in IndicatorType.choices}
    assert {row[-1].value for row in rows} <= {real(j) for j in labels.JUDGEMENTS}
