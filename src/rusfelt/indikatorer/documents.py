"""Indicator figures as document cells, and the status table as a document (PDF, XLSX).

The cells are the one way an indicator's value, change and judgement are
written, here and in the plan report and the knowledge-base report.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from rusfelt.core.dokumenter import labels
from rusfelt.core.dokumenter import model as d

from .domain.change import Measure, rounded
from .models import IndicatorType, Kind

#: Ratios and scores are printed with their decimals (2,0; 3,41: seed 001 L1092, L1649).
MIN_DECIMALS = {Kind.RATIO: 1, Kind.SCORE: 2}
#: The unit of a change in percentage points, as the indicator pages print it.
POINTS = "%-poeng"


def value_decimals(value: Decimal, indikator) -> int:
    """The indicator's decimals, else as stored (at most two), at least its kind's minimum."""
    if indikator.decimals is not None:
        return indikator.decimals
    stored = min(max(0, -Decimal(value).normalize().as_tuple().exponent), 2)
    return max(stored, MIN_DECIMALS.get(indikator.kind, 0))


def value_cell(value, indikator, *, marks: str = "", comment: str = "") -> d.Cell:
    """13 936; 3,41; 59 %: a share in percent, any other kind as a number."""
    if value is None:
        return d.Cell(d.Kind.SYMBOL, d.MISSING, comment=comment)
    decimals = value_decimals(value, indikator)
    if indikator.kind == Kind.ANDEL:
        cell = d.share(value, decimals)
    else:
        cell = d.number(value, decimals)
    return d.Cell(cell.kind, cell.value, cell.decimals, cell.unit, marks=marks, comment=comment)


def change_cell(value, measure) -> d.Cell:
    """1,5 %-poeng for a share, -16,9 % for a number; ``..`` where none can be computed."""
    if value is None:
        return d.symbol(d.MISSING)
    unit = POINTS if str(measure) == Measure.PROSENTPOENG else "%"
    # Rounded as the seed prints changes (half up, one decimal, seed 001 L1646).
    return d.share(rounded(value, 1), 1, unit=unit)


def judgement_cell(judgement) -> d.Cell:
    return d.text(labels.label(str(judgement)), tone=str(judgement))


def status_document(table, *, filters: str = "") -> d.Document:
    """The status table of a set and unit, one table per group, as in seed 001's appendix."""
    sett, unit = table.sett, table.unit
    header = [_("Nr."), _("Indikator"), _("Type"), _("Kilde"), _("Måleenhet"),
              *[str(y) for y in table.years]]
    for a, b in table.columns:
        header += [f"{a}–{b}", _("Vurdering %(from)s–%(to)s") % {"from": a, "to": b}]
    sections = []
    # Each type's and judgement's word translated once per document, not once per row or
    # cell (a third of the document's making, issue 12); a cell is immutable, so one
    # judgement cell serves every change judged alike.
    type_words = {value: str(word) for value, word in IndicatorType.choices}
    judged: dict[str, d.Cell] = {}
    for group in table.groups:
        rows = []
        for row in group.rows:
            ind = row.indikator
            cells = [d.count(ind.number), ind.title, type_words.get(ind.type, ind.type),
                     ind.source, ind.unit_label]
            # ``brudd``: the value's own break or a reform of the unit (StatusRow.cells).
            for v, brudd in row.cells:
                if v is None:
                    cells.append(d.symbol(d.MISSING))
                    continue
                marks = ("*" if v.provisional else "") + (f" {d.BREAK}" if brudd else "")
                cells.append(value_cell(v.value, ind, marks=marks,
                                        comment=v.missing_reason if v.value is None else ""))
            for change in row.changes:
                judgement = str(change.judgement)
                if judgement not in judged:
                    judged[judgement] = judgement_cell(judgement)
                cells += [change_cell(change.value, change.measure), judged[judgement]]
            rows.append(cells)
        # Each break's reason under its group, as on the page (_status_tables.html).
        break_notes = [f"{row.indikator.number}, {v.year} {d.BREAK}: {v.break_reason}"
                       for row in group.rows for v in row.values
                       if v is not None and v.break_in_series and v.break_reason]
        sections.append(d.Section(group.gruppe.name, [d.Table(
            f"{group.gruppe.name} – {unit.name}", header, rows, row_headers=False,
            notes=break_notes)], key=f"gruppe-{group.gruppe.code}"))
    legend = [f"{labels.label(j)}: {labels.JUDGEMENT_MEANINGS[j]}" for j in labels.JUDGEMENTS]
    notes = [
        _("Andeler endres i prosentpoeng; perioden viser gjennomsnittlig endring per år. "
          "Tall endres i prosent; perioden viser årlig vekst."),
        _("Vurdering: %(legend)s.") % {"legend": "; ".join(legend)},
        _("* foreløpig tall, | brudd i serien."),
        *table.notes,  # reforms in the table's years, and where earlier values come from
    ]
    if filters:
        notes.append(_("Utvalg: %(filters)s") % {"filters": filters})
    years = f"{table.years[0]}–{table.years[-1]}" if table.years else ""
    return d.Document(
        sett.name, sections, subtitle=_("Status for %(unit)s %(years)s") % {
            "unit": unit.name, "years": years},
        author=unit.name, subject=_("Indikatorstatus"), notes=notes,
        filename=f"{sett.slug}-{unit.code}", landscape=True,
    )
