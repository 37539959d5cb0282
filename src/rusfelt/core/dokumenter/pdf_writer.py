"""The PDF writer: the HTML of the document through WeasyPrint as tagged PDF/UA-1.

PDF/UA-1 (ISO 14289-1) makes WeasyPrint tag the structure (headings, tables
with their header cells, figures with their alternative text), so a screen
reader can follow the document; the title, language, author and subject come
from the HTML head, and the headings become the PDF's bookmarks. ``pdfinfo``
from poppler reports such a file as ``Tagged: yes`` (tested).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from .html_writer import context
from .model import Document
from .styles import stylesheet_text


def to_pdf(document: Document) -> bytes:
    html = render_to_string("dokumenter/document.html", {"document": context(document),
                                                          "pdf": True})
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(string=stylesheet_text(document))],
        pdf_variant="pdf/ua-1",
    )
