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
