"""Screening tables of a round (GROUP BY) and the key shares from published tables."""

import json
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rusfelt.indikatorer.models import Verdi
from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging import results as kresults
from rusfelt.kartlegging.models import Registrering, State
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


def test_without_any_screening_the_registrations_are_not_read(runde):
    """No screening result anywhere: one look at the results table, none at the
    registrations (SQLite planned that join as a scan of every registration)."""
    add(runde, 1)
    with CaptureQueriesContext(connection) as queries:
        assert compute_tables(Registrering.objects.filter(runde=runde), n=1) == []
    assert len(queries) == 1
    assert "kartlegging_registrering" not in queries.captured_queries[0]["sql"]


def test_the_tables_join_the_registrations_without_a_subquery(runde):
    """With stale statistics (a bulk import rolled back, a table just filled)
    PostgreSQL planned ``registrering__in=<subquery>`` as a nested loop over the
    whole registration index per row: 12-60 s for one demo round (auto_explain,
    29 Nov 2026). Joined directly, every plan has an index condition."""
    add(runde, 1, audit=6)
    add(runde, 2, dudit=25)
    with CaptureQueriesContext(connection) as queries:
        tables = compute_tables(Registrering.objects.filter(runde=runde), n=2)
    assert table(tables, "screening_screenet")["counts"] == [[2]]
    assert len(queries) == 3  # whether any result exists, the groups, those screened
    for query in queries.captured_queries:
        assert "IN (SELECT" not in query["sql"].upper()


def test_tables_count_categories_per_service_and_sex(runde):
    # Women: AUDIT 6 -> increased (x2); men: AUDIT 6 -> low; DUDIT 25 -> dependence.
    add(runde, 1, male=False, audit=6)
    add(runde, 2, male=False, audit=6, tjeneste="helse_omsorg")
    add(runde, 3, male=True, audit=6, dudit=25)
    add(runde, 4, male=True, dudit=1)
    add(runde, 5, male=True)
    tables = compute_tables(Registrering.objects.filter(runde=runde))
    assert table(tables, "screening_screenet")["counts"] == [[4]]
    assert table(tables, "screening_audit")["counts"] == [[1], [2], [0]]
    kjonn = table(tables, "screening_audit_kjonn")
    assert kjonn["rows"] == ["mann", "kvinne"]
    assert kjonn["cols"] == ["lav_risiko", "okt_risiko", "hoy_risiko"]
    assert kjonn["counts"] == [[1, 0, 0], [0, 2, 0]]
    tjeneste = table(tables, "screening_audit_tjeneste")
    assert tjeneste["rows"] == ["nav", "helse_omsorg", "barnevern", "annen"]
    assert tjeneste["counts"] == [[1, 1, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert table(tables, "screening_dudit_kjonn")["counts"] == [[1, 0, 1], [0, 0, 0]]
    # The round's results carry them (kartlegging.results.compute).
    data = kresults.compute(Registrering.objects.filter(runde=runde))
    assert table(data["tables"], "screening_dudit")["counts"] == [[1], [0], [1]]


def test_a_round_without_screening_has_screened_share_zero():
    assert indicator_values({"n": 12, "tables": []}) == {
        "andel_screenet": Decimal("0.0"), "andel_sannsynlig_avhengighet": None}


# --- Published, with the round's linked suppression ---------------------------------


def close_and_publish(runde):
    services.change_state(runde, State.CLOSED)
    return services.change_state(runde, State.PUBLISHED)


def fill(runde, dependence: int):
    """70 + ``dependence`` men at NAV: 50 DUDIT-screened without problems or with
    problems (30 + 20), ``dependence`` with probable dependence, 20 not screened."""
    i = 0
    for total, count in ((0, 30), (10, 20), (30, dependence), (None, 20)):
        for _ in range(count):
            i += 1
            add(runde, 100 + i, dudit=total)


@pytest.mark.parametrize(("dependence", "printed"), [(4, ":"), (5, 5)])
def test_a_category_count_of_4_is_suppressed_and_5_is_published(runde, dependence, printed,
                                                               capsys):
    fill(runde, dependence)
    close_and_publish(runde)
    call_command("kartlegging", "publisert", "--enhet", "030104", "--ar", "2020",
                 "--format", "json")
    unit = json.loads(capsys.readouterr().out)["enheter"]["030104"]
    tables = {t["navn"]: t for t in unit["tabeller"]}
    margin = tables["screening_dudit"]["celler"]
    assert margin[2] == [printed]
    if printed == ":":  # and a partner, so that 4 is not the published sum's remainder
        assert sum(row.count(":") for row in margin) >= 2
    else:
        assert margin == [[30], [20], [5]]
    assert tables["screening_dudit_kjonn"]["celler"][0][2] == printed
    assert tables["screening_dudit_tjeneste"]["celler"][0][2] == printed
    assert tables["screening_dudit_kjonn"]["celler"][1] == ["-", "-", "-"]
    assert tables["screening_dudit_kjonn"]["relasjoner"]
    call_command("kartlegging", "revisjon", "--enhet", "030104", "--ar", "2020")
    assert "0 avslørt" in capsys.readouterr().out
    shares = {a["navn"]: a["verdi"] for a in unit["andeler"]}
    dependence_share = shares["screening_dudit/sannsynlig_avhengighet/antall"]
    assert dependence_share == (":" if printed == ":" else 9.1)  # 5 / 55
    # The indicator hook takes the share as published.
    verdi = Verdi.objects.get(indikator__key="andel_sannsynlig_avhengighet",
                              unit__code="030104", year=2020)
    if printed == ":":
        assert verdi.value is None and verdi.missing_reason == "Prikket (små tall)"
    else:
        assert verdi.value == Decimal("9.1")
    screened = Verdi.objects.get(indikator__key="andel_screenet", unit__code="030104",
                                 year=2020)
    n = 70 + dependence
    assert screened.value == (Decimal(50 + dependence) * 100 / n).quantize(Decimal("0.1"))


def test_a_round_without_screening_publishes_no_screening_tables(runde):
    for i in range(12):
        add(runde, 300 + i)
    close_and_publish(runde)
    data = services.published_results(runde)
    assert not [t for t in data["tables"] if t["name"].startswith("screening")]
    screened = Verdi.objects.get(indikator__key="andel_screenet", unit__code="030104",
                                 year=2020)
    assert screened.value == Decimal("0.0")
    dependence = Verdi.objects.get(indikator__key="andel_sannsynlig_avhengighet",
                                   unit__code="030104", year=2020)
    assert dependence.value is None and dependence.missing_reason == "Ingen screenet med DUDIT"
