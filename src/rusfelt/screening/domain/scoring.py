"""Scoring and classification of AUDIT, AUDIT-C and DUDIT as pure functions.

Answers are the 0-based index of the chosen option of each item, in item
order. The cut-offs below are the ones of issue #16 and the sources cited:

AUDIT (total 0-40; items 1-8 score 0-4, items 9-10 score 0, 2 or 4):
    Norwegian use (NHI "Alkohol-audit", rop.no):
        men    0-7 low risk, 8-15 increased risk, >= 16 high risk
        women  0-5 low risk, 6-15 increased risk, >= 16 high risk
    WHO risk zones (Babor et al. 2001, table 3):
        I 0-7, II 8-15, III 16-19, IV 20-40
AUDIT-C (AUDIT items 1-3, total 0-12):
    at or above the limit: women >= 4, men >= 5
DUDIT (total 0-44; items 1-9 score 0-4, items 10-11 score 0, 2 or 4;
    Berman et al. 2003 manual, "Evaluation"):
        probable drug-related problems: men >= 6, women >= 2
        probable dependence: >= 25 (both sexes)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rusfelt.core.domain.sex import Sex

from .instruments import INSTRUMENTS, Instrument


class Kategori(StrEnum):
    LAV_RISIKO = "lav_risiko"
    OKT_RISIKO = "okt_risiko"
    HOY_RISIKO = "hoy_risiko"
    UNDER_GRENSE = "under_grense"
    OVER_GRENSE = "over_grense"
    INGEN_INDIKASJON = "ingen_indikasjon"
    SANNSYNLIG_PROBLEM = "sannsynlig_problem"
    SANNSYNLIG_AVHENGIGHET = "sannsynlig_avhengighet"


#: The categories each instrument can give, lowest first.
CATEGORIES: dict[str, tuple[Kategori, ...]] = {
    "audit": (Kategori.LAV_RISIKO, Kategori.OKT_RISIKO, Kategori.HOY_RISIKO),
    "audit-c": (Kategori.UNDER_GRENSE, Kategori.OVER_GRENSE),
    "dudit": (Kategori.INGEN_INDIKASJON, Kategori.SANNSYNLIG_PROBLEM,
              Kategori.SANNSYNLIG_AVHENGIGHET),
}

# AUDIT, Norwegian use: the lowest total of "increased risk" by sex, and of "high risk".
AUDIT_INCREASED_MIN = {Sex.MANN: 8, Sex.KVINNE: 6}
AUDIT_HIGH_MIN = 16
# WHO zones: the lowest total of zones II, III and IV.
AUDIT_ZONE_MINS = (8, 16, 20)
# AUDIT-C: the lowest total at or above the limit.
AUDIT_C_LIMIT = {Sex.MANN: 5, Sex.KVINNE: 4}
# DUDIT: the lowest total of "probable problems" by sex, and of "probable dependence".
DUDIT_PROBLEM_MIN = {Sex.MANN: 6, Sex.KVINNE: 2}
DUDIT_DEPENDENCE_MIN = 25


class AnswerError(ValueError):
    """Answers that do not fit the instrument. The message is in bokmål and
    names positions, never the person's answers."""


@dataclass(frozen=True)
class Result:
    instrument: str
    sum: int
    kategori: Kategori
    sone: int | None = None

    def as_dict(self) -> dict:
        data = {"instrument": self.instrument, "sum": self.sum, "kategori": str(self.kategori)}
        if self.sone is not None:
            data["sone"] = self.sone
        return data


def instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise AnswerError(
            f"Ukjent instrument «{code}». Velg en av: {', '.join(INSTRUMENTS)}."
        ) from None


def total(instr: Instrument, answers: Sequence[int]) -> int:
    """The sum of the points of the chosen options."""
    if len(answers) != len(instr.items):
        raise AnswerError(
            f"{instr.name} har {len(instr.items)} spørsmål, men det kom {len(answers)} svar."
        )
    points = 0
    for item, index in zip(instr.items, answers, strict=True):
        if not 0 <= index < len(item.options):
            raise AnswerError(
                f"Svaret på spørsmål {item.number} må være et tall fra 0 til "
                f"{len(item.options) - 1}."
            )
        points += item.options[index].points
    return points


def audit_category(points: int, sex: Sex) -> Kategori:
    if points >= AUDIT_HIGH_MIN:
        return Kategori.HOY_RISIKO
    if points >= AUDIT_INCREASED_MIN[sex]:
        return Kategori.OKT_RISIKO
    return Kategori.LAV_RISIKO


def audit_zone(points: int) -> int:
    """WHO risk zone I-IV as 1-4."""
    return 1 + sum(points >= m for m in AUDIT_ZONE_MINS)


def audit_c_category(points: int, sex: Sex) -> Kategori:
    return Kategori.OVER_GRENSE if points >= AUDIT_C_LIMIT[sex] else Kategori.UNDER_GRENSE


def dudit_category(points: int, sex: Sex) -> Kategori:
    if points >= DUDIT_DEPENDENCE_MIN:
        return Kategori.SANNSYNLIG_AVHENGIGHET
    if points >= DUDIT_PROBLEM_MIN[sex]:
        return Kategori.SANNSYNLIG_PROBLEM
    return Kategori.INGEN_INDIKASJON


def classify(code: str, points: int, sex: Sex) -> Result:
    """The result of a total that is already summed (also for stored results)."""
    instr = instrument(code)
    if not 0 <= points <= instr.max_points:
        raise AnswerError(f"Summen for {instr.name} må være fra 0 til {instr.max_points}.")
    sex = Sex(sex)
    if code == "audit":
        return Result(code, points, audit_category(points, sex), audit_zone(points))
    if code == "audit-c":
        return Result(code, points, audit_c_category(points, sex))
    return Result(code, points, dudit_category(points, sex))


def score(code: str, sex: Sex | str, answers: Sequence[int]) -> Result:
    """Score a full set of answers (option indices)."""
    try:
        sex = Sex(sex)
    except ValueError:
        raise AnswerError("Kjønn må være «mann» eller «kvinne».") from None
    instr = instrument(code)
    return classify(code, total(instr, answers), sex)


def parse_answers(text: str) -> list[int]:
    """"0,1,4" -> [0, 1, 4]; a Norwegian AnswerError for anything else."""
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise AnswerError(
            "Svarene må være hele tall (0-baserte svaralternativ) skilt med komma, "
            "for eksempel 0,1,2."
        ) from None


#: The instruments a mapping registration may carry (issue #16, part 4).
MAPPING_INSTRUMENTS = ("audit", "dudit")


def mapping_result(code: str, points: int, sex: Sex | str) -> Result:
    """Classify a stored total for a mapping registration; Norwegian errors."""
    if code not in MAPPING_INSTRUMENTS:
        raise AnswerError("Instrument må være «audit» eller «dudit».")
    try:
        sex = Sex(sex)
    except ValueError:
        raise AnswerError("Kjønn må være «mann» eller «kvinne».") from None
    return classify(code, points, sex)
