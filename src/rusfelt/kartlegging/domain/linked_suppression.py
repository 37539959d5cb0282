"""Joint (linked-table) suppression of everything published for a round's hierarchy.

Method ``rusfelt-gauss-lp``, version 1 (stored with every publication and
printed under every published table).

What is protected together
--------------------------
A *table set* is what one published unit shows for one year: its n and its
tables (life areas over grønn/gul/rød, categories, sex, age bands, services,
flags ...). The problem of a publication holds every table set that an
outsider can put beside the new one: the round itself, the sibling bydeler
already published, the parent kommune's aggregate, every version of the
country's aggregate published so far, and the new version. Their relations
are linear: each row of a distribution table sums to n, an aggregate's cell
is the sum of its members' cells, a yes-count is at most n. Earlier
publications are fixed: what was shown stays shown, what was ``:`` stays
``:`` (published figures cannot be undone).

Why this method
---------------
Two established methods were read:

* tau-ARGUS / sdcTable's **HiTaS** (de Wolf, "HiTaS: a heuristic approach to
  cell suppression in hierarchical tables", 2002; sdcTable manual,
  ``protectTable(method = "HITAS")``) protects a hierarchical table by
  cutting it into 2-D subtables and solving each with an optimisation
  model, then repeating over the subtables a change touches. It assumes one
  hierarchical table, not several linked tables that share only n, and it
  needs an LP/MIP solver in the loop for every subtable.
* Statistics Norway's **GaussSuppression** (Langsrud, "Secondary cell
  suppression by Gaussian elimination: an algorithm suitable for handling
  issues with zeros and singletons", *Privacy in Statistical Databases 2024*,
  LNCS 14915, doi:10.1007/978-3-031-69651-0_6; manual of the R packages
  SSBtools and GaussSuppression, functions ``GaussSuppression`` and
  ``CandidatesDefault``) works on any set of linear relations at once: the
  candidates for publication are taken in a fixed order, and a candidate is
  suppressed exactly when publishing it would make a suppressed cell a
  linear function of published ones.

Rusfelt's tables are many small marginal tables of one population, linked
through n and through the unit hierarchy, so GaussSuppression's "any linear
relations at once" fits and HiTaS's single hierarchical cube does not; and it
is deterministic by construction. This module implements the idea from the
paper and manual (not from their code):

1. **Primary**: counts from 1 to the threshold (setting
   ``RUSFELT_SUPPRESSION_THRESHOLD``, default 4). Zeros are published as
   ``-`` and never suppressed.
2. **Gaussian elimination** (exact disclosure): every cell not fixed is
   first unknown. Candidates are taken in GaussSuppression's default order
   (largest value first; ties: aggregates of many members first; then the
   cell's key), and each is published unless that makes a suppressed cell
   determined by the published ones, in which case it is suppressed
   (secondary) and protected from then on. The test is done on the reduced
   row echelon form of the relations restricted to the unknown cells: a
   cell is determined exactly when its pivot row has no other entry.
   Cells that zeros and earlier published cells alone fix exactly (a
   kommune's cell whose bydel cells were all shown) are published: hiding
   them would hide nothing.
3. **Interval protection** (the intruder, ``intruder.audit``): Gaussian
   elimination only prevents *exact* disclosure (Langsrud 2024, on
   singletons: a row ``[1, 38, 1]`` with its total leaves the two ``1`` in
   ``[1, 1]`` once zeros are known to be printed). The linear program of an
   outsider is solved for every suppressed cell; while a cell is exposed
   (max - min < 4, or max < 5), the published cell nearest to it through
   the suppressed cells it is linked with, and among those the one
   GaussSuppression would publish last (smallest value, single units before
   aggregates, then key), is suppressed too, and the audit runs again.
   Suppressing a cell only widens intervals, so a cell found safe stays
   safe. A *secondary* cell (not small) that no published cell can give
   room is published instead and the audit starts over; a small cell that
   cannot be protected stops the publication. Every step takes cells in a
   fixed order, so the same data always gives the same pattern.

Shares and rates
----------------
A share (one decimal) or a rate per 1 000 is printed only when its numerator
and its denominator are all published counts (else it is ``:``). Such a
share is a function of published counts and pins nothing they do not; the
intruder still takes every printed share as the interval its decimals allow
and checks it. Coarser publication of shares is not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .intruder import Interval, Share, audit

METHOD = "rusfelt-gauss-lp"
VERSION = "1"
METHOD_NAME = f"{METHOD}-v{VERSION}"
DEFAULT_THRESHOLD = 4

# Distribution tables: each row of a "rows" table, and the column of a listed
# "column" table, sums to the unit's n. Other column tables may leave persons
# out (blank answers), so they sum to at most n.
COLUMN_TABLES_SUMMING_TO_N = frozenset({"kategori", "rop", "kjonn", "alder", "tjeneste"})
N_KEY = ("antall", "totalt", "antall")
# Cells that count something other than persons (children), so not bounded by n.
NOT_PERSONS = frozenset({("barn", "antall_barn")})


class SuppressionError(ValueError):
    """No pattern protects every cell (only possible if earlier figures leaked)."""


@dataclass
class TableSet:
    """One unit's published figures for one year, as neutral counts.

    ``id`` names it in the problem (a round code, or ``<unit>-<year>-sum`` for
    an aggregate); ``members`` are the ids of the sets it is the sum of.
    ``tables`` are the neutral results' tables (dicts with name, kind, rows,
    cols, counts). A table may add ``relasjoner``: further linear relations an
    outsider knows between cells of the same unit, each ``{"type": "eq"|"le",
    "ledd": [[table, row, col, coefficient], ...]}`` meaning the sum of the
    terms is = 0 or <= 0 (screening's cross tables declare their margins so).
    ``fixed`` is the pattern of an earlier publication (a set
    of suppressed ``(table, row, col)``), or None for a new one.
    """

    id: str
    unit: str
    tables: list[dict]
    members: tuple[str, ...] = ()
    fixed: frozenset | None = None
    parent: str | None = None


@dataclass
class Problem:
    """Cells (key -> value) with their linear relations.

    ``equations``: dicts key -> coefficient with sum == 0; ``upper``: sum <= 0.
    """

    values: dict = field(default_factory=dict)
    equations: list = field(default_factory=list)
    upper: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    weight: dict = field(default_factory=dict)
    fixed_published: set = field(default_factory=set)
    fixed_suppressed: set = field(default_factory=set)
    threshold: int = DEFAULT_THRESHOLD


def table_sums_to_n(table: dict) -> tuple[bool, bool]:
    """``(radsum_er_n, kolonnesum_er_n)`` of a neutral table.

    A column table may say so itself with ``"sums_to_n": True`` (how new
    tables, such as screening categories, join the linked suppression).
    """
    kind = table["kind"]
    named = table["name"] in COLUMN_TABLES_SUMMING_TO_N
    return kind == "rows", kind == "column" and bool(table.get("sums_to_n", named))


def _shape(sets: list[TableSet]) -> dict:
    """The union of every set's tables, rows and columns (missing ones count zero)."""
    shape: dict = {}
    for ts in sets:
        for t in ts.tables:
            entry = shape.setdefault(t["name"], {"kind": t["kind"], "rows": [], "cols": []})
            if "sums_to_n" in t:
                entry["sums_to_n"] = t["sums_to_n"]
            for r in t["rows"]:
                if r not in entry["rows"]:
                    entry["rows"].append(r)
            for c in t["cols"]:
                if c not in entry["cols"]:
                    entry["cols"].append(c)
    return shape


def build_problem(sets: list[TableSet], threshold: int = DEFAULT_THRESHOLD,
                  shares: list[Share] | None = None) -> Problem:
    """The cells and relations of ``sets``; keys are ``(set id, table, row, col)``."""
    problem = Problem(threshold=threshold, shares=list(shares or []))
    shape = _shape(sets)
    by_id = {ts.id: ts for ts in sets}
    for ts in sets:
        given = {}
        for t in ts.tables:
            for r, row in zip(t["rows"], t["counts"], strict=True):
                for c, value in zip(t["cols"], row, strict=True):
                    given[(t["name"], r, c)] = int(value)
        n_key = (ts.id, *N_KEY)
        for name, entry in shape.items():
            by_rows, by_cols = table_sums_to_n({"name": name, **entry})
            for r in entry["rows"]:
                for c in entry["cols"]:
                    cell = (name, r, c)
                    key = (ts.id, *cell)
                    present = cell in given
                    problem.values[key] = given.get(cell, 0)
                    problem.weight[key] = max(1, len(ts.members))
                    if not present:  # not in the set's tables: known to be zero
                        problem.fixed_published.add(key)
                    elif ts.fixed is not None:
                        (problem.fixed_suppressed if cell in ts.fixed
                         else problem.fixed_published).add(key)
                    if entry["kind"] == "flags" and (name, r) not in NOT_PERSONS:
                        problem.upper.append({key: 1, n_key: -1})
            if by_rows:
                for r in entry["rows"]:
                    eq = {(ts.id, name, r, c): 1 for c in entry["cols"]}
                    eq[n_key] = eq.get(n_key, 0) - 1
                    problem.equations.append(eq)
            elif entry["kind"] == "column":
                for c in entry["cols"]:
                    terms = {(ts.id, name, r, c): 1 for r in entry["rows"]}
                    terms[n_key] = terms.get(n_key, 0) - 1
                    (problem.equations if by_cols else problem.upper).append(terms)
            if name == "barn" and "med_barn" in entry["rows"] and "antall_barn" in entry["rows"]:
                for c in entry["cols"]:
                    problem.upper.append({(ts.id, "barn", "med_barn", c): 1,
                                          (ts.id, "barn", "antall_barn", c): -1})
    for ts in sets:
        for t in ts.tables:
            for relation in t.get("relasjoner", ()):
                terms = {}
                for name, r, c, coef in relation["ledd"]:
                    key = (ts.id, name, r, c)
                    if key not in problem.values:
                        raise ValueError(f"Relation of {t['name']} names no cell {key}")
                    terms[key] = terms.get(key, 0) + coef
                (problem.equations if relation["type"] == "eq" else problem.upper).append(terms)
    for ts in sets:
        if not ts.members:
            continue
        missing = [m for m in ts.members if m not in by_id]
        if missing:
            raise ValueError(f"Aggregate {ts.id} lacks its members {missing}")
        for key in [k for k in problem.values if k[0] == ts.id]:
            eq = {key: 1}
            for m in ts.members:
                eq[(m, *key[1:])] = -1
            problem.equations.append(eq)
    return problem


# --- Gaussian elimination -----------------------------------------------------------


class _Echelon:
    """Reduced row echelon form of the relations over the unknown cells.

    Rows are sparse dicts column -> Fraction; ``pivot[row id]`` is the row's
    pivot column and ``rows_of[column]`` the rows with an entry in it.
    """

    def __init__(self, equations, unknown: set, order):
        self.rows: dict[int, dict] = {}
        self.pivot: dict[int, object] = {}
        self.pivot_row: dict[object, int] = {}
        self.rows_of: dict[object, set] = {}
        self.rank = {k: i for i, k in enumerate(order)}
        next_id = 0
        for eq in equations:
            row = {k: Fraction(c) for k, c in eq.items() if k in unknown and c}
            # Reduce by the existing pivots.
            for k in [k for k in row if k in self.pivot_row]:
                if k in row:
                    self._axpy(row, self.rows[self.pivot_row[k]], -row[k])
            if not row:
                continue
            rid = next_id
            next_id += 1
            self._add_row(rid, row)
            self._make_pivot(rid, self._choose_pivot(row))

    @staticmethod
    def _axpy(target: dict, source: dict, factor: Fraction) -> None:
        for k, v in source.items():
            value = target.get(k, 0) + factor * v
            if value:
                target[k] = value
            else:
                target.pop(k, None)

    def _choose_pivot(self, row):
        return min(row, key=self.rank.__getitem__)

    def _add_row(self, rid, row):
        self.rows[rid] = row
        for k in row:
            self.rows_of.setdefault(k, set()).add(rid)

    def _set_row(self, rid, row):
        for k in self.rows[rid]:
            if k not in row:
                self.rows_of[k].discard(rid)
        for k in row:
            self.rows_of.setdefault(k, set()).add(rid)
        self.rows[rid] = row

    def _make_pivot(self, rid, col):
        row = self.rows[rid]
        lead = row[col]
        if lead != 1:
            self._set_row(rid, {k: v / lead for k, v in row.items()})
            row = self.rows[rid]
        self.pivot[rid] = col
        self.pivot_row[col] = rid
        for other in sorted(self.rows_of.get(col, set()) - {rid}):
            target = dict(self.rows[other])
            self._axpy(target, row, -target[col])
            self._set_row(other, target)

    def determined(self) -> set:
        return {self.pivot[rid] for rid, row in self.rows.items() if len(row) == 1}

    def try_publish(self, col, protected: set) -> bool:
        """Remove ``col`` from the unknowns unless a protected cell becomes determined."""
        touched = {}
        if col in self.pivot_row:
            rid = self.pivot_row[col]
            row = {k: v for k, v in self.rows[rid].items() if k != col}
            if not row:
                touched[rid] = None  # the row only said col is determined
                new_pivot = None
            else:
                new_pivot = self._choose_pivot(row)
                lead = row[new_pivot]
                row = {k: v / lead for k, v in row.items()}
                touched[rid] = row
                for other in self.rows_of.get(new_pivot, set()) - {rid}:
                    target = {k: v for k, v in self.rows[other].items() if k != col}
                    self._axpy(target, row, -target[new_pivot])
                    touched[other] = target
        else:
            new_pivot = None
            for rid in self.rows_of.get(col, set()):
                touched[rid] = {k: v for k, v in self.rows[rid].items() if k != col}
        for row in touched.values():
            if row is None:
                continue
            if len(row) == 1 and next(iter(row)) in protected:
                return False
        # Commit.
        if col in self.pivot_row:
            rid = self.pivot_row.pop(col)
            del self.pivot[rid]
        for rid, row in touched.items():
            if row is None:
                for k in self.rows[rid]:
                    self.rows_of[k].discard(rid)
                del self.rows[rid]
                continue
            self._set_row(rid, row)
        if new_pivot is not None:
            rid = next(r for r, row in touched.items()
                       if row is not None and r not in self.pivot)
            self.pivot[rid] = new_pivot
            self.pivot_row[new_pivot] = rid
        self.rows_of.pop(col, None)
        return True


def _publish_order(problem: Problem):
    """GaussSuppression's default candidate order: large first, aggregates first."""
    return lambda k: (-problem.values[k], -problem.weight[k], repr(k))


def _forced(problem: Problem) -> set:
    """Cells that are published whatever happens.

    Zeros, cells of earlier publications that were shown, and cells that
    those alone fix exactly (a sum whose other members were all shown):
    hiding them would hide nothing.
    """
    values = problem.values
    forced = problem.fixed_published | {k for k, v in values.items() if v == 0}
    unknown = set(values) - forced
    order = sorted(unknown, key=_publish_order(problem))
    echelon = _Echelon(problem.equations, unknown, list(reversed(order)))
    small = {k for k, v in values.items() if 0 < v <= problem.threshold}
    # A small cell is never published, even if earlier figures pin it (then
    # ``protect`` refuses).
    return forced | (echelon.determined() - problem.fixed_suppressed - small)


def gauss_pattern(problem: Problem, forced: set | None = None) -> set:
    """Primary and secondary suppressions that leave no suppressed cell determined."""
    values = problem.values
    forced = _forced(problem) if forced is None else forced
    primary = {k for k, v in values.items()
               if 0 < v <= problem.threshold and k not in forced}
    protected = primary | problem.fixed_suppressed
    unknown = set(values) - forced
    order = sorted(unknown, key=_publish_order(problem))
    echelon = _Echelon(problem.equations, unknown, list(reversed(order)))
    suppressed = set(protected)
    for key in order:
        if key in protected:
            continue
        if not echelon.try_publish(key, protected):
            suppressed.add(key)
            protected.add(key)
    return suppressed


# --- Interval protection ------------------------------------------------------------


def _neighbours(problem: Problem) -> dict:
    links: dict = {}
    for terms in [*problem.equations, *problem.upper]:
        keys = list(terms)
        for k in keys:
            links.setdefault(k, set()).update(keys)
    for share in problem.shares:
        keys = [*share.numerator, *(share.denominator or ())]
        for k in keys:
            links.setdefault(k, set()).update(keys)
    return links


def protect(problem: Problem, max_rounds: int = 1000) -> tuple[set, list[Interval]]:
    """The suppression pattern and the intruder's intervals of its cells.

    Suppressing a cell only widens the others' intervals, so a cell found
    safe stays safe: each round audits only the cells not yet found safe.
    An exposed cell gets the published cell nearest to it hidden too; a
    *secondary* cell that nothing can give room is published instead (its
    value was not small), and the audit starts over. Raises
    ``SuppressionError`` when a small or earlier hidden cell cannot be
    protected (only possible when earlier publications already pin it).
    """
    values = problem.values
    forced = _forced(problem)
    suppressed = gauss_pattern(problem, forced)
    protected = problem.fixed_suppressed | {k for k, v in values.items()
                                            if 0 < v <= problem.threshold}
    links = _neighbours(problem)
    cost = _publish_order(problem)
    known: dict = {}
    for _ in range(max_rounds):
        unchecked = suppressed - {k for k, i in known.items() if not i.exposed}
        for interval in audit(problem, suppressed, only=unchecked, exact=False):
            known[interval.key] = interval
        exposed = [known[k] for k in sorted(suppressed, key=repr) if known[k].exposed]
        if not exposed:
            return suppressed, [known[k] for k in sorted(suppressed, key=repr)]
        added: set = set()
        stuck = []
        for interval in exposed:
            if links.get(interval.key, set()) & added:
                continue
            choice = _candidate_near(interval.key, links, suppressed, forced, cost)
            if choice is None:
                stuck.append(interval.key)
            else:
                suppressed.add(choice)
                added.add(choice)
        if not added:
            secondary = [k for k in stuck if k not in protected]
            if not secondary:
                raise SuppressionError(f"Cell {stuck[0]} cannot be protected")
            # Publishing a cell narrows others: audit everything again.
            suppressed.remove(secondary[0])
            forced.add(secondary[0])
            known = {}
    raise SuppressionError("Suppression did not settle")


def _candidate_near(key, links, suppressed, forced, cost):
    """The published cell to hide so that ``key`` gets room, or None.

    Walks from ``key`` through the suppressed cells linked with it (its
    component), layer by layer, and takes the published cell nearest to it
    that GaussSuppression would publish last.
    """
    seen = {key}
    frontier = {key}
    while frontier:
        near = set().union(*(links.get(k, set()) for k in frontier)) - seen
        seen |= near
        candidates = [k for k in near if k not in suppressed and k not in forced]
        if candidates:
            return max(candidates, key=cost)
        frontier = {k for k in near if k in suppressed}
    return None


def exposed_cells(problem: Problem, suppressed: set) -> list[Interval]:
    """The intruder's verdict: every exposed suppressed cell (empty when safe)."""
    return [i for i in audit(problem, suppressed, exact=False) if i.exposed]
