"""The rule "which years form a continuous segment", on the seeds' series."""

from rusfelt.core.domain.serier import (
    Brudd,
    BruddType,
    Reform,
    build_series,
    with_history,
)

# Seed 004 L327-348: Stavanger mapped 2010-2012, 2014-2016 and 2018.
STAVANGER_YEARS = [2010, 2011, 2012, 2014, 2015, 2016, 2018]
AGE_GROUPS = Brudd(2015, "Aldersgruppene endret (seed 004 L348)", BruddType.ALDERSGRUPPER)
POPULATION = Brudd(2018, "Også brukere med primært psykiske problemer (seed 004 L325)",
                   BruddType.POPULASJON)


def stavanger():
    return build_series(STAVANGER_YEARS, [AGE_GROUPS, POPULATION],
                        default_missing_reason="Ikke kartlagt")


def test_stavanger_has_a_row_for_every_year_with_the_gaps_not_mapped():
    series = stavanger()
    assert [y.year for y in series] == list(range(2010, 2019))
    assert [(y.year, y.missing_reason) for y in series.gaps] == [
        (2013, "Ikke kartlagt"), (2017, "Ikke kartlagt")]


def test_the_break_years_carry_ssbs_symbol_and_the_others_do_not():
    labels = {y.year: y.label for y in stavanger()}
    assert labels[2015] == "2015 |"
    assert labels[2018] == "2018 |"
    assert labels[2014] == "2014"
    assert labels[2016] == "2016"


def test_stavanger_segments_split_at_each_gap_and_each_break():
    assert stavanger().segments == [[2010, 2011, 2012], [2014], [2015, 2016], [2018]]


def test_no_change_across_a_break_or_a_gap_and_the_reason_is_given():
    series = stavanger()
    assert series.comparable(2015, 2016)
    assert series.comparable(2010, 2012)
    assert not series.comparable(2014, 2015)  # age groups changed
    assert "Aldersgruppene" in series.why_not_comparable(2014, 2015)
    assert not series.comparable(2016, 2018)  # 2017 not mapped, 2018 widened
    assert "psykiske" in series.why_not_comparable(2016, 2018)
    assert not series.comparable(2012, 2014)
    assert series.why_not_comparable(2012, 2014) == "2013: Ikke kartlagt"
    assert series.why_not_comparable(2015, 2016) == ""


def test_footnotes_list_breaks_and_gaps_in_year_order():
    assert stavanger().footnotes() == [
        "2013 .. Ikke kartlagt",
        "2015 | Aldersgruppene endret (seed 004 L348)",
        "2017 .. Ikke kartlagt",
        "2018 | Også brukere med primært psykiske problemer (seed 004 L325)",
    ]


def test_a_definition_break_in_an_indicator_series():
    # Seed 001 L387, L1302: indicator 32 changed its answer categories in 2018.
    series = build_series([2017, 2018], [Brudd(2018, "Nye svarkategorier",
                                               BruddType.DEFINISJON)])
    assert series.segments == [[2017], [2018]]
    assert not series.comparable(2017, 2018)


def test_a_rule_break_moves_to_the_next_year_with_data_and_one_before_the_start_is_dropped():
    series = build_series([2016, 2017, 2019], [Brudd(2018, "Ny regel", BruddType.REGEL),
                                               Brudd(2016, "før starten")])
    assert [y.label for y in series] == ["2016", "2017", "2018", "2019 |"]
    assert series.breaks == [Brudd(2018, "Ny regel", BruddType.REGEL)]


def test_the_window_bounds_the_series():
    series = build_series(STAVANGER_YEARS, [AGE_GROUPS], first=2014, last=2016)
    assert [y.label for y in series] == ["2014", "2015 |", "2016"]


def test_an_empty_series():
    assert len(build_series([])) == 0


def test_units_with_the_same_years_and_breaks_share_one_series():
    """A national indicator page asks for ~360 units' series, nearly all alike: equal
    questions get the one frozen ``Series``, different ones their own (issue 12)."""
    one = build_series({2017: "a", 2018: "b", 2020: "c"}, [], {},
                       default_missing_reason="Ingen verdi")
    again = build_series([2020, 2018, 2017, 2018], (), default_missing_reason="Ingen verdi")
    assert again is one
    assert [(y.year, y.present, y.segment, y.missing_reason) for y in one] == [
        (2017, True, 0, ""), (2018, True, 0, ""), (2019, False, None, "Ingen verdi"),
        (2020, True, 1, "")]
    broken = build_series([2017, 2018, 2020], [Brudd(2018, "Ny definisjon")],
                          default_missing_reason="Ingen verdi")
    assert broken is not one and broken.segments == [[2017], [2018], [2020]]
    told = build_series([2017, 2018, 2020], [], {2019: "Ikke levert"},
                        default_missing_reason="Ingen verdi")
    assert told.get(2019).missing_reason == "Ikke levert" and one.get(2019).missing_reason == (
        "Ingen verdi")
    assert build_series([2017, 2018, 2020], default_missing_reason="..").get(2019) != (
        one.get(2019))


# --- Units through reforms ------------------------------------------------------

BERGEN = Reform(2020, "4601", ("1201",), "Ny kode fra 2020, før Bergen (1201)")
STAVANGER_MERGER = Reform(2020, "1103", ("1141", "1142"),
                          "Slått sammen med Finnøy (1141) og Rennesøy (1142) fra 2020")


def test_a_renumbered_unit_reaches_back_through_its_predecessor_with_a_break():
    values = {"1201": {2016: 58, 2017: 57, 2018: 55}, "4601": {2020: 54}}
    joined, breaks = with_history("4601", values, {"4601": [BERGEN]})
    assert joined == {2016: ("1201", 58), 2017: ("1201", 57), 2018: ("1201", 55),
                      2020: ("4601", 54)}
    assert breaks == [Brudd(2020, BERGEN.reason, BruddType.ENHET)]
    series = build_series(joined, breaks)
    assert [y.label for y in series] == ["2016", "2017", "2018", "2019", "2020 |"]
    assert not series.comparable(2018, 2020)


def test_a_merger_keeps_the_successors_own_history_and_adds_no_other_units_figures():
    values = {"1103": {2018: 60, 2020: 59}, "1141": {2018: 40}, "1142": {2018: 45}}
    joined, breaks = with_history("1103", values, {"1103": [STAVANGER_MERGER]})
    assert joined == {2018: ("1103", 60), 2020: ("1103", 59)}
    assert [b.year for b in breaks] == [2020]


def test_a_merger_into_a_new_code_has_no_single_history():
    values = {"1141": {2018: 40}, "1142": {2018: 45}, "9999": {2020: 41}}
    reform = Reform(2020, "9999", ("1141", "1142"), "Sammenslått")
    joined, _breaks = with_history("9999", values, {"9999": [reform]})
    assert joined == {2020: ("9999", 41)}


def test_chains_of_reforms_are_followed():
    values = {"A": {2010: 1}, "B": {2015: 2}, "C": {2021: 3}}
    reforms = {"C": [Reform(2020, "C", ("B",), "B→C")], "B": [Reform(2012, "B", ("A",), "A→B")]}
    joined, breaks = with_history("C", values, reforms)
    assert [code for code, _v in joined.values()] == ["A", "B", "C"]
    assert sorted(b.year for b in breaks) == [2012, 2020]
