"""Words and colours of judgements, levels and statuses, for every page, chart and document.

The word is always printed beside the colour (WCAG 2.1, 1.4.1 Use of Color),
so the colour only helps. Two sets of colours:

- ``background`` and ``foreground``: the tinted cell behind dark text on
  pages, PDFs, DOCX and XLSX; each pair has a contrast of at least 4.5:1
  (WCAG 2.1 AA, 1.4.3; a test computes it). The same values stand in
  ``static/rusfelt/css/site.css``; a test compares them.
- ``chart``: bars and lines, from the Okabe-Ito palette, which stays
  distinguishable with the common colour-vision deficiencies (Okabe & Ito,
  "Color Universal Design", 2008; https://jfly.uni-koeln.de/color/).

Judgements (indicator changes, seed 001 L355-368): grønn, gul, rød, grå.
Levekårsindeks levels add blålys. Plan measures have the statuses of
``planer.domain.status``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tone:
    label: str | Promise
    background: str
    foreground: str
    chart: str


JUDGEMENTS = ("gronn", "gul", "rod", "gra")
STATUSES = ("ikke_startet", "pagar", "gjennomfort", "utsatt", "avsluttet", "ikke_rapportert")

TONES: dict[str, Tone] = {
    # Judgements and levels.
    "gronn": Tone(_("Grønn"), "#cce2d8", "#005a30", "#009e73"),
    "gul": Tone(_("Gul"), "#fff7bf", "#594d00", "#f0e442"),
    "rod": Tone(_("Rød"), "#f4cdc6", "#8e1f0b", "#d55e00"),
    "gra": Tone(_("Grå"), "#e5e6e7", "#383f43", "#999999"),
    "blalys": Tone(_("Blålys"), "#c6d9f1", "#0b2e5c", "#0072b2"),
    # Statuses of plan measures.
    "ikke_startet": Tone(_("Ikke startet"), "#ececec", "#333333", "#bbbbbb"),
    "pagar": Tone(_("Pågår"), "#dbe9f7", "#0d3d66", "#56b4e9"),
    "gjennomfort": Tone(_("Gjennomført"), "#d7f0dd", "#0b5a1e", "#009e73"),
    "utsatt": Tone(_("Utsatt"), "#fff1b8", "#5c4500", "#e69f00"),
    "avsluttet": Tone(_("Avsluttet"), "#e9e0dc", "#3e2a22", "#cc79a7"),
    "ikke_rapportert": Tone(_("Ikke rapportert"), "#ececec", "#333333", "#dddddd"),
}

#: What each judgement of an indicator change means (seed 001 L355-368).
JUDGEMENT_MEANINGS = {
    "gronn": _("Bevegelse i ønsket retning"),
    "gul": _("Uendret innenfor terskelen"),
    "rod": _("Bevegelse i uønsket retning"),
    "gra": _("Ingen måledata, første år eller ingen ønsket retning"),
}


def label(key: str) -> str:
    """The word of a judgement, level or status (``label("gronn")`` -> "Grønn")."""
    return str(TONES[key].label)


def judgement_labels() -> dict[str, str]:
    return {key: label(key) for key in JUDGEMENTS}


def status_labels() -> dict[str, str]:
    return {key: label(key) for key in STATUSES}


def chart_scale(keys) -> tuple[list[str], list[str]]:
    """``(labels, colours)`` for a chart's colour scale over ``keys``."""
    keys = list(keys)
    return [label(k) for k in keys], [TONES[k].chart for k in keys]


#: Series that mean no judgement, level or status (units, levels of the
#: organisation) are drawn in greys, so they never borrow a colour that means
#: something elsewhere (every Okabe-Ito colour above has a meaning). Each has
#: at least 4.5:1 against white (WCAG 2.1, 1.4.11 asks 3:1); lines also differ
#: by dash, so the legend's words, not the colours, tell them apart.
NEUTRAL = ("#1b1b1b", "#505a5f", "#6f777b", "#0b3d5c", "#5e4f3c")


def measure_scale(measures) -> tuple[list[str], list[str]]:
    """``(names, colours)`` for lines or bars of measures that count one level:
    ``measure_scale([("Levekårsindeks grønn", "gronn"), ("Bolig rød", "rod")])``.
    A share of «grønn» is drawn in grønn's colour, never in another."""
    measures = list(measures)
    return [str(name) for name, _key in measures], [TONES[key].chart for _name, key in measures]


def neutral_scale(names) -> tuple[list[str], list[str]]:
    """``(names, colours)`` for series without a meaning (units, levels)."""
    names = [str(n) for n in names]
    return names, [NEUTRAL[i % len(NEUTRAL)] for i in range(len(names))]
