"""Reading a search as the question a person asks (rule version ``sporsmal-v1``).

People type "jeg trenger hjelp med rus i natt", not "rus". This module turns
such a question into what the search needs, without Django:

1. **words that carry no meaning** in a service search are dropped ("jeg",
   "trenger", "hjelp", "med", ...; English "i need help with"), as are the
   stop words of PostgreSQL's ``norwegian`` text search configuration, so both
   databases ignore the same words;
2. **intent words** become filters or preferences: "åpent nå"/"open now" is
   the open-now filter; "akutt", "nå", "haster", "i natt" prefer emergency
   services and those open now; "natt", "sove", "overnatting" prefer
   overnight places and places open at night; "pårørende" (and "sønnen min",
   "mamma", ...) prefers services for relatives; "ung", "ungdom" prefers
   services for young people; "17 år" prefers services whose age limits let
   a 17-year-old in;
3. **everyday and English words** get the directory's own words as
   alternatives ("drikker" -> alkohol, rus; "shelter" -> overnatting);
4. each remaining word is a **group** as in ``sok.query_terms``: it matches
   whole or by its compound parts, and groups are OR-ed: more matched groups
   rank higher (``score``).

Typo tolerance: ``correct`` proposes the nearest words of the directory's
vocabulary (difflib's ratio, the same on both databases); the database only
narrows the vocabulary it hands over.
"""

import difflib
import math
import re
from dataclasses import dataclass, field

from . import sok

RULE_VERSION = "sporsmal-v1"

# Words a question may contain that do not say what is sought (folded).
FILLER = frozenset(
    """
    jeg meg min mitt mine vi oss du deg trenger trengs hjelp hjelpe med til for
    noen noe nokon som kan hvor hva hvem hvordan finnes fins det er a og i pa av
    om en et ei vil ha har gjerne onsker sok soker leter etter fa faa ga komme
    fra ved ut inn der her sted steder tilbud tilbudet bare sa litt mye veldig
    ikke trenge helst naer naermeste kommune
    i need needs help with for my me where can get is are there a an the to of in
    on at someone somebody some want looking find any please near nearest
    """.split()
)

# PostgreSQL's norwegian stop words (snowball), folded: to_tsquery drops them,
# so the search drops them on SQLite too and both give the same answers.
PG_NORWEGIAN_STOP = frozenset(
    """
    og i jeg det at en et den til er som pa de med han av ikke ikkje der sa var meg
    seg men ett har om vi min mitt ha hadde hun na over da ved fra du ut sin dem oss
    opp man kan hans hvor eller hva skal selv sjol her alle vil bli ble blei blitt
    kunne inn nar vaere kom noen noe ville dere deres kun ja etter ned skulle denne
    for deg si sine sitt mot a meget hvorfor dette disse uten hvordan ingen din ditt
    blir samme hvilken hvilke sann inni mellom var hver hvem vors hvis bade bare
    enn fordi for mange ogsa slik vaert bae begge siden dykk dykkar dei deira
    deires deim di da eg ein eit eitt elles honom hja ho hoe henne hennar hennes
    hoss hossen ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me
    medan mi mykje no nokon noka nokor noko nokre sia sidan so somt somme um upp
    vere vore verte vort varte vart
    """.split()
)

STOP = FILLER | PG_NORWEGIAN_STOP | sok.STOP_WORDS

# Phrases first (folded, space-separated), then single words.
OPEN_NOW_PHRASES = ("apent na", "apen na", "open na", "open now", "apne na")
URGENT_PHRASES = ("i natt", "i kveld", "akkurat na", "med en gang", "right now", "tonight")
URGENT_WORDS = frozenset("akutt akutte haster krise krisen na straks now urgent emergency "
                         "crisis immediately asap".split())
OVERNIGHT_WORDS = frozenset("natt natta natten overnatting overnatte sove sovested seng "
                            "tonight night shelter sleep bed nattsted nattapent".split())
RELATIVE_WORDS = frozenset("parorende parorande sonn sonnen datter datteren mamma pappa "
                           "mor far bror broren soster sosteren kjaereste kjaeresten "
                           "ektefelle mannen kona relative relatives family son daughter "
                           "mother father brother sister partner".split())
YOUNG_WORDS = frozenset("ung unge ungdom ungdommer ungdommen tenaring tenaringer young "
                        "youth teen teens teenager teenagers".split())
YOUNG_AGES = (13, 25)

# Everyday and English words -> the directory's words (folded stems). The
# word itself stays an alternative too. Our own list, from the demo
# directory's vocabulary (demo.py) and common ways of asking.
SYNONYMS = {
    "natt": ["overnatting", "natt"], "natta": ["overnatting", "natt"],
    "natten": ["overnatting", "natt"], "sove": ["overnatting", "natt"],
    "sovested": ["overnatting"], "seng": ["overnatting", "plass"],
    "overnatte": ["overnatting"], "nattsted": ["overnatting"],
    "akutt": ["akutt", "krise", "oyeblikkelig"], "krise": ["krise", "akutt"],
    "drikker": ["alkohol", "rus"], "drikke": ["alkohol", "rus"], "drikking": ["alkohol", "rus"],
    "fyll": ["alkohol", "rus"], "full": ["alkohol", "rus"], "alkoholiker": ["alkohol", "rus"],
    "ruser": ["rus"], "ruse": ["rus"], "rusmisbruk": ["rus"], "misbruk": ["rus"],
    "dop": ["rus", "narkotika"], "hasj": ["rus", "narkotika"], "cannabis": ["rus", "narkotika"],
    "heroin": ["rus", "opiat"], "piller": ["rus", "medikament"], "kokain": ["rus", "narkotika"],
    "avhengig": ["avhengighet", "rus"],
    "sproyter": ["sproyterom", "brukerutstyr", "smittevern"],
    "sproyte": ["sproyterom", "brukerutstyr", "smittevern"],
    "mat": ["mat", "middag", "matutdeling", "matpose"], "sulten": ["mat", "middag"],
    "middag": ["middag", "mat"], "klaer": ["klaer"],
    "bolig": ["bolig", "bo"], "hus": ["bolig"], "leilighet": ["bolig", "leilighet"],
    "bostedslos": ["bostedslos", "overnatting", "bolig"], "husrom": ["bolig"],
    "jobb": ["jobb", "arbeid"], "arbeid": ["arbeid", "jobb"], "jobbe": ["jobb", "arbeid"],
    "advokat": ["rettshjelp", "juridisk"], "jurist": ["rettshjelp", "juridisk"],
    "juss": ["rettshjelp", "juridisk", "juss"], "rettshjelp": ["rettshjelp", "juridisk"],
    "snakke": ["samtal", "rad"], "prate": ["samtal"], "samtale": ["samtal"],
    "psykolog": ["psykisk", "psykolog", "terapi"], "deprimert": ["psykisk", "depresjon"],
    "angst": ["angst", "psykisk"], "psykisk": ["psykisk", "psykiatr"],
    "lege": ["lege", "legevakt"], "gravid": ["gravid", "svangerskap", "jordmor"],
    "penger": ["okonomi", "livsopphold", "sosialhjelp"], "okonomi": ["okonomi"],
    "trene": ["trening", "treningskontakt"], "trening": ["trening"],
    "steroider": ["steroid", "anabol"],
    # English
    "drugs": ["rus", "narkotika"], "drug": ["rus", "narkotika"],
    "alcohol": ["alkohol", "rus"], "drinking": ["alkohol", "rus"],
    "addiction": ["rus", "avhengighet"], "addicted": ["rus", "avhengighet"],
    "substance": ["rus"], "treatment": ["behandling"], "therapy": ["behandling", "terapi"],
    "housing": ["bolig"], "home": ["bolig"], "homeless": ["bostedslos", "overnatting"],
    "shelter": ["overnatting"], "night": ["overnatting", "natt"], "sleep": ["overnatting"],
    "food": ["mat", "middag"], "meal": ["mat", "middag"], "clothes": ["klaer"],
    "doctor": ["lege", "legevakt"], "gp": ["fastlege"], "emergency": ["akutt", "legevakt"],
    "legal": ["rettshjelp", "juridisk"], "lawyer": ["rettshjelp", "juridisk"],
    "job": ["jobb", "arbeid"], "work": ["arbeid", "jobb"], "employment": ["arbeid", "jobb"],
    "pregnant": ["gravid", "svangerskap"], "injection": ["sproyterom", "brukerutstyr"],
    "needles": ["brukerutstyr", "sproyterom"], "counselling": ["samtal", "rad"],
    "counseling": ["samtal", "rad"], "talk": ["samtal"], "advice": ["rad", "veiledning"],
    "mental": ["psykisk"], "health": ["helse"], "crisis": ["krise", "akutt"],
    "relatives": ["parorende"], "relative": ["parorende"], "family": ["familie", "parorende"],
    "youth": ["ungdom", "ung"], "young": ["ung", "ungdom"], "money": ["okonomi", "sosialhjelp"],
    "nurse": ["sykepleie", "helsesykepleier"], "children": ["barn"], "child": ["barn"],
    "school": ["skole"], "refugee": ["flyktning"], "refugees": ["flyktning"],
    "opioid": ["opiat", "lar"], "opioids": ["opiat", "lar"],
}

_AGE = re.compile(r"\b(\d{1,2})\s*(?:ar|years?|yrs?|year-old|aring)\b")


@dataclass
class Question:
    """What a search text asks for."""

    text: str = ""
    groups: list[list[list[str]]] = field(default_factory=list)  # as sok.query_terms
    words: list[str] = field(default_factory=list)  # the meaningful words, folded
    open_now: bool = False  # "åpent nå": a filter
    urgent: bool = False  # prefer emergency services and those open now
    overnight: bool = False  # prefer overnight places and those open at night
    relatives: bool = False  # prefer services for relatives
    young: bool = False  # prefer services for young people
    age: int | None = None  # "17 år": prefer services a person of this age may use

    @property
    def understood(self) -> list[str]:
        """Codes of the intents found, in a fixed order (the page names them)."""
        flags = [("apen", self.open_now), ("akutt", self.urgent), ("natt", self.overnight),
                 ("parorende", self.relatives), ("ung", self.young)]
        return [code for code, on in flags if on]


def parse(text: str) -> Question:
    """Read ``text`` as a question (see the module docstring)."""
    folded = " ".join(sok.words(text))
    q = Question(text=text)
    for phrase in OPEN_NOW_PHRASES:
        if re.search(rf"\b{phrase}\b", folded):
            q.open_now = True
            folded = re.sub(rf"\b{phrase}\b", " ", folded)
    for phrase in URGENT_PHRASES:
        if re.search(rf"\b{phrase}\b", folded):
            q.urgent = True
            if "natt" in phrase or "night" in phrase or "tonight" in phrase:
                q.overnight = True
            folded = re.sub(rf"\b{phrase}\b", " natt " if "natt" in phrase else " ", folded)
    age = _AGE.search(folded)
    if age and 5 <= int(age.group(1)) <= 99:
        q.age = int(age.group(1))
        folded = folded[: age.start()] + " " + folded[age.end():]
    for word in folded.split():
        if word in URGENT_WORDS:
            q.urgent = True
        if word in OVERNIGHT_WORDS:
            q.overnight = True
        if word in RELATIVE_WORDS:
            q.relatives = True
        if word in YOUNG_WORDS:
            q.young = True
        if word in STOP or word.isdigit() or word in RELATIVE_WORDS - {"parorende"}:
            continue
        if word in ("na", "now", "urgent", "immediately", "asap"):
            continue
        group = _group(word)
        if group not in q.groups:
            q.groups.append(group)
            q.words.append(word)
    return q


def _group(word: str) -> list[list[str]]:
    """A query word's alternatives: itself, its compound parts, its synonyms."""
    alternatives = [[sok.stem(word)]]
    parts = sok.split_compound(word) or sok.split_compound(sok.stem(word))
    if parts:
        alternatives.append(parts)
    for synonym in SYNONYMS.get(word, ()):
        if [synonym] not in alternatives:
            alternatives.append([synonym])
    return alternatives


def terms_of(groups: list[list[list[str]]]) -> list[str]:
    """Every distinct term of the groups (for a vocabulary check)."""
    return list(dict.fromkeys(t for g in groups for alt in g for t in alt))


# --- typos -------------------------------------------------------------------

#: difflib ratio a vocabulary word needs to replace a word that matches nothing.
TYPO_CUTOFF = 0.8
MIN_TYPO_LENGTH = 4


def correct(word: str, vocabulary) -> list[list[str]]:
    """Alternatives for a ``word`` that matches nothing: the nearest vocabulary
    words, or a known first part and the nearest word for the rest
    ("rusbehandlng" -> ["rus", "behandling"]). [] if nothing is near."""
    word = sok.stem(word)
    if len(word) < MIN_TYPO_LENGTH:
        return []
    vocabulary = list(vocabulary)
    words = list(dict.fromkeys([*vocabulary, *sok.KNOWN_STEMS]))
    # A known first part and a near word for the rest explains a compound best.
    for cut in range(len(word) - MIN_TYPO_LENGTH, 1, -1):
        head, rest = word[:cut], word[cut:]
        if head in sok.KNOWN_STEMS:
            tails = difflib.get_close_matches(rest, words, n=1, cutoff=TYPO_CUTOFF)
            if tails:
                return [[head, tails[0]]]
    return [[w] for w in difflib.get_close_matches(word, words, n=2, cutoff=TYPO_CUTOFF)]


def with_corrections(q: Question, known_prefix, vocabulary) -> Question:
    """``q`` with typo alternatives added to groups none of whose terms is known.

    ``known_prefix(term)`` says whether any indexed word starts with ``term``;
    ``vocabulary(term)`` gives candidate words near ``term`` (the database
    narrows; ``correct`` decides).
    """
    for group, word in zip(q.groups, q.words, strict=True):
        if any(all(known_prefix(t) for t in alt) for alt in group):
            continue
        for alternative in correct(word, vocabulary(sok.stem(word))):
            if alternative not in group:
                group.append(alternative)
    return q


# --- ranking -----------------------------------------------------------------

NAME_WEIGHT = 3.0
TEXT_WEIGHT = 2.0
SYNONYM_FACTOR = 0.5  # a match by a synonym or a correction counts less than the word
INTENT_WEIGHT = 2.5
OPEN_WEIGHT = 1.5
AGE_MISMATCH = -4.0


@dataclass
class Doc:
    """What ranking needs of one service."""

    name_index: str
    search_index: str
    category: str = ""
    target_groups: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    open_now: bool = False
    open_at_night: bool = False


def _has(index: str, alternative) -> bool:
    return all(f" {t}" in index for t in alternative)


def rarity(q: Question, docs) -> dict[tuple[str, ...], float]:
    """How rare each alternative is among ``docs`` (an inverse document frequency,
    1 for a word every document has): a rare word says more, on both databases."""
    docs = list(docs)
    n = len(docs)
    weights = {}
    for group in q.groups:
        for alternative in group:
            df = sum(_has(d.search_index, alternative) for d in docs)
            weights[tuple(alternative)] = 1.0 + math.log((n + 1) / (df + 1))
    return weights


def _group_weight(group, doc: Doc, rare=None) -> tuple[float, bool]:
    best, hit = 0.0, False
    for i, alternative in enumerate(group):
        factor = 1.0 if i == 0 or (i == 1 and len(alternative) > 1) else SYNONYM_FACTOR
        factor *= (rare or {}).get(tuple(alternative), 1.0)
        if _has(doc.name_index, alternative):
            best, hit = max(best, NAME_WEIGHT * factor), True
        elif _has(doc.search_index, alternative):
            best, hit = max(best, TEXT_WEIGHT * factor), True
    return best, hit


def matched_groups(q: Question, doc: Doc) -> int:
    return sum(_group_weight(g, doc)[1] for g in q.groups)


def rank_key(q: Question, doc: Doc, rare=None) -> tuple[int, float]:
    """Sort key, best first when sorted ascending: more matched words first, then score."""
    return (-matched_groups(q, doc), -score(q, doc, rare))


def score(q: Question, doc: Doc, rare=None) -> float:
    """The rank of ``doc`` for ``q``: matched words (name above text, rare words above
    common ones: ``rarity``), then intents."""
    return _with_intents(sum(_group_weight(g, doc, rare)[0] for g in q.groups), q, doc)


def _with_intents(total: float, q: Question, doc: Doc) -> float:
    """``total`` with the intents' weights added, in ``score``'s order."""
    groups = set(doc.target_groups)
    if q.urgent:
        total += INTENT_WEIGHT * (doc.category == "akutt") + OPEN_WEIGHT * doc.open_now
    if q.overnight:
        total += OPEN_WEIGHT * doc.open_at_night
    if q.relatives:
        # A service whose very category is "for pårørende" first, then those that
        # name relatives among their target groups.
        total += INTENT_WEIGHT * (doc.category == "parorende") + INTENT_WEIGHT * bool(
            groups & {"parorende", "barn_parorende"})
    if q.young:
        low, high = YOUNG_AGES
        fits_age = (doc.age_min is not None or doc.age_max is not None) and (
            (doc.age_min or 0) <= high and (doc.age_max if doc.age_max is not None else 99) >= low
            and (doc.age_max is not None and doc.age_max <= 30))
        total += INTENT_WEIGHT * bool(groups & {"ungdom", "unge_voksne"} or fits_age)
    if q.age is not None and not (
            (doc.age_min is None or doc.age_min <= q.age)
            and (doc.age_max is None or doc.age_max >= q.age)):
        total += AGE_MISMATCH
    return total


def alternatives(q: Question) -> list[list[str]]:
    """Every alternative of every word group, in order: what ``rank_keys``' ``found``
    holds a (name, text) pair for."""
    return [alt for group in q.groups for alt in group]


def rank_keys(q: Question, docs, found=None, counts=None) -> list[tuple[int, float] | None]:
    """For each doc: ``rank_key(q, doc, rarity(q, matching))``, or None for a doc that
    matches none of the question's word groups (when it has any).

    The same keys as those functions give, in one pass: each alternative is looked
    up once per document instead of once per function, which is what a search
    with thousands of candidates spends its time on (issue 12). ``found``, when
    given, holds for each doc and each of ``alternatives(q)`` whether its name
    and its texts have every term as a word prefix (what ``_has`` answers), for
    example as the database computed them; the docs' texts are then not read.
    ``counts``, when given, says how many documents each doc stands for: many
    services of a search look alike to the rule (the same words found, no
    intent), so the search ranks each kind once, weighing it by its number.
    """
    docs = list(docs)
    if counts is None:
        counts = [1] * len(docs)
    if found is None:
        found = [[(_has(d.name_index, alt), _has(d.search_index, alt))
                  for alt in alternatives(q)] for d in docs]
    matched = []
    for hits in found:
        count, k = 0, 0
        for group in q.groups:
            count += any(name or text for name, text in hits[k:k + len(group)])
            k += len(group)
        matched.append(count)
    keep = [i for i, count in enumerate(matched) if count or not q.groups]
    n = sum(counts[i] for i in keep)
    rare = {}
    for a, alternative in enumerate(alternatives(q)):  # as ``rarity``, over the kept docs
        df = sum(counts[i] for i in keep if found[i][a][1])
        rare[tuple(alternative)] = 1.0 + math.log((n + 1) / (df + 1))
    keys: list[tuple[int, float] | None] = [None] * len(docs)
    for i in keep:
        weights, k = [], 0
        for group in q.groups:
            best = 0.0
            for j, alternative in enumerate(group):
                factor = 1.0 if j == 0 or (j == 1 and len(alternative) > 1) else SYNONYM_FACTOR
                factor *= rare.get(tuple(alternative), 1.0)
                name, text = found[i][k + j]
                if name:
                    best = max(best, NAME_WEIGHT * factor)
                elif text:
                    best = max(best, TEXT_WEIGHT * factor)
            weights.append(best)
            k += len(group)
        keys[i] = (-matched[i], -_with_intents(sum(weights), q, docs[i]))
    return keys
