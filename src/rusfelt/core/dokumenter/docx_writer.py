"""The DOCX writer: a document for the council papers, readable with a screen reader.

Word's own structure is used rather than looks: headings in the built-in
"Title" and "Heading 1" styles (the navigation pane and a screen reader list
them), every table's header row marked to repeat on each page
(``w:tblHeader``), every image with its text alternative (``wp:docPr/@descr``),
the language nb-NO on the default run properties, and title, subject and
author (the unit) in the core properties.
"""

from __future__ import annotations

import io

import vl_convert as vlc
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import labels
from .formatting import format_cell
from .model import SYMBOLS, Chart, Document, Facts, Paragraph, Table

LANGUAGE = "nb-NO"


def _set_language(docx, language: str) -> None:
    """The language of every run that does not say otherwise (docDefaults)."""
    rpr = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr"))
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), language)
    rpr.append(lang)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _shade(cell, hex_colour: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_colour.lstrip("#"))
    tcpr.append(shading)


def _table(docx, table: Table) -> None:
    docx.add_paragraph(table.caption, style="Caption")
    numeric = table.numeric_columns()
    out = docx.add_table(rows=1, cols=len(table.header))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = out.rows[0]
    _repeat_header(header)
    for i, heading in enumerate(table.header):
        paragraph = header.cells[i].paragraphs[0]
        paragraph.add_run(heading).bold = True
        if i in numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        cells = out.add_row().cells
        for i, cell in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            run = paragraph.add_run(format_cell(cell))
            if i == 0 and table.row_headers:
                run.bold = True
            if i in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if cell.tone:
                tone = labels.TONES[cell.tone]
                _shade(cells[i], tone.background)
                run.font.color.rgb = RGBColor.from_string(tone.foreground.lstrip("#").upper())
                run.bold = True
    for note in table.notes:
        _note(docx, note)


def _note(docx, text: str) -> None:
    docx.add_paragraph().add_run(text).italic = True


def _chart(docx, chart: Chart) -> None:
    png = vlc.vegalite_to_png(chart.spec, scale=2)
    docx.add_picture(io.BytesIO(png), width=Cm(15))
    shape = docx.inline_shapes[-1]
    shape._inline.docPr.set("descr", chart.alt)
    shape._inline.docPr.set("title", chart.title)
    docx.add_paragraph(chart.title, style="Caption")
    _table(docx, chart.table)


def to_docx(document: Document) -> bytes:
    docx = new_docx()
    docx.styles["Normal"].font.name = "Calibri"
    docx.styles["Normal"].font.size = Pt(10)
    _set_language(docx, document.language or LANGUAGE)
    props = docx.core_properties
    props.title = document.title
    props.subject = document.subject or document.subtitle
    props.author = document.author
    props.last_modified_by = document.author
    props.language = document.language or LANGUAGE
    props.keywords = ", ".join(document.rules)
    props.comments = "Rusfelt"

    docx.add_heading(document.title, level=0)
    if document.subtitle:
        docx.add_paragraph(document.subtitle, style="Subtitle")
    for section in document.sections:
        docx.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                if block.note:
                    _note(docx, block.text)
                else:
                    docx.add_paragraph(block.text)
            elif isinstance(block, Facts):
                for label, value in block.items:
                    paragraph = docx.add_paragraph()
                    paragraph.add_run(f"{label}: ").bold = True
                    paragraph.add_run(format_cell(value))
            elif isinstance(block, Chart):
                _chart(docx, block)
            else:
                _table(docx, block)
    symbols = document.symbols_used()
    if symbols or document.rules or document.notes:
        docx.add_heading(_("Tegn og regler"), level=1)
        if symbols:
            docx.add_paragraph(_("Tegn i tabellene (som hos SSB):") + " " + ", ".join(
                f"«{s}» {SYMBOLS[s]}" for s in symbols) + ".")
        if document.rules:
            docx.add_paragraph(_("Regler brukt i tallene:") + " " + ", ".join(document.rules))
        for note in document.notes:
            docx.add_paragraph(note)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
