"""The person behind a fødselsnummer or d-nummer: age and legal sex only.

The number is validated with python-stdnum (never a hand-written mod 11).
Error messages never contain the number (CamCOPS cc_validators' warning):
the caller may show them next to a field, in a log or in an import report.
"""

from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer


class InvalidNumber(ValueError):
    """The number is not a valid fødselsnummer or d-nummer. Never holds the number."""


@dataclass(frozen=True)
class Person:
    age: int  # whole years at the round's reference date
    sex: str  # "mann" or "kvinne": legal sex from the individual number


def compact(number: str) -> str:
    return fodselsnummer.compact(number or "")


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person_from_number(number: str, reference_date: date) -> Person:
    """Validate ``number`` and derive age at ``reference_date`` and legal sex.

    Raises InvalidNumber (with a bokmål message, without the number).
    """
    value = compact(number)
    if not value:
        raise InvalidNumber("Fødselsnummer mangler.")
    if len(value) != 11 or not value.isdigit():
        raise InvalidNumber("Fødselsnummeret må ha 11 siffer.")
    try:
        fodselsnummer.validate(value)
        birth = fodselsnummer.get_birth_date(value)
    except ValidationError:
        raise InvalidNumber(
            "Ugyldig fødselsnummer eller d-nummer (kontrollsifrene stemmer ikke)."
        ) from None
    if birth > reference_date:
        raise InvalidNumber("Personen er født etter rundens referansedato.")
    sex = "mann" if fodselsnummer.get_gender(value) == "M" else "kvinne"
    return Person(age=age_on(birth, reference_date), sex=sex)
