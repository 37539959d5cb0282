"""The person behind a fødselsnummer or d-nummer: age and legal sex only.

The number is validated with python-stdnum (never a hand-written mod 11):
its check-digit functions and its birth-date rules. Each refusal names the
rule that failed (length, check digits, birth date, individual number,
age), so that whoever typed it knows what to look at.

Error messages never contain the number (CamCOPS cc_validators' warning):
the caller may show them next to a field, in a log or in an import report.

Kinds of number (Skatteetaten; no.wikipedia.org/wiki/Fødselsnummer):

* fødselsnummer: DDMMYY + individual number (3 digits) + 2 check digits;
* d-nummer: day + 40, given to people without a fødselsnummer;
* H-nummer: month + 40, a temporary help number from the health services.
  It is accepted, but it is not the person's lasting identity: if another
  service registers the same person with their fødselsnummer, the person is
  counted twice in the round. The form and the README say so;
* FH-nummer: first digit 8 or 9, carries no birth date: refused;
* synthetic test numbers (Skatteetaten's Tenor test data): month + 80.
  Accepted only when the caller allows them (demo and test settings).
"""

from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer

#: A person born more than this many years before the reference date is refused.
MAX_AGE_YEARS = 120
SYNTHETIC_MONTH_OFFSET = 80  # Skatteetaten's synthetic test numbers (Tenor)
H_MONTH_OFFSET = 40


class InvalidNumber(ValueError):
    """The number is not a valid fødselsnummer or d-nummer. Never holds the number.

    ``rule`` names the rule that failed: ``missing``, ``format``,
    ``check_digits``, ``fh_number``, ``synthetic``, ``date``,
    ``individual_number``, ``future`` or ``too_old``.
    """

    def __init__(self, message: str, rule: str = ""):
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class Person:
    age: int  # whole years at the round's reference date
    sex: str  # "mann" or "kvinne": legal sex from the individual number


def compact(number: str) -> str:
    # Eleven ASCII digits are already compact (stdnum's compact() only removes
    # separators and maps look-alike Unicode characters); skipping it saves most
    # of the time of a large import's check.
    if number and len(number) == 11 and number.isascii() and number.isdigit():
        return number
    return fodselsnummer.compact(number or "")


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_synthetic(value: str) -> bool:
    """Month + 80 (Skatteetaten's synthetic test numbers), on a compact number."""
    return int(value[2:4]) > SYNTHETIC_MONTH_OFFSET


def is_h_number(value: str) -> bool:
    """Month + 40 (a temporary help number), on a compact, non-synthetic number."""
    return H_MONTH_OFFSET < int(value[2:4]) <= SYNTHETIC_MONTH_OFFSET


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def birth_date(value: str, *, allow_synthetic: bool = False) -> date:
    """The birth date of a compact number whose check digits are right.

    Raises InvalidNumber naming the part of the number that is wrong.
    """
    if int(value[0]) >= 8:
        raise InvalidNumber("FH-nummer har ingen fødselsdato og kan ikke brukes her.",
                            "fh_number")
    if is_synthetic(value):
        if not allow_synthetic:
            raise InvalidNumber(
                "Nummeret er et syntetisk testnummer (måned + 80). Slike godtas bare i "
                "demo- og testinstallasjoner.", "synthetic")
        month = int(value[2:4]) - SYNTHETIC_MONTH_OFFSET
        value = f"{value[:2]}{month:02d}{value[4:]}"
    try:
        return fodselsnummer.get_birth_date(value)
    except ValidationError as exc:
        # stdnum says "century cannot be determined" when the individual number
        # (digits 7-9) belongs to no century with this two-digit year.
        if "century" in str(exc):
            raise InvalidNumber(
                "Individnummeret (siffer 7–9) passer ikke med fødselsåret.",
                "individual_number") from None
        raise InvalidNumber("Fødselsdatoen i nummeret (siffer 1–6) finnes ikke.",
                            "date") from None


def person_from_number(number: str, reference_date: date, *,
                       allow_synthetic: bool = False) -> Person:
    """Validate ``number`` and derive age at ``reference_date`` and legal sex.

    Raises InvalidNumber (with a bokmål message, without the number).
    """
    value = compact(number)
    if not value:
        raise InvalidNumber("Fødselsnummer mangler.", "missing")
    if len(value) != 11 or not value.isdigit():
        raise InvalidNumber("Fødselsnummeret må ha 11 siffer.", "format")
    if (value[9] != fodselsnummer.calc_check_digit1(value)
            or value[10] != fodselsnummer.calc_check_digit2(value)):
        raise InvalidNumber("Kontrollsifrene (siffer 10 og 11) stemmer ikke.",
                            "check_digits")
    birth = birth_date(value, allow_synthetic=allow_synthetic)
    if birth > reference_date:
        raise InvalidNumber("Personen er født etter rundens referansedato.", "future")
    if birth < _years_before(reference_date, MAX_AGE_YEARS):
        raise InvalidNumber(
            f"Fødselsdatoen gir en alder over {MAX_AGE_YEARS} år på referansedatoen. "
            "Sjekk nummeret.", "too_old")
    # stdnum's get_gender(): the third digit of the individual number (digit 9)
    # is odd for men, even for women; read here from the compact number, as
    # get_gender() would compact it again (the test compares the two).
    sex = "mann" if int(value[8]) % 2 else "kvinne"
    return Person(age=age_on(birth, reference_date), sex=sex)


class NumberCheck:
    """``person_from_number`` for the many numbers of one import (one reference date).

    The same rules and the same messages; what is faster is that the reference
    date's bounds are computed once, and that a number of eleven ASCII digits
    is checked in one pass of integer arithmetic (the check digits with
    stdnum's weights, the century from the individual number, the D-, H- and
    synthetic offsets) without building a ``Person``. Anything that pass does
    not accept (any refusal, any other form) goes through ``person_from_number``
    itself, so a refused number gets exactly its message. The tests compare
    this pass with ``person_from_number`` (python-stdnum) on many generated
    numbers, valid and invalid.
    """

    __slots__ = ("reference_date", "allow_synthetic", "_oldest", "_ref_md")

    def __init__(self, reference_date: date, *, allow_synthetic: bool = False):
        self.reference_date = reference_date
        self.allow_synthetic = allow_synthetic
        self._oldest = _years_before(reference_date, MAX_AGE_YEARS)
        self._ref_md = (reference_date.month, reference_date.day)

    def __call__(self, number: str) -> tuple[int, str]:
        """(age at the reference date, legal sex); raises InvalidNumber as
        ``person_from_number`` does."""
        result = self.fast(number)
        if result is None:
            person = person_from_number(number, self.reference_date,
                                        allow_synthetic=self.allow_synthetic)
            return person.age, person.sex
        return result

    def fast(self, number: str) -> tuple[int, str] | None:
        """(age, sex) of a valid number of eleven ASCII digits; None for anything else."""
        if len(number) != 11 or not number.isascii() or not number.isdigit():
            return None
        d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10 = number.encode()  # ASCII codes
        # stdnum's calc_check_digit1/2: (11 - Σ weight × digit) mod 11, where 10
        # matches no digit. Codes are digit + 48; the weights sum to 45 and 41.
        if (11 - (3 * d0 + 7 * d1 + 6 * d2 + d3 + 8 * d4 + 9 * d5 + 4 * d6 + 5 * d7
                  + 2 * d8 - 48 * 45)) % 11 != d9 - 48:
            return None
        if (11 - (5 * d0 + 4 * d1 + 3 * d2 + 2 * d3 + 7 * d4 + 6 * d5 + 5 * d6 + 4 * d7
                  + 3 * d8 + 2 * d9 - 48 * 41)) % 11 != d10 - 48:
            return None
        day = 10 * d0 + d1 - 528  # 528 = 11 × 48
        month = 10 * d2 + d3 - 528
        year = 10 * d4 + d5 - 528
        individual = 100 * d6 + 10 * d7 + d8 - 5328  # 5328 = 111 × 48
        if day >= 80:  # FH-nummer
            return None
        if month > SYNTHETIC_MONTH_OFFSET:
            if not self.allow_synthetic:
                return None
            month -= SYNTHETIC_MONTH_OFFSET
        if day > 40:  # d-nummer
            day -= 40
        if month > H_MONTH_OFFSET:  # H-nummer
            month -= H_MONTH_OFFSET
        # stdnum's get_birth_date: the century from the individual number.
        if individual < 500:
            year += 1900
        elif individual < 750 and year >= 54:
            year += 1800
        elif year < 40:
            year += 2000
        elif individual >= 900:
            year += 1900
        else:
            return None
        try:
            birth = date(year, month, day)
        except ValueError:
            return None
        if birth > self.reference_date or birth < self._oldest:
            return None
        age = self.reference_date.year - year - (self._ref_md < (month, day))
        return age, ("mann" if d8 % 2 else "kvinne")
