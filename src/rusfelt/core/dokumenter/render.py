"""One entry point for every document: ``render(document, fmt)`` and ``response(...)``.

    from rusfelt.core.dokumenter import model as d, render

    document = d.Document("Statusrapport 2021", author="Stavanger kommune", sections=[
        d.Section("Status", [d.Table("Tiltak etter status", ["Status", "Antall"],
                                     [["Pågår", d.count(12)]])]),
    ])
    pdf = render.render(document, "pdf")          # bytes
    return render.response(document, "docx")     # a download in a view
"""

from __future__ import annotations

from django.http import HttpResponse

from .csv_writer import to_csv
from .docx_writer import to_docx
from .html_writer import to_html
from .model import Document
from .pdf_writer import to_pdf
from .sheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from .xlsx_writer import to_xlsx

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX_CONTENT_TYPE,
    "csv": CSV_CONTENT_TYPE,
}
FORMATS = tuple(CONTENT_TYPES)


def render(document: Document, fmt: str) -> bytes:
    """The document as ``fmt`` (html, pdf, docx, xlsx or csv)."""
    if fmt == "html":
        return to_html(document).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(document)
    if fmt == "docx":
        return to_docx(document)
    if fmt == "xlsx":
        return to_xlsx(document)
    if fmt == "csv":
        return to_csv(document)
    raise ValueError(f"unknown format {fmt!r}")


def response(document: Document, fmt: str, filename: str | None = None) -> HttpResponse:
    """A download of the document; the caller audits it."""
    return download(render(document, fmt), fmt, filename or document.filename)


def download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """A download of a document already rendered as ``fmt``; the caller audits it."""
    return HttpResponse(content, content_type=CONTENT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
