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
grønn      8-11        at most three areas gul, none rød (or one rød balanced by greens)
gul        12-15       mixed
rød        16-19       about half the areas rød, or most gul and some rød
blålys     20-24       at least four areas rød and the rest gul or worse
=========  ==========  ============================================

Why: equal weights keep the rule explainable on a report. The thresholds
were set so that, on the demo cohort built from St. Hanshaugen 2019's
published marginals (seed 003 L268-335; a substance-problem population like
the national one), the shares land near the national BrukerPlan shares for
service recipients with substance problems: grønn about 5 %, rød + blålys
about 60 %, blålys about 14 % (seed 001 L1239-1264). The test
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
V1_GRONN_MAX = 11
V1_GUL_MAX = 15
V1_ROD_MAX = 19


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
