"""Screening tables of a round (GROUP BY) and the key shares from published tables."""

import random
from datetime import date
from decimal import Decimal

import pytest

from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging import results as kresults
from rusfelt.kartlegging.models import Registrering
from rusfelt.screening import mapping
from rusfelt.screening.results import compute_tables, indicator_values

pytestmark = pytest.mark.django_db

VALUES = {"tjeneste": "nav", "kategori": "rus", "bolig": "gronn", "arbeid_aktivitet": "gul",
          "okonomi": "gul", "fysisk_helse": "gronn", "psykisk_helse": "gronn",
          "rusmiddelbruk": "rod", "sosial_fungering": "gul", "nettverk": "gul",
          "informert": True}
DAY = date(2020, 1, 15)


def number(i, male=True):
    return demo.synthetic_number(random.Random(i), date(1970, 1, 1 + i % 28), male, set())


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="H", formal="F", dpia_ref="D")


def add(runde, i, *, male=True, tjeneste="nav", audit=None, dudit=None):
    reg = services.register(runde, number(i, male), {**VALUES, "tjeneste": tjeneste})
    values = [(c, s, DAY) for c, s in (("audit", audit), ("dudit", dudit)) if s is not None]
    mapping.attach(reg, values)
    return reg


def table(tables, name):
    return next(t for t in tables if t["name"] == name)


def test_no_screening_no_tables(runde):
    add(runde, 1)
    assert compute_tables(Registrering.objects.filter(runde=runde)) == []


def test_tables_count_categories_per_service_and_sex(runde):
    # Women: AUDIT 6 -> increased (x2); men: AUDIT 6 -> low; DUDIT 25 -> dependence.
    add(runde, 1, male=False, audit=6)
    add(runde, 2, male=False, audit=6, tjeneste="helse_omsorg")
    add(runde, 3, male=True, audit=6, dudit=25)
    add(runde, 4, male=True, dudit=1)
    add(runde, 5, male=True)
    tables = compute_tables(Registrering.objects.filter(runde=runde))
    assert table(tables, "screening_screenet")["counts"] == [[4], [3], [2]]
    kjonn = table(tables, "screening_audit_kjonn")
    assert kjonn["rows"] == ["mann", "kvinne"]
    assert kjonn["cols"] == ["lav_risiko", "okt_risiko", "hoy_risiko"]
    assert kjonn["counts"] == [[1, 0, 0], [0, 2, 0]]
    tjeneste = table(tables, "screening_audit_tjeneste")
    assert tjeneste["rows"] == ["nav", "helse_omsorg", "barnevern", "annen"]
    assert tjeneste["counts"] == [[1, 1, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert table(tables, "screening_dudit_kjonn")["counts"] == [[1, 0, 1], [0, 0, 0]]


def test_suppressed_tables_give_no_shares_and_open_ones_do():
    published = {"n": 40, "tables": [
        {"name": "screening_screenet", "kind": "flags", "rows": ["minst_en", "audit", "dudit"],
         "cols": ["ja"], "counts": [[20], [12], [10]]},
        {"name": "screening_dudit_kjonn", "kind": "rows", "rows": ["mann", "kvinne"],
         "cols": ["ingen_indikasjon", "sannsynlig_problem", "sannsynlig_avhengighet"],
         "counts": [[0, 0, 5], [0, 0, 5]]},
    ]}
    assert indicator_values(published) == {"andel_screenet": Decimal("50.0"),
                                           "andel_sannsynlig_avhengighet": Decimal("100.0")}
    published["tables"][1]["counts"] = [[":", 3, ":"], [0, 0, 5]]
    published["tables"][0]["counts"][0] = [":"]
    assert indicator_values(published) == {"andel_screenet": None,
                                           "andel_sannsynlig_avhengighet": None}


def test_a_round_without_screening_has_screened_share_zero():
    assert indicator_values({"n": 12, "tables": []}) == {
        "andel_screenet": Decimal("0.0"), "andel_sannsynlig_avhengighet": None}


def test_the_tables_go_through_the_rounds_suppression(runde):
    for i in range(6):
        add(runde, 10 + i, male=False, audit=6)
    add(runde, 20, male=True, audit=20)
    data = kresults.compute(Registrering.objects.filter(runde=runde))
    data["tables"].extend(compute_tables(Registrering.objects.filter(runde=runde)))
    shown = kresults.suppress_results(data)
    kjonn = table(shown["tables"], "screening_audit_kjonn")
    # The man's single high-risk count may not be shown.
    assert kjonn["counts"][0][2] == ":"
