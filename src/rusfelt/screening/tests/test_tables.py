"""Screening tables in the linked suppression (issue #16, part 4), without a database.

The oracle is the outsider's linear program (``kartlegging.domain.intruder``,
checked against scipy's linprog in kartlegging's tests); the relations an
outsider knows between the tables are written out here by hand.
"""

import pytest

from rusfelt.kartlegging.domain import intruder
from rusfelt.kartlegging.domain.levels import TJENESTER
from rusfelt.kartlegging.domain.linked_suppression import TableSet, build_problem, protect
from rusfelt.kartlegging.tests.synthetic import kommune
from rusfelt.screening.domain.tables import build


def unit(groups, screened, n, kjonn, tjeneste):
    """One unit's n, sex and service tables, and its screening tables."""
    return TableSet(id="a", unit="a", tables=[
        {"name": "antall", "kind": "single", "rows": ["totalt"], "cols": ["antall"],
         "counts": [[n]]},
        {"name": "kjonn", "kind": "column", "rows": ["mann", "kvinne"], "cols": ["antall"],
         "counts": [[kjonn[0]], [kjonn[1]]]},
        {"name": "tjeneste", "kind": "column", "rows": list(TJENESTER), "cols": ["antall"],
         "counts": [[c] for c in tjeneste]},
        *build(groups, screened, n, list(TJENESTER)),
    ])


def cell(table, row, col="antall"):
    return ("a", table, row, col)


# 60 persons, 54 men and 6 women, all at NAV; AUDIT: 10 men low risk, 10 men
# increased, women 2 increased; DUDIT none.
GROUPS = {("audit", "nav", "mann", "lav_risiko"): 10, ("audit", "nav", "mann", "okt_risiko"): 10,
          ("audit", "nav", "kvinne", "okt_risiko"): 2}


def test_tables_count_per_service_and_sex_with_a_margin():
    tables = {t["name"]: t for t in build(GROUPS, 22, 60, list(TJENESTER))}
    assert tables["screening_screenet"]["counts"] == [[22]]
    assert tables["screening_audit"]["rows"] == ["lav_risiko", "okt_risiko", "hoy_risiko"]
    assert tables["screening_audit"]["counts"] == [[10], [12], [0]]
    assert tables["screening_audit_kjonn"]["counts"] == [[10, 10, 0], [0, 2, 0]]
    assert tables["screening_audit_tjeneste"]["counts"] == [
        [10, 12, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert tables["screening_dudit"]["counts"] == [[0], [0], [0]]
    assert build({}, 0, 60, list(TJENESTER)) == []


def test_an_outsider_adding_up_the_sexes_cannot_pin_the_womens_count():
    # The 2 women with increased risk are hidden. The outsider knows that men
    # plus women make the published AUDIT margin (10 + 2 = 12) and that the
    # women's AUDIT row is at most the women's count; kinds alone ("flags",
    # each cell at most n) do not say so, so the pattern must come from the
    # declared relations.
    ts = unit(GROUPS, 22, 60, (54, 6), (60, 0, 0, 0))
    problem = build_problem([ts])
    suppressed, _ = protect(problem)
    women = cell("screening_audit_kjonn", "kvinne", "okt_risiko")
    assert women in suppressed
    # The outsider's own relations, written here from the tables' meaning.
    for col in ("lav_risiko", "okt_risiko", "hoy_risiko"):
        problem.equations.append({cell("screening_audit_kjonn", "mann", col): 1,
                                  cell("screening_audit_kjonn", "kvinne", col): 1,
                                  cell("screening_audit", col): -1})
        problem.equations.append({cell("screening_audit_tjeneste", "nav", col): 1,
                                  cell("screening_audit", col): -1})
    for sex in ("mann", "kvinne"):
        problem.upper.append({**{cell("screening_audit_kjonn", sex, c): 1
                                 for c in ("lav_risiko", "okt_risiko", "hoy_risiko")},
                              cell("kjonn", sex): -1})
    exposed = [i for i in intruder.audit(problem, suppressed) if i.exposed]
    assert not exposed, [(i.key, i.text()) for i in exposed]


@pytest.mark.parametrize(("count", "hidden"), [(4, True), (5, False)])
def test_a_category_count_of_4_is_hidden_and_5_is_shown(count, hidden):
    groups = {("dudit", "nav", "mann", "ingen_indikasjon"): 30,
              ("dudit", "nav", "mann", "sannsynlig_problem"): 20,
              ("dudit", "nav", "mann", "sannsynlig_avhengighet"): count}
    n = 50 + count + 20
    ts = unit(groups, 50 + count, n, (n, 0), (n, 0, 0, 0))
    problem = build_problem([ts])
    suppressed, _ = protect(problem)
    cells = {cell("screening_dudit", "sannsynlig_avhengighet"),
             cell("screening_dudit_kjonn", "mann", "sannsynlig_avhengighet"),
             cell("screening_dudit_tjeneste", "nav", "sannsynlig_avhengighet")}
    assert (cells <= suppressed) is hidden
    assert not (cells & suppressed) or hidden
    assert not [i for i in intruder.audit(problem, suppressed) if i.exposed]


def test_relations_of_a_table_join_the_problem():
    ts = unit(GROUPS, 22, 60, (54, 6), (60, 0, 0, 0))
    problem = build_problem([ts])
    margin = {cell("screening_audit_kjonn", "mann", "okt_risiko"): 1,
              cell("screening_audit_kjonn", "kvinne", "okt_risiko"): 1,
              cell("screening_audit", "okt_risiko"): -1}
    assert margin in problem.equations
    broken = unit(GROUPS, 22, 60, (54, 6), (60, 0, 0, 0))
    broken.tables[-1]["relasjoner"] = [
        {"type": "eq", "ledd": [["screening_dudit_kjonn", "ingen", "x", 1]]}]
    with pytest.raises(ValueError, match="names no cell"):
        build_problem([broken])


@pytest.mark.parametrize("sizes", [[3, 40, 2], [1, 1, 60, 7, 2], [12, 30, 6, 44, 9, 3]])
def test_kommuner_with_screening_publish_without_an_exposed_cell(sizes):
    problem = build_problem(kommune(5, sizes, with_screening=True))
    assert any(k[1] == "screening_audit_kjonn" for k in problem.values)
    suppressed, _ = protect(problem)
    assert {k for k, v in problem.values.items() if 0 < v <= 4} <= suppressed
    assert not [i for i in intruder.audit(problem, suppressed, exact=False) if i.exposed]


def test_the_womens_row_does_not_say_every_screened_woman_had_increased_risk():
    # Issue #9's zeros: "- : -" for the women would tell that every woman
    # screened had increased risk, without telling how many.
    ts = unit(GROUPS, 22, 60, (54, 6), (60, 0, 0, 0))
    problem = build_problem([ts])
    suppressed, _ = protect(problem)
    row = [cell("screening_audit_kjonn", "kvinne", c)
           for c in ("lav_risiko", "okt_risiko", "hoy_risiko")]
    assert all(k in suppressed for k in row)
