"""Indicator values, changes and judgements on the pages, written as the documents write them."""

import functools

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter.formatting import format_cell

from ..documents import change_cell, value_cell

register = template.Library()


def format_change(change) -> str:
    """«1,5 %-poeng», «-16,9 %» or «..» where no change can be computed."""
    if change is None:
        return format_cell(change_cell(None, None))
    return format_cell(change_cell(change.value, change.measure))


@register.filter
def verdi(value, indikator):
    """``{{ v.value|verdi:indikator }}``: formatted by the indicator's kind and decimals."""
    return "" if value is None else format_cell(value_cell(value, indikator))


@register.filter
def endring(change):
    return format_change(change)


@register.filter
def judgement_label(judgement):
    return labels.label(judgement) if judgement in labels.TONES else ""


@register.filter
def judgement_meaning(judgement):
    return labels.JUDGEMENT_MEANINGS.get(judgement, "")


@register.inclusion_tag("indikatorer/_judgement.html")
def judgement_cell(change):
    return {"change": change}


# --- Whole cells, formatted once in Python -------------------------------------
# A page with hundreds of rows formats each cell here, once, instead of through
# a filter and an inclusion tag per cell; the markup is that of _judgement.html
# and the tables' value cells.

_STATUS_MISSING = mark_safe('<td class="num"><span class="muted">..</span></td>')
_DETAIL_MISSING = mark_safe('<td class="num">..</td>')


def status_value_td(v, indikator) -> SafeString:
    """A status table's value cell: «..» without a row, the reason on a missing value,
    else the value with the provisional (*) and break (|) marks."""
    if v is None:
        return _STATUS_MISSING
    if v.value is None:
        return format_html('<td class="num"><abbr title="{}">..</abbr></td>', v.missing_reason)
    return format_html(
        '<td class="num">{}{}{}</td>', verdi(v.value, indikator),
        format_html('<sup title="{}">*</sup>', _("foreløpig")) if v.provisional else "",
        format_html('<span title="{}"> |</span>', _("brudd i serien"))
        if v.break_in_series else "",
    )


def detail_value_td(v, indikator) -> SafeString:
    """An indicator page's value cell: «..» without a row, «..» with the reason (SSB's
    symbol, as the reports print it; never N/A)."""
    if v is None:
        return _DETAIL_MISSING
    if v.value is None:
        return format_html('<td class="num"><abbr title="{}">..</abbr></td>',
                           v.missing_reason or _("mangler"))
    return format_html('<td class="num">{}</td>', verdi(v.value, indikator))


def compare_value_td(v, indikator) -> SafeString:
    """The comparison's value cell: «..» with the reason for a missing value."""
    if v is None or v.value is None:
        return format_html('<td class="num"><abbr title="{}">..</abbr></td>',
                           (v.missing_reason if v is not None else "") or _("mangler"))
    return format_html('<td class="num">{}</td>', verdi(v.value, indikator))


@functools.lru_cache(maxsize=64)
def _judgement_parts(judgement: str, language: str) -> tuple[SafeString, SafeString]:
    """The escaped opening and closing markup of a judgement cell, per language."""
    head = format_html('<td class="num judgement-cell"><span class="judgement judgement--{}" '
                       'title="{}">', judgement, judgement_meaning(judgement))
    tail = format_html(' <span class="judgement__label">({})</span></span></td>\n',
                       str(judgement_label(judgement)).lower())
    return head, tail


def judgement_td(change) -> SafeString:
    """The ``<td>`` of _judgement.html for one change, grey «..» for none (the words
    looked up once per judgement and language, the change formatted per cell)."""
    judgement = str(change.judgement) if change is not None else "gra"
    head, tail = _judgement_parts(judgement, get_language() or "")
    return mark_safe(head + conditional_escape(format_change(change)) + tail)
