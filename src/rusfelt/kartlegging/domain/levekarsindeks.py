"""The levekårsindeks (grønn, gul, rød, blålys) as a named, versioned rule.

BrukerPlan's own algorithm is not in the seeds and not public. What is known:
it summarises the eight life areas (seed 001 L1254), seed 001 fn 25 (L1270)
says the 2018 report changed «vektning av rus i levekårsindeksen», so it is a
weighted score over the areas; rød means serious problems on most areas and
blålys serious problems on (nearly) all of them (seed 003 L251-253, seed 004
L364).

Rule ``levekarsindeks-v1`` (the default)
----------------------------------------
Score each area grønn = 1, gul = 2, rød = 3, with equal weights, and sum the
eight scores (8 to 24):

=========  ==========  ============================================
index      score sum   reading
=========  ==========  ============================================
grønn      8-9         every area grønn, or one area gul
gul        10-14       mixed; on average below gul
rød        15-20       on average gul or worse, several areas rød
blålys     21-24       mostly rød: e.g. five rød and three gul
=========  ==========  ============================================

Why: equal weights keep the rule explainable on a report, and blålys as
"serious on (nearly) all areas" follows seed 003 L251-253. The thresholds
were set against the national BrukerPlan shares for service recipients with
substance problems: grønn about 5 %, rød + blålys about 60 %, blålys about
14 % (seed 001 L1239-1264). On the demo cohort built from St. Hanshaugen
2019's published marginals (seed 003 L268-335, all with substance problems)
v1 gives grønn 6 %, rød + blålys 58 %, blålys 14 % (five generated cohorts);
a score-sum cut one point lower or higher moves each share by 4-9 points,
so these cuts are the closest fit. The comparison rests on the demo's
assumed correlation between areas (only marginals are published), so the
rule must be re-checked against real record-level data before use. The test
``test_levekarsindeks_v1_is_near_the_national_shares`` checks this on the demo
cohort. The name of the rule is stored with every result and printed on
every report that uses it; a later rule gets a new name.
"""

from collections.abc import Iterable

from .levels import Level

RULE_V1 = "levekarsindeks-v1"
DEFAULT_RULE = RULE_V1
INDEX_KEYS = ("gronn", "gul", "rod", "blalys")

# Upper bounds of the score sum for each index level in v1.
V1_GRONN_MAX = 9
V1_GUL_MAX = 14
V1_ROD_MAX = 20


def levekarsindeks_v1(levels: Iterable[Level]) -> str:
    """The index key for the eight area levels (rule levekarsindeks-v1)."""
    levels = list(levels)
    if len(levels) != 8:
        raise ValueError("the levekårsindeks needs all eight life areas")
    score = sum(int(level) for level in levels)
    if score <= V1_GRONN_MAX:
        return "gronn"
    if score <= V1_GUL_MAX:
        return "gul"
    if score <= V1_ROD_MAX:
        return "rod"
    return "blalys"


RULES = {RULE_V1: levekarsindeks_v1}


def levekarsindeks(levels: Iterable[Level], rule: str = DEFAULT_RULE) -> str:
    return RULES[rule](levels)
