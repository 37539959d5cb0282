"""Domain rules of planer, without a database (seed figures in the ids)."""

from datetime import date

import pytest

from rusfelt.core.domain.tabular import Row
from rusfelt.planer.domain import endringer, perioder, planfil, status
from rusfelt.planer.domain.endringer import Amendment

# --- periods ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021", (2021, 0)), ("2021-T2", (2021, 2)), ("2020 t3", (2020, 3)), ("2019T1", (2019, 1))],
)
def test_periods_parse(text, expected):
    assert perioder.parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "21", "2021-T4", "2021-X1"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        perioder.parse_period(text)


def test_whole_year_sorts_after_its_tertials_and_before_next_year():
    keys = [perioder.period_key(2020, t) for t in (1, 2, 3, 0)] + [perioder.period_key(2021, 1)]
    assert keys == sorted(keys)
    assert perioder.end_of_year_key(2020) == perioder.period_key(2020, 0)
    assert perioder.split_key(perioder.period_key(2020, 2)) == (2020, 2)
    assert perioder.period_label(2020, 2) == "2020 T2"


# --- status ----------------------------------------------------------------


def test_summary_counts_every_measure_once_stavanger_38():
    # Stavanger has 38 measures (seed 004 L754-800); 30 reported, 8 not.
    reported = ["pagar"] * 20 + ["gjennomfort"] * 6 + ["utsatt"] * 3 + ["ikke_startet"]
    counts = status.summary(reported + [None] * 8)
    assert sum(counts.values()) == 38
    assert counts == {
        "ikke_startet": 1, "pagar": 20, "gjennomfort": 6, "utsatt": 3, "avsluttet": 0,
        "ikke_rapportert": 8,
    }
    assert list(counts) == list(status.SUMMARY_ORDER)


def test_summary_from_database_counts_folds_unknown_into_not_reported():
    counts = status.summary_from_counts({"pagar": 5, None: 2, "rubbish": 1})
    assert counts["pagar"] == 5 and counts["ikke_rapportert"] == 3


def test_changes_list_only_measures_whose_status_moved():
    pairs = [("1", "pagar", "gjennomfort"), ("2", "pagar", "pagar"), ("3", None, "pagar")]
    moved = status.changes(pairs)
    assert [(c.key, c.before, c.after) for c in moved] == [
        ("1", "pagar", "gjennomfort"), ("3", "ikke_rapportert", "pagar"),
    ]


def test_percent_done_counts_finished_and_closed():
    assert status.percent_done({"gjennomfort": 3, "avsluttet": 1, "pagar": 4}) == 50
    assert status.percent_done({}) is None


def test_percent_done_rounds_halves_up():
    # 1 of 8 is 12,5 %: printed 13 %, not round()'s 12 % (half to even).
    assert status.percent_done({"gjennomfort": 1, "pagar": 7}) == 13
    assert status.percent_done({"gjennomfort": 28, "pagar": 14}) == 67


def test_overdue_at_the_deadline_and_one_day_past():
    deadline = date(2020, 12, 31)
    assert not status.is_overdue("pagar", date(2020, 12, 31), deadline=deadline)
    assert status.is_overdue("pagar", date(2021, 1, 1), deadline=deadline)
    assert not status.is_overdue("gjennomfort", date(2021, 1, 1), deadline=deadline)
    assert not status.is_overdue("avsluttet", date(2021, 1, 1), deadline=deadline)
    assert status.is_overdue(None, date(2021, 1, 1), deadline=deadline)


def test_overdue_by_last_year_of_the_period():
    # Stavanger's plan runs to 2023 (seed 004 L14): overdue from 2024.
    assert not status.is_overdue("pagar", date(2023, 12, 31), period_to=2023)
    assert status.is_overdue("utsatt", date(2024, 1, 1), period_to=2023)
    assert not status.is_overdue("pagar", date(2030, 1, 1))


# --- amendments ------------------------------------------------------------

ADOPTED = date(2019, 6, 17)  # seed 004 L16


def test_text_at_a_date_follows_the_change_log():
    # Tiltak 14 was changed by bystyret on 17.06.2019 (seed 004 L856).
    old, new = "To MO-sentre i planperioden.", "To MO-sentre, også digitalt utenforskap."
    amendments = [Amendment(ADOPTED, old, new)]
    assert endringer.text_at(new, amendments, date(2019, 6, 16)) == old
    assert endringer.text_at(new, amendments, ADOPTED) == new
    assert endringer.text_at(new, amendments, date(2022, 1, 1)) == new


def test_a_measure_added_by_amendment_did_not_exist_before():
    # Tiltak 38 is a new point from bystyret (seed 004 L834).
    text = "Vurdere å utvide legestillingen."
    amendments = [Amendment(ADOPTED, "", text)]
    assert endringer.text_at(text, amendments, date(2019, 1, 1)) is None


def test_two_amendments_give_three_versions():
    a1 = Amendment(date(2019, 6, 17), "A", "B")
    a2 = Amendment(date(2021, 3, 1), "B", "C")
    assert endringer.text_at("C", [a2, a1], date(2020, 1, 1)) == "B"
    assert endringer.text_at("C", [a2, a1], date(2019, 1, 1)) == "A"
    assert endringer.history("C", [a2, a1]) == [
        (None, "A"), (date(2019, 6, 17), "B"), (date(2021, 3, 1), "C"),
    ]


# --- plan file -------------------------------------------------------------


def rows(*dicts):
    return [Row(i + 2, {k: str(v) for k, v in d.items()}) for i, d in enumerate(dicts)]


def test_plan_file_parses_goals_areas_and_measures():
    plan, problems = planfil.parse(rows(
        {"type": "hovedmal", "kode": "HM1", "tekst": "Forebygge"},
        {"type": "omrade", "kode": "K2", "tekst": "Forebygging", "art": "kapittel"},
        {"type": "omrade", "kode": "T1", "tekst": "Trinn 1", "forelder": "K2", "art": "trinn"},
        {"type": "tiltak", "kode": "1", "tekst": "Ungdata", "omrade": "T1", "hovedmal": "HM1",
         "frist": "31.12.2020", "kostnad": "1 200 000", "art": "vurdere"},
    ))
    assert problems == []
    assert [a.parent for a in plan.areas] == ["", "K2"]
    m = plan.measures[0]
    assert (m.deadline, m.cost) == (date(2020, 12, 31), 1200000)
    assert (m.kind, m.goals) == ("vurdere", ["HM1"])


def test_plan_file_reports_every_problem_by_line_and_column():
    _, problems = planfil.parse(rows(
        {"type": "mål", "kode": "X", "tekst": "?"},
        {"type": "omrade", "kode": "A", "tekst": "", "forelder": "Z"},
        {"type": "tiltak", "kode": "1", "tekst": "t", "omrade": "Q", "frist": "i morgen",
         "fra_ar": "2023", "til_ar": "2019"},
        {"type": "tiltak", "kode": "1", "tekst": "t", "hovedmal": "HM9", "kostnad": "mye"},
    ))
    found = [(p.line, p.column) for p in problems]
    assert found == [
        (2, "type"), (3, "tekst"), (3, "forelder"), (4, "omrade"), (4, "frist"), (4, "til_ar"),
        (5, "kode"), (5, "hovedmal"), (5, "kostnad"),
    ]
