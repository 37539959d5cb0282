"""Reading indicator values and definitions from tables (no Django).

Values may be written as the seed prints them: «13 936», «5 %», «3,41»,
«-3,1», «N/A». A cell of «N/A», «..» or «:» is a missing value (with that
reason); an empty cell in the wide layout is no value at all.

Layouts (``rusfelt indikatorer import``):

- long: ``indikator,enhet,ar,verdi[,merknad]`` (also optional columns
  ``forelopig``, ``brudd``, ``mangler_arsak``, ``brudd_arsak``: ja/nei and
  texts; a ``brudd_arsak`` marks a break even where ``brudd`` is empty);
- wide: ``indikator[,enhet]`` and one column per year (``2016,2017,2018``), one
  row per indicator, as the seed's tables; ``enhet`` defaults to the unit
  given on the command line (the country, ``0``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from rusfelt.core.domain.rounding import rounded

MISSING_MARKERS = {
    "n/a": "Ikke tilgjengelig (N/A)",
    "..": "Tallet mangler (..)",
    ":": "Prikket (:)",
}
YEAR_RE = re.compile(r"^(19|20)\d\d$")
TRUE_WORDS = {"ja", "j", "1", "true", "x", "sann"}
FALSE_WORDS = {"nei", "n", "0", "false", ""}

LONG_COLUMNS = ["indikator", "enhet", "ar", "verdi"]

#: A stored value's digits in all and after the decimal mark (``Verdi.value``).
VALUE_MAX_DIGITS = 18
VALUE_DECIMALS = 4
#: A stored value is below this in size: the digits before the decimal mark.
VALUE_LIMIT = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMALS)
#: A value written plainly, as most cells of a national file are: ASCII digits, no more
#: before the decimal mark (point or comma) than are stored, no more decimals after it.
#: Such a text is read by ``Decimal`` at once; every other goes through the whole
#: ``parse_value``, which gives it the same value.
PLAIN_VALUE_RE = re.compile(
    rf"-?[0-9]{{1,{VALUE_MAX_DIGITS - VALUE_DECIMALS}}}(?:[.,][0-9]{{1,{VALUE_DECIMALS}}})?")


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user in bokmål."""


class ParsedValue(NamedTuple):
    """One value of an import, checked (a named tuple: an import makes 300 000 of them)."""

    number: int
    unit_code: str
    year: int
    value: Decimal | None
    missing_reason: str = ""
    merknad: str = ""
    provisional: bool = False
    break_in_series: bool = False
    line: int = 0
    break_reason: str = ""


def parse_value(text: str) -> tuple[Decimal | None, str]:
    """(value, missing reason) of a cell; raises CellError if it is no number."""
    if text and PLAIN_VALUE_RE.fullmatch(text):
        return Decimal(text.replace(",", ".")), ""
    cleaned = (text or "").strip()
    reason = MISSING_MARKERS.get(cleaned.lower())
    if reason:
        return None, reason
    cleaned = cleaned.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.removesuffix("%").replace("\u2212", "-").replace(",", ".")
    if not cleaned:
        raise CellError("verdien mangler (skriv N/A for en manglende verdi)")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError("er ikke et tall") from exc
    if not value.is_finite():
        raise CellError("er ikke et tall")
    if abs(value) >= VALUE_LIMIT:
        raise CellError(f"er for stort (høyst {VALUE_MAX_DIGITS - VALUE_DECIMALS} sifre "
                        "foran komma)")
    if value.as_tuple().exponent < -VALUE_DECIMALS:
        # As the database keeps it: rounded half up (as PostgreSQL's numeric does and
        # the figures are rounded elsewhere, issue 15), so that importing the file
        # again finds the value unchanged on both databases.
        value = rounded(value, VALUE_DECIMALS)
    return value, ""


def parse_int(text: str, what: str) -> int:
    try:
        return int((text or "").strip())
    except ValueError as exc:
        raise CellError(f"{what} må være et heltall") from exc


def parse_year(text: str) -> int:
    year = parse_int(text, "året")
    if not 1900 <= year <= 2100:
        raise CellError("året må være mellom 1900 og 2100")
    return year


def parse_bool(text: str) -> bool:
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("skriv ja eller nei")


def indicator_number(text: str) -> int:
    """«16», «(47)» or «16 Andel brukere …» (the seed's first column) -> 16."""
    match = re.match(r"^\(?(\d+)\)?(\s|$)", (text or "").strip())
    if not match:
        raise CellError("må begynne med indikatornummeret")
    return int(match.group(1))


def year_columns(header: list[str]) -> list[str]:
    return [h for h in header if YEAR_RE.match(h)]


def is_wide(header: list[str]) -> bool:
    return "indikator" in header and "ar" not in header and bool(year_columns(header))
