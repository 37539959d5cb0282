"""Small-number suppression (prikking) with Statistics Norway's symbols.

Every table that leaves the registering unit goes through ``suppress()``:

* primary suppression: a count from 1 to 4 is shown as ``:``;
* secondary suppression: more cells are suppressed until no suppressed cell
  can be recomputed from the published row and column totals.

A table is a grid of counts with its row totals (right) and column totals
(bottom, with the grand total). Suppressed cells are the unknowns of the
linear system "each row and each column adds up to its total"; a cell can be
recomputed exactly when it is determined by that system (it is zero in every
vector of the system's null space). The greedy loop adds the smallest
positive neighbouring cell until no suppressed cell is determined; totals
are suppressed only when nothing else works.

SSB symbols: ``:`` suppressed, ``..`` missing, ``.`` cannot occur, ``-``
zero, ``|`` break in series.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SUPPRESSED = ":"
MISSING = ".."
IMPOSSIBLE = "."
ZERO = "-"
BREAK = "|"

MIN_PUBLISHED = 5  # counts 1-4 are suppressed


def is_primary(count: int) -> bool:
    return 0 < count < MIN_PUBLISHED


@dataclass
class SuppressedTable:
    """Counts or ``:`` for the cells, the row totals and the column totals."""

    cells: list[list[int | str]]
    row_totals: list[int | str] | None
    col_totals: list[int | str] | None
    total: int | str | None


def _grid(cells, row_totals, col_totals):
    """The extended grid and its equations (lists of (position, coefficient))."""
    rows, cols = len(cells), len(cells[0]) if cells else 0
    grid = {(r, c): cells[r][c] for r in range(rows) for c in range(cols)}
    equations = []
    if row_totals:
        for r in range(rows):
            grid[(r, cols)] = sum(cells[r])
            equations.append([((r, c), 1) for c in range(cols)] + [((r, cols), -1)])
    if col_totals:
        for c in range(cols):
            grid[(rows, c)] = sum(cells[r][c] for r in range(rows))
            equations.append([((r, c), 1) for r in range(rows)] + [((rows, c), -1)])
    if row_totals and col_totals:
        grid[(rows, cols)] = sum(map(sum, cells))
        equations.append([((r, cols), 1) for r in range(rows)] + [((rows, cols), -1)])
        equations.append([((rows, c), 1) for c in range(cols)] + [((rows, cols), -1)])
    return grid, equations


def determined_cells(suppressed: set, equations) -> set:
    """The suppressed positions that the equations fix exactly."""
    unknowns = sorted(suppressed)
    if not unknowns:
        return set()
    index = {pos: i for i, pos in enumerate(unknowns)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for pos, coef in equation:
            if pos in index:
                row[index[pos]] += coef
        if any(row):
            matrix.append(row)
    # Reduced row echelon form.
    pivots = []
    r = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append((r, c))
        r += 1
        if r == len(matrix):
            break
    pivot_cols = {c for _, c in pivots}
    free = [c for c in range(len(unknowns)) if c not in pivot_cols]
    result = set()
    for row_i, c in pivots:
        if all(matrix[row_i][f] == 0 for f in free):
            result.add(unknowns[c])
    return result


def suppress(cells: list[list[int]], row_totals: bool = True,
             col_totals: bool = True) -> SuppressedTable:
    """Suppress ``cells`` (a list of rows of counts) and its totals for publishing."""
    if not cells or not cells[0]:
        return SuppressedTable([], [] if row_totals else None, [] if col_totals else None, 0)
    rows, cols = len(cells), len(cells[0])
    col_totals = col_totals and rows > 1
    row_totals = row_totals and cols > 1
    grid, equations = _grid(cells, row_totals, col_totals)
    suppressed = {pos for pos, value in grid.items() if is_primary(value)}
    while True:
        determined = determined_cells(suppressed, equations)
        if not determined:
            break
        target = min(determined)
        candidates = [
            pos for pos in grid
            if pos not in suppressed and (pos[0] == target[0] or pos[1] == target[1])
        ]
        if not candidates:  # cannot happen for a sane grid; fall back to any cell
            candidates = [pos for pos in grid if pos not in suppressed]

        def cost(pos):
            is_total = pos[0] == rows or pos[1] == cols
            return (is_total, grid[pos] == 0, grid[pos], pos)

        candidates.sort(key=cost)
        chosen = next(
            (pos for pos in candidates
             if target not in determined_cells(suppressed | {pos}, equations)),
            candidates[0],
        )
        suppressed.add(chosen)

    def shown(pos):
        return SUPPRESSED if pos in suppressed else grid[pos]

    return SuppressedTable(
        cells=[[shown((r, c)) for c in range(cols)] for r in range(rows)],
        row_totals=[shown((r, cols)) for r in range(rows)] if row_totals else None,
        col_totals=[shown((rows, c)) for c in range(cols)] if col_totals else None,
        total=shown((rows, cols)) if row_totals and col_totals else None,
    )


def suppress_vector(counts: list[int]) -> tuple[list[int | str], int]:
    """A one-row table with its (published) total: ``(shown counts, total)``."""
    table = suppress([list(counts)], row_totals=True, col_totals=False)
    total = sum(counts)
    return table.cells[0], (table.row_totals[0] if table.row_totals else total)


def suppress_single(count: int) -> int | str:
    return SUPPRESSED if is_primary(count) else count
