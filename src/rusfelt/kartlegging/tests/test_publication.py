"""Publishing as an outsider sees it: the three leaks of issue #9, the demo, the CLI.

The leak tests read only what the pages and reports show
(``services.published_results``, ``services.area_results``,
``services.key_figures``) and hand it to an outsider's linear program built
here from those outputs alone; the program is solved by
``domain.intruder`` (checked against scipy's linprog in
test_domain_publication.py).
"""

import json
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from rusfelt.kartlegging import services
from rusfelt.kartlegging.domain import intruder
from rusfelt.kartlegging.domain.levels import AREAS
from rusfelt.kartlegging.domain.linked_suppression import TableSet, build_problem
from rusfelt.kartlegging.models import Publisering, Registrering, Runde, State

BASE = {"tjeneste": "nav", "kategori": "rus_psykisk", "kjonn": "mann", "alder": 40,
        "levekarsindeks": "gul", "rop": True, "fodested": "norge", "bosituasjon": "alene",
        **{a: "gul" for a in AREAS}}


def make_round(unit, year, people: list[dict], state=State.CLOSED) -> Runde:
    runde = Runde.objects.create(
        code=f"{unit.code}-{year}", unit=unit, year=year, reference_date=date(year, 12, 31),
        state=state, hjemmel="test", formal="test", dpia_ref="test",
        tjenester=["nav", "helse_omsorg", "barnevern", "annen"])
    Registrering.objects.bulk_create([
        Registrering(runde=runde, pseudonym=f"k1:{unit.code}-{i}", **{**BASE, **p})
        for i, p in enumerate(people)])
    return runde


def people(n: int, **special_counts) -> list[dict]:
    """``n`` persons; ``field=(value, count)`` gives ``count`` of them ``value``."""
    out = [dict() for _ in range(n)]
    for field, (value, count) in special_counts.items():
        for p in out[:count]:
            p[field] = value
    return out


def publish(runde):
    return services.change_state(runde, State.PUBLISHED)


# --- The outsider ---------------------------------------------------------------------


def _table_set(set_id, data, members=()):
    tables = [{**t, "counts": [[1 if v == ":" else v for v in row] for row in t["counts"]]}
              for t in data["tables"]]
    suppressed = {(set_id, t["name"], r, c)
                  for t in data["tables"]
                  for r, row in zip(t["rows"], t["counts"], strict=True)
                  for c, v in zip(t["cols"], row, strict=True) if v == ":"}
    return TableSet(id=set_id, unit=set_id, tables=tables, members=tuple(members)), suppressed


KEY_FIGURE_CELLS = {
    "andel_levekarsindeks_gronn": [("levekarsindeks", "totalt", "gronn")],
    "andel_rod_blalys": [("levekarsindeks", "totalt", "rod"),
                         ("levekarsindeks", "totalt", "blalys")],
    "andel_bostedslos": [("levekarsomrader", "bolig", "rod")],
    "andel_individuell_plan": [("planer", "individuell_plan", "ja")],
}


def outsider_exposed(kommune, year):
    """What an outsider narrows, from the pages' and reports' published figures only."""
    sets, suppressed, shares = [], set(), []
    rounds = list(Runde.objects.filter(unit__parent=kommune, year=year, state=State.PUBLISHED))
    for runde in rounds:
        ts, hidden = _table_set(runde.code, services.published_results(runde))
        sets.append(ts)
        suppressed |= hidden
    total = services.area_results(kommune, year)
    if total is not None:
        ts, hidden = _table_set("sum", total, members=[r.code for r in rounds])
        sets.append(ts)
        suppressed |= hidden
    figures = services.key_figures(kommune, year)
    problem = build_problem(sets)
    for name, cells in (KEY_FIGURE_CELLS.items() if figures else ()):
        value = figures[name]
        if value in (":", ".."):
            continue
        numerator = tuple(("sum", *c) for c in cells)
        if not set(numerator) <= set(problem.values):
            continue
        shares.append(intruder.Share(name, numerator, (("sum", "antall", "totalt", "antall"),),
                                     Decimal(value)))
    problem.shares = shares
    return [i for i in intruder.audit(problem, suppressed) if i.exposed]


# --- The three leaks of issue #9 --------------------------------------------------------


@pytest.mark.django_db
def test_row_1_38_1_is_not_published_as_colon_38_colon(units):
    # bolig: 1 grønn, 38 gul, 1 rød of 40; zeros print as "-", so [:, 38, :] pins both.
    runde = make_round(units["030104"], 2019, people(40, bolig=("gronn", 1)))
    Registrering.objects.filter(runde=runde, pseudonym="k1:030104-39").update(bolig="rod")
    publish(runde)
    data = services.published_results(runde)
    ts, hidden = _table_set(runde.code, data)
    exposed = [i for i in intruder.audit(build_problem([ts]), hidden) if i.exposed]
    assert not exposed, [(i.key, i.text()) for i in exposed]


@pytest.mark.django_db
def test_bydel_count_is_not_given_back_by_the_kommune_sum_and_siblings(testkommune):
    # A rød count of 2 in Nord; the kommune's sum and the other bydeler are published.
    make_round(testkommune["990101"], 2019, people(30, psykisk_helse=("rod", 2)))
    make_round(testkommune["990102"], 2019, people(45, psykisk_helse=("rod", 20)))
    make_round(testkommune["990103"], 2019, people(38, psykisk_helse=("rod", 11)))
    for runde in Runde.objects.filter(unit__parent=testkommune["9901"]).order_by("code"):
        publish(runde)
    exposed = outsider_exposed(testkommune["9901"], 2019)
    assert not exposed, [(i.key, i.text()) for i in exposed]


@pytest.mark.django_db
def test_a_flag_colon_is_not_pinned_once_the_kommune_table_is_published(testkommune):
    # Overdose (a flags table): 2 in Midt, 9 and 14 in the others.
    make_round(testkommune["990101"], 2019, people(30, overdose=(True, 9)))
    make_round(testkommune["990102"], 2019, people(45, overdose=(True, 2)))
    make_round(testkommune["990103"], 2019, people(38, overdose=(True, 14)))
    for runde in Runde.objects.filter(unit__parent=testkommune["9901"]).order_by("code"):
        publish(runde)
    exposed = outsider_exposed(testkommune["9901"], 2019)
    assert not exposed, [(i.key, i.text()) for i in exposed]


# --- Publishing -----------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_stores_the_pattern_with_the_method(testkommune):
    runde = make_round(testkommune["990101"], 2019, people(30, psykisk_helse=("rod", 2)))
    publish(runde)
    pub = Publisering.objects.get(runde=runde)
    assert pub.metode == "rusfelt-gauss-lp-v2" and pub.terskel == 4
    area = next(t for t in pub.data["tables"] if t["name"] == "levekarsomrader")
    row = area["counts"][area["rows"].index("psykisk_helse")]
    assert row[2] == ":" and row.count(":") >= 2  # rød and a partner


@pytest.mark.django_db
def test_the_kommune_sum_is_published_with_the_last_bydel(testkommune):
    rounds = [make_round(testkommune[c], 2019, people(20 + i)) for i, c in
              enumerate(["990101", "990102", "990103"])]
    publish(rounds[0])
    publish(rounds[1])
    assert services.area_results(testkommune["9901"], 2019) is None  # no partial sums
    publish(rounds[2])
    total = services.area_results(testkommune["9901"], 2019)
    assert total["n"] == 20 + 21 + 22
    assert set(total["members"]) == {r.code for r in rounds}


@pytest.mark.django_db
def test_publishing_refuses_and_stores_nothing_when_the_intruder_finds_a_cell(
        testkommune, monkeypatch):
    runde = make_round(testkommune["990101"], 2019, people(30, psykisk_helse=("rod", 2)))
    from rusfelt.kartlegging.services import publication

    # A pattern from a broken method: only the primary cell.
    monkeypatch.setattr(publication, "protect",
                        lambda problem: ({k for k, v in problem.values.items()
                                          if 0 < v <= 4}, []))
    with pytest.raises(services.KartleggingError, match="Ingenting er publisert"):
        publish(runde)
    runde.refresh_from_db()
    assert runde.state == State.CLOSED
    assert not Publisering.objects.exists()


@pytest.mark.django_db
def test_threshold_is_a_setting(testkommune, settings):
    settings.RUSFELT_SUPPRESSION_THRESHOLD = 6
    runde = make_round(testkommune["990101"], 2019, people(30, psykisk_helse=("rod", 6)))
    publish(runde)
    data = services.published_results(runde)
    area = next(t for t in data["tables"] if t["name"] == "levekarsomrader")
    assert area["counts"][area["rows"].index("psykisk_helse")][2] == ":"
    assert Publisering.objects.get(runde=runde).terskel == 6


@pytest.mark.django_db
def test_a_share_is_suppressed_with_its_count(testkommune):
    runde = make_round(testkommune["990101"], 2019, people(30, bolig=("rod", 3)))
    publish(runde)
    data = services.published_results(runde)
    shares = {a["navn"]: a["verdi"] for a in data["andeler"]}
    assert shares["bolig_rod"] == ":"
    assert shares["levekarsomrader/bolig/rod"] == ":"
    assert shares["levekarsomrader/psykisk_helse/gul"] == "100.0"


# --- Command line ---------------------------------------------------------------------


@pytest.mark.django_db
def test_revisjon_prints_each_suppressed_cell_and_exits_0_when_safe(testkommune, capsys):
    for i, code in enumerate(["990101", "990102", "990103"]):
        # Overdose registered for everyone (a flag registered for some is not shown).
        make_round(testkommune[code], 2019,
                   [{"overdose": j < 2 + 5 * i} for j in range(25 + 7 * i)])
    for runde in Runde.objects.filter(unit__parent=testkommune["9901"]).order_by("code"):
        publish(runde)
    call_command("kartlegging", "revisjon", "--enhet", "9901", "--ar", "2019")
    out = capsys.readouterr().out
    assert "990101-2019/risiko/overdose/ja" in out
    assert "0 avslørt" in out


@pytest.mark.django_db
def test_revisjon_exits_1_when_a_cell_is_exposed(testkommune):
    runde = make_round(testkommune["990101"], 2019, people(40))
    publish(runde)
    pub = Publisering.objects.get(runde=runde)
    # Tamper with the stored publication: [:, 38, :] as the old suppression printed it.
    area = next(t for t in pub.data["tables"] if t["name"] == "levekarsomrader")
    area["counts"][0] = [":", 38, ":"]
    pub.save()
    with pytest.raises(SystemExit) as exc:
        call_command("kartlegging", "revisjon", "--enhet", "990101", "--ar", "2019")
    assert exc.value.code == 1


@pytest.mark.django_db
def test_publisert_json_has_the_issue_shape(testkommune, capsys):
    for i, code in enumerate(["990101", "990102", "990103"]):
        make_round(testkommune[code], 2019, people(25 + 7 * i, bolig=("rod", 2 + 5 * i)))
    for runde in Runde.objects.filter(unit__parent=testkommune["9901"]).order_by("code"):
        publish(runde)
    call_command("kartlegging", "publisert", "--enhet", "9901", "--ar", "2019",
                 "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert set(data["enheter"]) == {"9901", "990101", "990102", "990103"}
    nord = data["enheter"]["990101"]
    assert nord["overordnet"] == "9901" and data["enheter"]["9901"]["overordnet"] is None
    assert nord["n"] == 25
    table = next(t for t in nord["tabeller"] if t["navn"] == "levekarsomrader")
    assert set(table) == {"navn", "rader", "kolonner", "celler", "radsum_er_n",
                          "kolonnesum_er_n"}
    assert table["radsum_er_n"] is True
    assert table["celler"][0][2] == ":"  # bolig rød: 2
    assert all(v in (":", "-") or isinstance(v, int) for row in table["celler"] for v in row)
    share = next(a for a in nord["andeler"] if a["navn"] == "bolig_rod")
    assert share == {"navn": "bolig_rod", "tabell": "levekarsomrader", "rad": "bolig",
                     "kolonne": "rod", "verdi": ":", "desimaler": 1, "nevner": "n"}
    # A parent's table is the sum of its children's where they are published.
    total = next(t for t in data["enheter"]["9901"]["tabeller"] if t["navn"] == "kjonn")
    assert total["celler"][0][0] == 25 + 32 + 39


# --- Property: random kommuner, published and attacked ------------------------------------


@pytest.mark.django_db
def test_random_kommuner_publish_without_an_exposed_cell(testkommune):
    """A few random kommuner through the real publishing path (the domain property
    test covers 2-15 bydeler; this one the storage, shares and rates)."""
    rng = random.Random(9)
    for year in (2019, 2020):
        for code in ["990101", "990102", "990103"]:
            n = rng.choice([3, 9, 26, 70])
            persons = [{
                "bolig": rng.choices(["gronn", "gul", "rod"], (0.2, 0.7, 0.1))[0],
                "psykisk_helse": rng.choices(["gronn", "gul", "rod"], (0.1, 0.6, 0.3))[0],
                "kjonn": rng.choices(["mann", "kvinne"], (0.8, 0.2))[0],
                "overdose": rng.random() < 0.05,
                "individuell_plan": rng.random() < 0.2,
            } for _ in range(n)]
            make_round(testkommune[code], year, persons)
        for runde in Runde.objects.filter(unit__parent=testkommune["9901"], year=year):
            publish(runde)
        own, elsewhere, _pubs = services.revisjon(testkommune["9901"], year)
        assert not [i for i in own + elsewhere if i.exposed]
        assert not outsider_exposed(testkommune["9901"], year)


# --- Republishing a reopened round (issue #9) ---------------------------------------------


def reopen(runde):
    return services.change_state(runde, State.CLOSED, reason="Retting av registreringer")


def shown_and_hidden(data):
    cells = {(t["name"], r, c): v for t in data["tables"]
             for r, row in zip(t["rows"], t["counts"], strict=True)
             for c, v in zip(t["cols"], row, strict=True)}
    return ({k: v for k, v in cells.items() if v != ":"},
            {k for k, v in cells.items() if v == ":"})


@pytest.mark.django_db
def test_a_republished_round_keeps_the_earlier_pattern_and_numbers(testkommune):
    # Nord: rød 2 and 3 in two areas (hidden); moving one person between hidden
    # cells changes nothing shown, so it may be published again.
    runde = make_round(testkommune["990101"], 2019,
                       people(30, psykisk_helse=("rod", 2), bolig=("rod", 3)))
    publish(runde)
    first = services.published_results(runde)
    reopen(runde)
    reg = Registrering.objects.filter(runde=runde, psykisk_helse="rod").first()
    Registrering.objects.filter(pk=reg.pk).update(psykisk_helse="gronn")
    publish(runde)
    second = services.published_results(runde)
    assert Publisering.objects.current().get(runde=runde).set_id == "990101-2019#2"
    old_shown, old_hidden = shown_and_hidden(first)
    new_shown, new_hidden = shown_and_hidden(second)
    # An outsider holding both releases: every old ":" is still ":", every old
    # number is the same number, so the two together tell no more than the new one.
    assert old_hidden <= new_hidden
    assert all(new_shown.get(k) == v for k, v in old_shown.items())
    own, elsewhere, _pubs = services.revisjon(testkommune["990101"], 2019)
    assert not [i for i in own + elsewhere if i.exposed]


@pytest.mark.django_db
def test_a_republication_that_changes_a_shown_number_is_refused(testkommune):
    runde = make_round(testkommune["990101"], 2019, people(30, psykisk_helse=("rod", 2)))
    publish(runde)
    reopen(runde)
    # One more registration: n (shown, 30) becomes 31 and each of the person's
    # categories +1; the difference of the releases would describe that person.
    Registrering.objects.create(runde=runde, pseudonym="k1:ny", **BASE)
    with pytest.raises(services.KartleggingError, match="endret siden forrige publisering"):
        publish(runde)
    runde.refresh_from_db()
    assert runde.state == State.CLOSED
    assert not Publisering.objects.current().filter(runde=runde).exists()
    assert Publisering.objects.filter(runde=runde).count() == 1


@pytest.mark.django_db
def test_republishing_the_last_bydel_publishes_the_kommune_sum_again(testkommune):
    rounds = [make_round(testkommune[c], 2019, people(20 + 5 * i, bolig=("rod", 2 + i)))
              for i, c in enumerate(["990101", "990102", "990103"])]
    for runde in rounds:
        publish(runde)
    first = services.area_results(testkommune["9901"], 2019)
    reopen(rounds[2])
    assert services.area_results(testkommune["9901"], 2019) is None  # withdrawn with it
    publish(rounds[2])
    second = services.area_results(testkommune["9901"], 2019)
    assert second["set_id"] == "9901-2019-sum#2"
    old_shown, old_hidden = shown_and_hidden(first)
    new_shown, new_hidden = shown_and_hidden(second)
    assert old_hidden <= new_hidden
    assert all(new_shown.get(k) == v for k, v in old_shown.items())
