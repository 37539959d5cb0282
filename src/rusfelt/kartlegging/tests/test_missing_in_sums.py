"""A figure registered for only some is missing, in a round and in a kommune's sum (issue 15).

A flag (individuell plan, risk ...) is a yes-count of everyone mapped. When
only some were registered with it, a share of everyone would count the rest
as «nei»; when a bydel did not register it, a kommune sum would count that
bydel's persons as «nei». Both are shown as «..» with a note that says
which, and a sum that leaves a bydel out of an optional table says so.
The sums are still published through the linked suppression and the
intruder (test_publication.py's outsider).
"""

import pytest

from rusfelt.kartlegging import results as results_mod
from rusfelt.kartlegging.documents import results_document
from rusfelt.kartlegging.models import Publisering
from rusfelt.kartlegging.presentation import display_tables

from .test_publication import make_round, people, publish

pytestmark = pytest.mark.django_db


def planned(n: int, yes: int, no: int) -> list[dict]:
    """``n`` persons: ``yes`` with an individuell plan, ``no`` without, the rest unregistered."""
    return [{"individuell_plan": True} for _ in range(yes)] + \
           [{"individuell_plan": False} for _ in range(no)] + \
           [{} for _ in range(n - yes - no)]


def rows_of(tables: list[dict], name: str) -> dict:
    t = next(t for t in tables if t["name"] == name)
    return {row["key"]: [c["count"] for c in row["cells"]] + [c["share"] for c in row["cells"]]
            for row in t["rows"]}, t


def test_a_flag_registered_for_some_has_no_share_of_everyone(testkommune):
    # 30 mapped; individuell plan registered for 20 (8 ja, 12 nei), not for 10.
    runde = make_round(testkommune["990101"], 2019, planned(30, 8, 12))
    publish(runde)
    data = Publisering.objects.get(runde=runde).data
    assert results_mod.andel(data, "ip") is None  # not 8/30 = 26,7 %
    assert results_mod.andel(data, "planer/individuell_plan/ja") is None
    assert data[results_mod.PARTLY] == ["individuell_plan"]
    rows, table = rows_of(display_tables(data), "planer")
    assert rows["individuell_plan"] == ["..", ".."]
    assert any("«..» for Individuell plan: registrert for bare noen" in note
               for note in table["missing_notes"])


def test_a_flag_registered_for_everyone_keeps_its_share(testkommune):
    runde = make_round(testkommune["990101"], 2019, planned(30, 9, 21))
    publish(runde)
    data = Publisering.objects.get(runde=runde).data
    assert results_mod.andel(data, "ip") == "30.0"
    assert results_mod.PARTLY not in data


def test_the_document_carries_the_note_on_a_partly_registered_flag(testkommune):
    runde = make_round(testkommune["990101"], 2019, planned(30, 8, 12))
    publish(runde)
    document = results_document(runde, Publisering.objects.get(runde=runde).data)
    [planer] = [s for s in document.sections if s.key == "planer"]
    notes = " ".join(planer.blocks[0].notes)
    assert "registrert for bare noen" in notes


@pytest.fixture
def kommune_sum(testkommune):
    """Nord and Midt registered individuell plan and birthplace for all; Sør neither."""
    nord = make_round(testkommune["990101"], 2019, planned(30, 9, 21))
    midt = make_round(testkommune["990102"], 2019, planned(25, 10, 15))
    sor = make_round(testkommune["990103"], 2019, [{"fodested": ""} for _ in range(20)])
    for runde in (nord, midt, sor):
        publish(runde)
    return Publisering.objects.current().get(unit=testkommune["9901"], year=2019)


def test_a_kommune_sum_leaves_out_a_flag_a_bydel_did_not_register(kommune_sum):
    data = kommune_sum.data
    assert data["n"] == 75
    # 19 of 55 in Nord and Midt, but Sør's 20 were never asked: no sum, no share.
    assert results_mod.andel(data, "ip") is None
    assert data[results_mod.LEFT_OUT]["planer"] == ["Sør"]
    rows, table = rows_of(display_tables(data), "planer")
    assert rows["individuell_plan"] == ["..", ".."]
    assert table["missing_notes"] == [
        "«..»: ikke registrert for alle i Sør, så summen kan ikke regnes ut. "
        "Tallet mangler; det er ikke null."]


def test_a_kommune_sum_names_the_bydel_an_optional_table_leaves_out(kommune_sum):
    data = kommune_sum.data
    rows, table = rows_of(display_tables(data), "fodested")
    assert rows["norge"][0] == "55"  # Nord's 30 and Midt's 25; Sør's 20 are not in it
    assert rows["norge"][1] == "100,0"  # of those who answered
    assert table["missing_notes"] == [
        "Summen omfatter ikke Sør, der feltet ikke er registrert; andelene er av dem "
        "som er med."]


def test_sum_results_names_each_part_it_lacks():
    def part(n, flags, fodested):
        tables = [{"name": "planer", "kind": "flags", "rows": list(flags), "cols": ["ja"],
                   "counts": [[v] for v in flags.values()]}]
        if fodested is not None:
            tables.append({"name": "fodested", "kind": "column", "rows": ["norge"],
                           "cols": ["antall"], "counts": [[fodested]]})
        return {"n": n, "tables": tables}

    total = results_mod.sum_results(
        [part(10, {"individuell_plan": 3, "kriseplan": 1}, 10),
         part(12, {"individuell_plan": 5}, None),
         part(8, {"individuell_plan": 2, "kriseplan": 0}, 8)],
        ["A", "B", "C"])
    planer = results_mod.table(total, "planer")
    assert planer["rows"] == ["individuell_plan"] and planer["counts"] == [[10]]
    assert total[results_mod.LEFT_OUT] == {"planer": ["B"], "fodested": ["B"]}
    assert results_mod.table(total, "fodested")["counts"] == [[18]]


def test_a_sum_without_a_flag_still_protects_a_bydel_s_small_count(testkommune):
    # Nord's 3 with a plan are hidden; the sum shows no plan row (Sør never asked), so
    # nothing pins the 3, and the sum's missing row is not read as a zero to solve for.
    nord = make_round(testkommune["990101"], 2019, planned(30, 3, 27))
    midt = make_round(testkommune["990102"], 2019, planned(25, 10, 15))
    sor = make_round(testkommune["990103"], 2019, people(20))
    for runde in (nord, midt, sor):
        publish(runde)
    shown = Publisering.objects.get(runde=nord).data
    assert results_mod.andel(shown, "planer/individuell_plan/ja") == ":"
    total = Publisering.objects.current().get(unit=testkommune["9901"], year=2019).data
    assert results_mod.andel(total, "ip") is None
