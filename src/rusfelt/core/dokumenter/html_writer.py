"""The HTML writer: a document as a page part, a standalone file, or the PDF's source.

``dokumenter/_body.html`` serves the page of an app (``{% include %}`` it with
``document`` from :func:`context`), the saved HTML file and the PDF, so the
three cannot differ. Tables get ``<caption>``, ``<th scope>`` and
right-aligned figures; charts are SVG images with their text alternative and
the table of their figures.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from rusfelt.core.charts import cached_svg_data_uri

from . import labels
from .formatting import format_cell
from .model import SYMBOLS, Cell, Chart, Document, Facts, Paragraph, Table
from .styles import stylesheet_text


def _cell(cell: Cell, numeric: bool, header: bool) -> str:
    """One cell as ``<td>`` (``<th scope="row">`` for a row header), escaped."""
    # A marked cell («2015 |», «12,5 % |») never wraps between figure and mark.
    classes = " ".join(c for c, on in (("num", numeric), ("marked", bool(cell.marks))) if on)
    attrs = format_html(' class="{}"', classes) if classes else ""
    text = format_cell(cell)
    if cell.tone:
        content = format_html('<span class="judgement judgement--{}">{}</span>', cell.tone, text)
    elif cell.comment:
        content = format_html('<abbr title="{}">{}</abbr>', cell.comment, text)
    else:
        content = text
    if header:
        return format_html('<th scope="row"{}>{}</th>', attrs, content)
    return format_html("<td{}>{}</td>", attrs, content)


def _row(row, numeric: set[int], row_headers: bool) -> str:
    """A body row's markup, formatted here once: per cell in the template it was most of
    a report page's rendering time (issue 12)."""
    return format_html("<tr>{}</tr>", format_html_join(
        "", "{}", ((_cell(c, i in numeric, row_headers and i == 0),)
                   for i, c in enumerate(row))))


def _table(table: Table) -> dict:
    numeric = table.numeric_columns()
    return {
        "type": "table", "caption": table.caption, "notes": table.notes,
        "row_headers": table.row_headers,
        "header": [{"text": h, "numeric": i in numeric} for i, h in enumerate(table.header)],
        "rows": [_row(row, numeric, table.row_headers) for row in table.rows],
    }


def _block(block) -> dict:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "note": block.note}
    if isinstance(block, Facts):
        return {"type": "facts", "items": [(k, format_cell(v)) for k, v in block.items]}
    if isinstance(block, Chart):
        return {"type": "chart", "title": block.title, "alt": block.alt,
                "src": cached_svg_data_uri(["dokument-figur", block.spec], lambda: block.spec),
                "table": _table(block.table)}
    return _table(block)


def context(document: Document) -> dict:
    """The document as plain dicts for ``dokumenter/_body.html``."""
    sections = []
    for i, section in enumerate(document.sections, start=1):
        key = section.key or slugify(section.heading) or f"del-{i}"
        sections.append({"heading": section.heading, "id": f"del-{key}",
                         "blocks": [_block(b) for b in section.blocks]})
    return {
        "title": document.title, "subtitle": document.subtitle, "author": document.author,
        "subject": document.subject, "language": document.language,
        "sections": sections, "notes": document.notes, "rules": document.rules,
        "symbols": [(s, SYMBOLS[s]) for s in document.symbols_used()],
        "landscape": document.landscape,
        "tones": labels.TONES,
    }


def to_html(document: Document, *, inline_css: bool = True) -> str:
    """A standalone HTML file; its styles inlined, since it is saved and not served."""
    return render_to_string("dokumenter/document.html", {
        "document": context(document),
        "css": stylesheet_text(document, print_rules=False) if inline_css else "",
    })
