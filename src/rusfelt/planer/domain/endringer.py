"""Amendments: the text a measure had at a date.

A measure stores its current text; each amendment stores the text before
and after, with the date it was decided (Stavanger's change log, seed 004
L804-860). Amendments take effect on their date. An amendment whose old text
is empty added the measure (tiltak 38, seed 004 L834): before it the
measure did not exist and ``text_at`` answers None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Amendment:
    date: date
    old_text: str
    new_text: str
    order: int = 0


def text_at(current_text: str, amendments: Iterable[Amendment], day: date) -> str | None:
    """The text in force on ``day``: the old text of the first amendment
    after ``day``, or the current text when none came after."""
    later = sorted((a for a in amendments if a.date > day), key=lambda a: (a.date, a.order))
    if not later:
        return current_text
    first = later[0]
    return first.old_text or None


def history(current_text: str, amendments: Iterable[Amendment]) -> list[tuple[date | None, str]]:
    """(from date, text) for every version, oldest first; None for the original."""
    ordered = sorted(amendments, key=lambda a: (a.date, a.order))
    versions: list[tuple[date | None, str]] = []
    if not ordered:
        return [(None, current_text)]
    if ordered[0].old_text:
        versions.append((None, ordered[0].old_text))
    for amendment in ordered:
        versions.append((amendment.date, amendment.new_text))
    return versions
