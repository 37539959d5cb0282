"""The stylesheets of documents: the site's own, plus the rules for paper."""

from __future__ import annotations

from django.contrib.staticfiles import finders

from .model import Document

SITE_CSS = "rusfelt/css/site.css"
DOCUMENT_CSS = "rusfelt/css/document.css"


def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as f:
        return f.read()


def stylesheet_text(document: Document, *, print_rules: bool = True) -> str:
    """site.css and document.css; for paper also the page size and running footer."""
    css = _read(SITE_CSS) + "\n" + _read(DOCUMENT_CSS)
    if print_rules:
        size = "A4 landscape" if document.landscape else "A4"
        footer = (document.author + " – " if document.author else "") + document.title
        css += (
            f"\n@page {{ size: {size}; margin: 16mm 14mm 18mm;"
            f' @bottom-left {{ content: "{_css_string(footer)}"; }}'
            ' @bottom-right { content: "Side " counter(page) " av " counter(pages); } }\n'
        )
    return css


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
