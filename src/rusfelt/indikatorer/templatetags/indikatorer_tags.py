"""Indicator values, changes and judgements on the pages, written as the documents write them."""

import functools
from decimal import Decimal
from html import escape  # Django's escape() is this, wrapped for lazy strings

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter.formatting import NBSP, format_cell, format_number

from ..documents import change_cell, value_cell, value_decimals
from ..models import IndicatorType, Kind

register = template.Library()


def format_change(change) -> str:
    """«1,5 %-poeng», «-16,9 %» or «..» where no change can be computed."""
    if change is None:
        return format_cell(change_cell(None, None))
    return format_cell(change_cell(change.value, change.measure))


@register.filter
def verdi(value, indikator):
    """``{{ v.value|verdi:indikator }}``: formatted by the indicator's kind and decimals."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # A stored figure, as format_cell(value_cell(...)) writes it (tested equal) without
        # building two cells for each of an indicator page's thousands (issue 12).
        text = format_number(value, value_decimals(value, indikator))
        return f"{text}{NBSP}%" if indikator.kind == Kind.ANDEL else text
    return format_cell(value_cell(value, indikator))


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


@functools.lru_cache(maxsize=16)
def _marks(language: str) -> dict[str, str]:
    """The cells' fixed, escaped markup, translated once per language: a value cell is
    then joined from plain strings, where ``format_html`` escaped every part of each of
    thousands of cells (issue 12)."""
    return {
        "status_brudd": format_html('<span title="{}"> |</span>', _("brudd i serien")),
        "foreløpig": format_html('<sup title="{}">*</sup>', _("foreløpig")),
        "brudd": format_html('<abbr class="brudd" title="{}">|</abbr> ', _("Brudd i serien")),
        "mangler": escape(_("mangler")),
    }


def status_value_td(v, indikator, *, brudd=None) -> SafeString:
    """A status table's value cell: «..» without a row, the reason on a missing value,
    else the value with the provisional (*) and break (|) marks. ``brudd``: the
    series breaks here (the value's own break or a reform, ``StatusRow.cells``);
    None reads the value's own flag."""
    if v is None:
        return _STATUS_MISSING
    if brudd is None:
        brudd = v.break_in_series
    marks = _marks(get_language() or "")
    mark = marks["status_brudd"] if brudd else ""
    if v.value is None:
        return mark_safe(f'<td class="num"><abbr title="{escape(v.missing_reason)}">..</abbr>'
                         f'{mark}</td>')
    provisional = marks["foreløpig"] if v.provisional else ""
    return mark_safe(f'<td class="num">{escape(verdi(v.value, indikator))}{provisional}'
                     f'{mark}</td>')


def cell_marks() -> dict[str, str]:
    """The fixed markup of the value cells in the active language (``marks`` below)."""
    return _marks(get_language() or "")


def detail_value_td(v, indikator, *, brudd=False, kilde="", marks=None) -> SafeString:
    """An indicator page's value cell: «..» without a row, «..» with the reason
    (SSB's symbol, never N/A); a break in series (the value's own or a reform)
    before it as «|», and the unit the value comes from after it when that is a
    predecessor («(1201)»). ``marks``: ``cell_marks()``, looked up once per page."""
    marks = marks or _marks(get_language() or "")
    mark = marks["brudd"] if brudd else ""
    source = f' <span class="muted">({escape(kilde)})</span>' if kilde else ""
    if v is None:
        body = ".."
    elif v.value is None:
        reason = escape(v.missing_reason) if v.missing_reason else marks["mangler"]
        body = f'<abbr title="{reason}">..</abbr>'
    else:
        body = escape(verdi(v.value, indikator))
    return mark_safe(f'<td class="num">{mark}{body}{source}</td>')


def compare_value_td(v, indikator, *, brudd=False) -> SafeString:
    """The comparison's value cell: «..» with the reason for a missing value; «|»
    before it where the series breaks in the year compared (the value's own break
    or a reform)."""
    marks = _marks(get_language() or "")
    mark = marks["brudd"] if brudd else ""
    if v is None or v.value is None:
        reason = v.missing_reason if v is not None else ""
        reason = escape(reason) if reason else marks["mangler"]
        return mark_safe(f'<td class="num">{mark}<abbr title="{reason}">..</abbr></td>')
    return mark_safe(f'<td class="num">{mark}{escape(verdi(v.value, indikator))}</td>')


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


# --- Whole status table rows ----------------------------------------------------
# The status table wrote each of its ~85 rows through a dozen template nodes
# (the link's reverse(), the type's label, the rule, two loops over the cells):
# at national scale most of the page's time (issue 12). A row is written here
# once, with the markup _status_tables.html wrote.


@functools.lru_cache(maxsize=4096)
def _indicator_url(script_prefix: str, slug: str, number: int) -> str:
    """``Indikator.get_absolute_url`` without a reverse() per row (the prefix keys it)."""
    return reverse("indikatorer:indikator", args=[slug, number])


@functools.lru_cache(maxsize=16)
def _type_labels(language: str) -> dict[str, str]:
    """``Indikator.get_type_display`` for every type, translated once per language
    (Django flattens and translates every choice on each call)."""
    return {value: str(label) for value, label in IndicatorType.choices}


def status_row_tr(row, *, links: bool, slug: str = "") -> SafeString:
    """One ``<tr>`` of a status table: number, title (a link to the indicator's page
    with ``links``), unit label, the golden rule, type, source, then ``row.value_cells``
    and ``row.change_cells`` (already formatted)."""
    ind = row.indikator
    if links:
        title = format_html('<a href="{}">{}</a>',
                            _indicator_url(get_script_prefix(), slug, ind.number), ind.title)
    else:
        title = conditional_escape(ind.title)
    label = (format_html('<span class="muted">({})</span>', ind.unit_label)
             if ind.unit_label and ind.unit_label != "%" else "")
    rule = "" if row.rule_met is None else format_html(
        '<br><span class="muted">{} {}</span>', _("Gylne regel oppfylt:"),
        _("ja") if row.rule_met else _("nei"))
    return format_html(
        "\n    <tr>\n      <td>{}</td>\n      <td>{}\n        {}\n        {}\n      </td>\n"
        "      <td>{}</td>\n      <td>{}</td>\n      {}\n      {}\n    </tr>\n    ",
        localize(ind.number), title, label, rule,
        _type_labels(get_language() or "").get(ind.type, ind.type), ind.source,
        mark_safe("".join(row.value_cells)), mark_safe("".join(row.change_cells)),
    )
