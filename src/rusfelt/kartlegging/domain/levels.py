"""Levels, life areas and the other closed value lists of a registration.

Identifiers follow GLOSSARY.md. The eight life areas and the three levels are
BrukerPlan's (seed 003 L209-213, seed 004 L337-343, L364).
"""

from enum import IntEnum


class Level(IntEnum):
    """A life area's level; the integer is its score in the levekårsindeks."""

    GRONN = 1
    GUL = 2
    ROD = 3

    @property
    def key(self) -> str:
        return self.name.lower()


LEVEL_KEYS = ("gronn", "gul", "rod")

# The eight levekårsområder, in the order of the seeds' tables (seed 003 L268-335).
AREAS = (
    "bolig",
    "arbeid_aktivitet",
    "okonomi",
    "fysisk_helse",
    "psykisk_helse",
    "rusmiddelbruk",
    "sosial_fungering",
    "nettverk",
)

TJENESTER = ("nav", "helse_omsorg", "barnevern", "annen")
KATEGORIER = ("rus", "psykisk", "rus_psykisk")
FODESTED = ("norge", "europa", "utenfor_europa", "ukjent")  # seed 003 L230-231
BOSITUASJON = ("alene", "partner", "familie_venner", "uklar")  # seed 003 L233-234
BARN_KONTAKT = ("omsorg", "samvaer", "ingen_kontakt")  # seed 003 L242-243
KOMMUNALE_TJENESTER = (
    "bo_oppfolging", "hjemmetjenester", "ruskonsulent", "aktivitetstilbud",
    "lavterskel", "okonomisk_radgivning", "bolig_med_bemanning",
)
SPESIALIST_TJENESTER = ("tsb_poliklinisk", "tsb_dogn", "dps", "lar", "fact_act")
ANBEFALTE_TILTAK = (
    "arbeidsrettede_tiltak",  # seed 003 L289: 56 recommended in 2019
    "bolig", "bo_oppfolging", "behandling", "aktivitet", "nettverk_parorende",
)

_LEVEL_ALIASES = {
    "gronn": Level.GRONN, "grønn": Level.GRONN, "g": Level.GRONN,
    "gul": Level.GUL,
    "rod": Level.ROD, "rød": Level.ROD,
}


def parse_level(value: str) -> Level:
    """``gronn|gul|rod`` (also ``grønn|rød``, any case) to a Level; ValueError otherwise."""
    try:
        return _LEVEL_ALIASES[value.strip().lower()]
    except KeyError:
        raise ValueError("ukjent nivå; bruk gronn, gul eller rod") from None


def parse_yes_no(value: str, default: bool | None = None) -> bool | None:
    """``ja|nei`` (also true/false/1/0) to a bool; blank gives ``default``."""
    text = value.strip().lower()
    if not text:
        return default
    if text in ("ja", "j", "true", "1", "yes"):
        return True
    if text in ("nei", "n", "false", "0", "no"):
        return False
    raise ValueError("bruk ja eller nei")


def parse_choice(value: str, allowed: tuple[str, ...], blank_ok: bool = True) -> str:
    text = value.strip().lower()
    if not text and blank_ok:
        return ""
    if text not in allowed:
        raise ValueError("ukjent verdi; bruk " + ", ".join(allowed))
    return text


def parse_multi(value: str, allowed: tuple[str, ...]) -> list[str]:
    """A ``|``- or space-separated list of keys from ``allowed``."""
    items = [v for v in value.replace("|", " ").replace(";", " ").split() if v]
    bad = [v for v in items if v.lower() not in allowed]
    if bad:
        raise ValueError("ukjent verdi; bruk " + ", ".join(allowed))
    return sorted({v.lower() for v in items})
