"""Domain rules of kartlegging, with the seeds' numbers. No database."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rusfelt.kartlegging.domain import suppression
from rusfelt.kartlegging.domain.classification import counts_as_rus_rop, is_rop
from rusfelt.kartlegging.domain.levekarsindeks import RULE_V1, levekarsindeks
from rusfelt.kartlegging.domain.levels import Level, parse_level
from rusfelt.kartlegging.domain.person import InvalidNumber, person_from_number
from rusfelt.kartlegging.domain.pseudonym import RoundHasher, pseudonym
from rusfelt.kartlegging.domain.shares import age_band, share

G, Y, R = Level.GRONN, Level.GUL, Level.ROD

# A valid fødselsnummer from python-stdnum's own documentation (woman, 15.10.1986).
FNR_WOMAN = "15108695088"
# A d-nummer (day + 40) of the same kind, generated for the tests.
DNR = "55108612345"


# --- Pseudonym --------------------------------------------------------------


def test_pseudonym_is_versioned_hmac_and_differs_per_round():
    a = pseudonym(FNR_WOMAN, "030104-2019", "secret")
    b = pseudonym(FNR_WOMAN, "030104-2020", "secret")
    assert a.startswith("k1:") and len(a) == 3 + 64
    assert a != b
    assert a == pseudonym(FNR_WOMAN, "030104-2019", "secret")
    assert a != pseudonym(FNR_WOMAN, "030104-2019", "other secret")
    assert FNR_WOMAN not in a


def test_the_import_hasher_is_hmac_sha256_keyed_per_round():
    """The keyed HMAC copied per number gives what the standard library gives for
    the round's key (itself HMAC(secret, "rusfelt.kartlegging:" + round code))."""
    import hashlib
    import hmac

    key = hmac.new(b"secret", b"rusfelt.kartlegging:030104-2019", hashlib.sha256).digest()
    hasher = RoundHasher("030104-2019", "secret")
    for number in (FNR_WOMAN, "01017000027"):
        expected = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
        assert hasher(number) == f"k1:{expected}" == pseudonym(number, "030104-2019", "secret")


def test_pseudonym_refuses_an_empty_key():
    with pytest.raises(ValueError):
        pseudonym(FNR_WOMAN, "030104-2019", "")


# --- Fødselsnummer ------------------------------------------------------------


def test_age_at_reference_date_and_legal_sex_from_the_number():
    person = person_from_number("151086 95088", date(2019, 12, 31))
    assert person.age == 33
    assert person.sex == "kvinne"
    # The day before the birthday the person is one year younger.
    assert person_from_number(FNR_WOMAN, date(2019, 10, 14)).age == 32


@settings(max_examples=300, deadline=None)
@given(birth=st.dates(date(1900, 1, 1), date(2039, 12, 31)),
       individual=st.integers(0, 999), d_number=st.booleans(),
       separators=st.sampled_from(["", " ", "-"]))
def test_sex_and_compact_form_agree_with_stdnum(birth, individual, d_number, separators):
    """The fast paths (compact 11 digits, sex from digit 9) against python-stdnum itself."""
    from stdnum.no import fodselsnummer

    from rusfelt.kartlegging.domain.person import compact

    day = birth.day + (40 if d_number else 0)
    base = f"{day:02d}{birth:%m}{birth.year % 100:02d}{individual:03d}"
    k1 = fodselsnummer.calc_check_digit1(base)
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    number = base + k1 + k2
    typed = number[:6] + separators + number[6:]
    assert compact(typed) == fodselsnummer.compact(typed)
    if not fodselsnummer.is_valid(number) or fodselsnummer.get_birth_date(number) != birth:
        return
    person = person_from_number(typed, date(birth.year + 1, 12, 31))
    assert person.sex == ("mann" if fodselsnummer.get_gender(number) == "M" else "kvinne")


def test_d_nummer_is_accepted_when_stdnum_accepts_it():
    from stdnum.no import fodselsnummer

    # Build a valid d-nummer: day 15 + 40, individual number 123 (odd digit 3: mann).
    base = "551086123"
    d1 = fodselsnummer.calc_check_digit1(base)
    d2 = fodselsnummer.calc_check_digit2(base + d1)
    number = base + d1 + d2
    if d1 == "10" or d2 == "10" or len(number) != 11:
        pytest.skip("this base gives no valid check digit")
    person = person_from_number(number, date(2019, 12, 31))
    assert person.sex == "mann" and person.age == 33


@pytest.mark.parametrize("bad", ["15108695077", "1510869508", "abcdefghijk", "", "99999999999"])
def test_invalid_numbers_are_refused_without_echoing_them(bad):
    with pytest.raises(InvalidNumber) as info:
        person_from_number(bad, date(2019, 12, 31))
    if bad:
        assert bad not in str(info.value)


def test_a_person_born_after_the_reference_date_is_refused():
    with pytest.raises(InvalidNumber):
        person_from_number(FNR_WOMAN, date(1985, 12, 31))


def _generated_numbers(rng, n):
    """``n`` (number, reference date, allow_synthetic): valid and invalid numbers of
    every kind stdnum knows (fødselsnummer, d-, H-, FH- and synthetic numbers), with
    check digits from stdnum itself, some of them wrong, and reference dates around
    birthdays, 29 February and the 120-year limit."""
    from datetime import timedelta

    from stdnum.no import fodselsnummer

    days = [*range(0, 33), *range(40, 73), 80, 85, 99]
    months = [*range(0, 14), *range(40, 54), *range(80, 94), 99]
    for _ in range(n):
        base = (f"{rng.choice(days):02d}{rng.choice(months):02d}{rng.randrange(100):02d}"
                f"{rng.randrange(1000):03d}")
        k1 = fodselsnummer.calc_check_digit1(base)
        if len(k1) > 1 or rng.random() < 0.1:
            k1 = str(rng.randrange(10))
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if len(k2) > 1 or rng.random() < 0.1:
            k2 = str(rng.randrange(10))
        number = base + k1 + k2
        kind = rng.random()
        if kind < 0.3:  # around the person's own birthday, or 120 years on
            try:
                birth = fodselsnummer.get_birth_date(
                    number[:2] + f"{int(number[2:4]) % 40 or 1:02d}" + number[4:])
            except Exception:
                birth = date(1990, 6, 15)
            years = rng.choice([0, 1, 17, 60, 119, 120, 121])
            try:
                ref = birth.replace(year=birth.year + years)
            except ValueError:  # 29 February
                ref = date(birth.year + years, 3, 1)
            ref += timedelta(days=rng.choice([-1, 0, 1]))
        elif kind < 0.4:
            ref = date(rng.choice([2000, 2016, 2020, 2024, 2028]), 2, 29)
        else:
            ref = date(rng.randrange(1900, 2041), rng.randrange(1, 13), rng.randrange(1, 29))
        yield number, ref, rng.random() < 0.5


def test_the_imports_number_check_is_exactly_as_strict_as_stdnum():
    """``NumberCheck`` (integer arithmetic) gives what ``person_from_number`` (python-
    stdnum) gives, on 15 000 generated numbers: the same age and sex, and a refusal,
    with the same message, exactly where the reference refuses."""
    import random

    from rusfelt.kartlegging.domain.person import NumberCheck

    rng = random.Random(12)
    outcomes = {"valid": 0, "refused": 0}
    rules = set()
    for number, ref, synthetic in _generated_numbers(rng, 15_000):
        check = NumberCheck(ref, allow_synthetic=synthetic)
        try:
            person = person_from_number(number, ref, allow_synthetic=synthetic)
        except InvalidNumber as exc:
            assert check.fast(number) is None, (number, ref, synthetic)
            with pytest.raises(InvalidNumber) as info:
                check(number)
            assert (str(info.value), info.value.rule) == (str(exc), exc.rule)
            outcomes["refused"] += 1
            rules.add(exc.rule)
            continue
        assert check.fast(number) == (person.age, person.sex), (number, ref, synthetic)
        assert check(number) == (person.age, person.sex)
        outcomes["valid"] += 1
    # The generator reached both sides and every refusal an 11-digit number can get.
    assert min(outcomes.values()) > 2_000, outcomes
    assert rules == {"check_digits", "fh_number", "synthetic", "date", "individual_number",
                     "future", "too_old"}, rules


@pytest.mark.parametrize("typed", ["151086 95088", "151086-95088", "1510869508８",
                                   "", "1510869508", "abcdefghijk"])
def test_the_imports_number_check_leaves_other_forms_to_stdnum(typed):
    from rusfelt.kartlegging.domain.person import NumberCheck

    check = NumberCheck(date(2019, 12, 31))
    assert check.fast(typed) is None
    try:
        expected = person_from_number(typed, date(2019, 12, 31))
    except InvalidNumber as exc:
        with pytest.raises(InvalidNumber, match=str(exc)):
            check(typed)
    else:
        assert check(typed) == (expected.age, expected.sex)


# --- Category and ROP -----------------------------------------------------------


def test_anyone_with_a_substance_problem_counts_as_rus_rop():
    # seed 004 L350
    assert counts_as_rus_rop("rus") and counts_as_rus_rop("rus_psykisk")
    assert not counts_as_rus_rop("psykisk")


@pytest.mark.parametrize(
    ("rus", "psyk", "expected"),
    [
        pytest.param(R, R, True, id="004-L356-rod-rod-27"),
        pytest.param(R, Y, True, id="004-L357-rod-gul-38"),
        pytest.param(Y, R, True, id="004-L358-gul-rod-28"),
        pytest.param(Y, Y, False, id="gul-gul"),
        pytest.param(R, G, False, id="rod-gronn"),
        pytest.param(G, R, False, id="gronn-rod"),
        pytest.param(G, G, False, id="gronn-gronn"),
    ],
)
def test_rop_by_the_brukerplan_definition(rus, psyk, expected):
    assert is_rop(rus, psyk) is expected


def test_rop_combinations_of_stavanger_2018_add_up_to_93():
    # seed 004 L352-360: 27 + 38 + 28 = 93 ROP users among 602 rus + psykisk.
    combos = [(R, R)] * 27 + [(R, Y)] * 38 + [(Y, R)] * 28 + [(Y, Y)] * 300 + [(G, R)] * 209
    assert sum(is_rop(a, b) for a, b in combos) == 93
    assert share(93, 602) == Decimal("15.4")  # printed «15 %»


# --- Levels and levekårsindeks --------------------------------------------------


@pytest.mark.parametrize("text", ["gronn", "grønn", "GRØNN", " gul ", "rod", "rød"])
def test_levels_accept_norwegian_letters(text):
    assert parse_level(text) in (G, Y, R)


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        parse_level("blå")


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([G] * 8, "gronn"),
        ([G] * 7 + [Y], "gronn"),  # score 9
        ([G] * 6 + [Y] * 2, "gul"),  # 10
        ([G] * 3 + [Y] * 4 + [R], "gul"),  # 14
        ([G] * 2 + [Y] * 5 + [R], "rod"),  # 15
        ([Y] * 4 + [R] * 4, "rod"),  # 20
        ([Y] * 3 + [R] * 5, "blalys"),  # 21
        ([R] * 8, "blalys"),
    ],
)
def test_levekarsindeks_v1_bands(levels, expected):
    assert levekarsindeks(levels, RULE_V1) == expected


def test_levekarsindeks_needs_all_eight_areas():
    with pytest.raises(ValueError):
        levekarsindeks([G] * 7)


# --- Shares and age bands -----------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        pytest.param(215, 319, Decimal("67.4"), id="003-L270-bolig-gronn-67"),
        pytest.param(146, 319, Decimal("45.8"), id="003-L288-arbeid-rod-46"),
        pytest.param(77, 319, Decimal("24.1"), id="003-L322-rus-rod-24"),
    ],
)
def test_shares_match_the_seed(count, total, expected):
    assert share(count, total) == expected


def test_share_of_nothing_is_none():
    assert share(0, 0) is None


def test_age_bands_of_seed_003():
    assert [age_band(a) for a in (16, 29, 30, 59, 60, 90)] == [
        "16-29", "16-29", "30-59", "30-59", "60+", "60+"]


# --- Suppression -----------------------------------------------------------------


def test_primary_and_secondary_suppression_in_one_row():
    shown, total = suppression.suppress_vector([3, 200, 10])
    assert shown == [":", 200, ":"]
    assert total == 213


def test_no_suppression_without_small_counts():
    shown, total = suppression.suppress_vector([215, 75, 29])  # seed 003 L270-272
    assert shown == [215, 75, 29] and total == 319


def test_zero_is_not_suppressed():
    shown, _ = suppression.suppress_vector([0, 40, 12])
    assert shown == [0, 40, 12]


def _rank(rows):
    """Rank of a matrix of Fractions (independent of the module's own solver)."""
    m = [list(r) for r in rows if any(r)]
    rank, col = 0, 0
    ncols = len(m[0]) if m else 0
    while rank < len(m) and col < ncols:
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(rank + 1, len(m)):
            f = m[i][col] / m[rank][col]
            m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
        col += 1
    return rank


def _recomputable(cells, table):
    """Suppressed interior cells that published totals determine exactly."""
    rows, cols = len(cells), len(cells[0])
    unknown = [(r, c) for r in range(rows) for c in range(cols) if table.cells[r][c] == ":"]
    if table.row_totals is not None:
        unknown += [(r, cols) for r in range(rows) if table.row_totals[r] == ":"]
    if table.col_totals is not None:
        unknown += [(rows, c) for c in range(cols) if table.col_totals[c] == ":"]
    if table.total == ":":
        unknown.append((rows, cols))
    idx = {p: i for i, p in enumerate(unknown)}
    eqs = []

    def eq(positions, total_pos):
        row = [Fraction(0)] * len(unknown)
        for p in positions:
            if p in idx:
                row[idx[p]] += 1
        if total_pos in idx:
            row[idx[total_pos]] -= 1
        eqs.append(row)

    if table.row_totals is not None:
        for r in range(rows):
            eq([(r, c) for c in range(cols)], (r, cols))
    if table.col_totals is not None:
        for c in range(cols):
            eq([(r, c) for r in range(rows)], (rows, c))
    if table.total is not None:
        eq([(r, cols) for r in range(rows)], (rows, cols))
    base = _rank(eqs) if eqs else 0
    found = []
    for p, i in idx.items():
        unit = [Fraction(int(j == i)) for j in range(len(unknown))]
        if _rank(eqs + [unit]) == base:
            found.append(p)
    return found


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 40), min_size=cols, max_size=cols), min_size=1, max_size=5
        )
    )
)
def test_suppressed_cells_can_never_be_recomputed_from_totals(cells):
    table = suppression.suppress(cells)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if 1 <= value <= 4:
                assert table.cells[r][c] == ":"
            elif table.cells[r][c] != ":":
                assert table.cells[r][c] == value
    assert _recomputable(cells, table) == []
