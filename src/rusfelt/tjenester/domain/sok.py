"""Norwegian-tolerant text matching for the service search.

Kept deliberately simple (rule version ``sok-v1``):
1. fold: lower case, æ->ae, ø->o, å->a and accents removed, so "parorende"
   finds "pårørende";
2. stem: strip a few common inflection endings ("rusproblemer" ->
   "rusproblem", "tjenester" -> "tjenest");
3. split compounds by known stems ("rusbehandling" -> "rus" + "behandling",
   also with a linking s or e: "helsestasjon", "ungdomsklubb");
4. match each query part as a word PREFIX ("behandl" finds "behandling");
   a compound query word matches whole or by all its parts.

Documents are indexed once (``index_text``) into a string of folded word
stems and compound parts, separated and surrounded by spaces, stored on the
service; a query part ``p`` then matches when `` p`` occurs in it, which the
database answers with a plain LIKE/contains, on SQLite and PostgreSQL alike.
"""

import re
import unicodedata

RULE_VERSION = "sok-v1"

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u"})
_WORD = re.compile(r"[a-z0-9]+")

# Inflection endings, longest first; a stem keeps at least MIN_STEM letters.
SUFFIXES = ("ene", "ane", "ers", "er", "en", "et", "a", "e")
MIN_STEM = 3

# Words a query may drop: they carry no meaning in a service search.
STOP_WORDS = frozenset(
    "og i for til med av pa som en et ei den det de om er a at har kan jeg meg min mitt "
    "the and of for to in a an".split()
)

# Stems that compound words are split into (folded). Not exhaustive: enough
# for the field's vocabulary; an unknown compound still matches as a prefix.
KNOWN_STEMS = frozenset(
    """
    rus alkohol narkotika spill medikament lar behandling problem avhengighet
    bolig bo hus hjem leilighet overnatting natt dag dogn kveld helg
    tilbud tjenest helse psykisk psykiatri lege vakt legevakt sykepleie sykepleier
    ungdom ung barn familie foreldre parorend voksn eldre gravid kvinn mann
    kontakt senter team gruppe samtal hjelp oppfolging oppsokend arbeid jobb
    aktivitet trening sysselsetting kafe mat klaer rad veiledning kurs
    akutt krise sosial kontor stasjon skole klubb fritid rett juridisk
    forebygging skadereduksjon smittevern sproyte rom feltpleie ambulant
    rehabilitering omsorg avrusning avgiftning stabilisering motivasjon
    lavterskel bostedslos senter vinter
    """.split()
)


def fold(text: str) -> str:
    """Lower case with Norwegian letters and accents folded to ASCII."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """Strip one common inflection ending, keeping at least MIN_STEM letters."""
    if word in KNOWN_STEMS or word.isdigit():
        return word
    for suffix in SUFFIXES:
        if suffix == "et" and word.endswith("het"):
            continue  # "avhengighet" is a whole noun, not "avhengigh" + "et"
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def _known(part: str) -> bool:
    return part in KNOWN_STEMS or stem(part) in KNOWN_STEMS


def split_compound(word: str) -> list[str]:
    """Split ``word`` into known stems, or return [] if it is not such a compound.

    Tries the longest known first part, allows a linking "s" or "e", and
    requires the rest to be a known stem or itself a compound.
    """
    for cut in range(len(word) - MIN_STEM + 1, 1, -1):
        head, rest = word[:cut], word[cut:]
        if head not in KNOWN_STEMS or not rest:
            continue
        for tail in (rest, rest[1:] if rest[0] in "se" else None):
            if not tail or len(tail) < 2:
                continue
            if _known(tail):
                return [head, stem(tail)]
            deeper = split_compound(tail)
            if deeper:
                return [head, *deeper]
    return []


def _parts(word: str) -> list[str]:
    return split_compound(word) or split_compound(stem(word))


def index_text(*texts: str) -> str:
    """The search index of a document: " stem part part stem ... "."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            seen.setdefault(stem(word), None)
            for part in _parts(word):
                seen.setdefault(part, None)
    return " " + " ".join(seen) + " "


def query_terms(query: str) -> list[list[list[str]]]:
    """What a document must contain to match ``query``: one group per word.

    A group is a list of alternatives; an alternative is a list of prefixes
    that must all occur. A compound word may match whole or by its parts, so
    "rusbehandling" is [["rusbehandling"], ["rus", "behandling"]] and finds
    "behandling for rusproblemer". Every group must match.
    """
    groups: list[list[list[str]]] = []
    for word in words(query):
        if word in STOP_WORDS:
            continue
        alternatives = [[stem(word)]]
        parts = _parts(word)
        if parts:
            alternatives.append(parts)
        if alternatives not in groups:
            groups.append(alternatives)
    return groups


def matches(index: str, groups: list[list[list[str]]]) -> bool:
    """The rule the database applies: each group has an alternative whose
    prefixes all occur at word starts in ``index``."""
    return all(
        any(all(f" {term}" in index for term in alternative) for alternative in group)
        for group in groups
    )
