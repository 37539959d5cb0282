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
   ``-`` unless step 2b hides them.
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
2b. **Zeros** (see "Zeros" below): in a distribution that would show no
   count but ``:`` and ``-``, the zeros are hidden too.
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

Zeros
-----
Printing zeros as ``-`` beside ``:`` can tell an attribute of a whole group
without telling any count: a row over grønn/gul/rød shown as ``- : -`` says
that every person of the unit is gul, and in a bydel with n from 1 to 4
(where every count is hidden) the places of ``-`` give each area's levels
away - for n = 1, the person's. Langsrud (2024, above) calls this the
problem of zeros and singletons; GaussSuppression offers ``protectZeros``
(every zero is primary suppressed) and ``secondaryZeros`` (zeros may be
chosen as secondary suppressions), with singleton methods that guard sums
of hidden cells (manual: ``GaussSuppressionFromData``, ``PrimaryDefault``,
``SingletonDefault``).

``protectZeros`` would hide every zero in every table (most cells of small
units, and the many true zeros of large ones) and make ``-`` meaningless.
Rusfelt takes the narrower rule the disclosure calls for, in the spirit of
``secondaryZeros``: a *distribution* is a row of a table whose rows split
the unit's persons (``rows`` tables, and rows of several columns such as
screening's categories per sex) or the column of a one-column ``column``
table. When a distribution has a suppressed cell and no published count
other than zeros, its zeros are suppressed too, so that it shows only
``:`` and nothing about which categories are empty. This is repeated until
nothing changes (a hidden zero can empty another distribution). A zero
published earlier stays published.

The rule reads only the published pattern, so an outsider who knows it
knows exactly this: a ``:`` may be 0 when it lies in a distribution shown
entirely as ``:``, and is at least 1 otherwise (and in releases made before
this rule, method version 1, always at least 1). The intruder models exactly
that (``intruder.may_be_zero``), and a hidden zero is protected like any
other ``:`` (it must not be pinned either, or its ``:`` would tell more
than the others) - except where published zeros prove it zero (a kommune's
``-`` over a small bydel's hidden zero): an interval [0, 0] tells nothing a
``-`` had not told, and only a true zero can have it (``intruder.is_exposed``).

Republishing
------------
A reopened round may be published again; its earlier release (and the sums
that held it) is withdrawn but may be known. Two releases of almost the same
data give the changes away as their difference: a person added shows as +1
in each of their categories. Rusfelt keeps the earlier pattern as a hard
constraint and refuses anything else (``changed_since``): every count the
earlier release hid stays hidden, and every figure it showed must be shown
again with the same value. So the only changes that can be republished are
changes inside hidden cells, and an outsider with both releases sees nothing
the new one does not show (the old ``:`` are the new ``:``, the old numbers
the new numbers). A release whose shown figures changed is refused with a
message; the corrected figures are then kept for the unit's own use. (Taking
the difference table as a table of its own to protect would allow more, but
its hidden differences are linked to both releases in ways the intruder's
linear program does not see; refusing is the choice that provably holds.)

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
from .suppression import SUPPRESSED

METHOD = "rusfelt-gauss-lp"
VERSION = "2"  # 2: zeros hidden in distributions that show nothing else
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
    ``earlier`` is what a withdrawn earlier release of the same figures showed
    (a reopened round, or a sum holding it): ``(table, row, col)`` -> the
    count or ``":"`` (see "Republishing" above).
    ``fixed`` is the pattern of an earlier publication (a set
    of suppressed ``(table, row, col)``), or None for a new one.
    """

    id: str
    unit: str
    tables: list[dict]
    members: tuple[str, ...] = ()
    fixed: frozenset | None = None
    parent: str | None = None
    earlier: dict | None = None  # a withdrawn release of the same figures: cell -> value or ":"
    hides_zeros: bool = True  # False for a release made before the rule on zeros (method v1)


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
    distributions: list = field(default_factory=list)  # tuples of keys ("Zeros")


def changed_since(ts: TableSet) -> list[tuple]:
    """Cells that ``ts.earlier`` showed with another value than ``ts`` has now.

    A cell no longer in the tables counts as zero. Empty when nothing shown
    changed (or there is no earlier release).
    """
    if ts.earlier is None:
        return []
    now = {}
    for t in ts.tables:
        for r, row in zip(t["rows"], t["counts"], strict=True):
            for c, value in zip(t["cols"], row, strict=True):
                now[(t["name"], r, c)] = int(value)
    return sorted(cell for cell, value in ts.earlier.items()
                  if value != SUPPRESSED and int(value) != now.get(cell, 0))


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
    shown = set()  # keys of cells a set has in its own tables
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
                    if present:
                        shown.add(key)
                    problem.values[key] = given.get(cell, 0)
                    problem.weight[key] = max(1, len(ts.members))
                    if not present:  # not in the set's tables: known to be zero
                        problem.fixed_published.add(key)
                    elif ts.fixed is not None:
                        (problem.fixed_suppressed if cell in ts.fixed
                         else problem.fixed_published).add(key)
                    elif ts.earlier is not None and cell in ts.earlier:
                        (problem.fixed_suppressed if ts.earlier[cell] == SUPPRESSED
                         else problem.fixed_published).add(key)
                    if entry["kind"] == "flags" and (name, r) not in NOT_PERSONS:
                        problem.upper.append({key: 1, n_key: -1})
            if not ts.hides_zeros:
                pass  # an earlier release that showed every zero: no distribution may hide one
            elif entry["kind"] == "column" and len(entry["cols"]) == 1:
                problem.distributions.append(
                    tuple((ts.id, name, r, entry["cols"][0]) for r in entry["rows"]))
            elif entry["kind"] in ("rows", "flags") and len(entry["cols"]) > 1:
                problem.distributions.extend(
                    tuple((ts.id, name, r, c) for c in entry["cols"]) for r in entry["rows"])
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
        # A cell the aggregate does not have is not a zero to solve for: a sum
        # leaves out a flag some member did not register (results.sum_results),
        # so no relation ties the members' counts of it together.
        for key in [k for k in problem.values if k[0] == ts.id and k in shown]:
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


def hide_zeros(problem: Problem, suppressed: set) -> set:
    """``suppressed`` with the zeros of every distribution that shows no other count.

    See "Zeros" above. Zeros already published (earlier publications, tables
    a set does not have) stay published.
    """
    values = problem.values
    out = set(suppressed)
    changed = True
    while changed:
        changed = False
        for cells in problem.distributions:
            if not any(k in out for k in cells):
                continue
            shown = [k for k in cells if k not in out]
            if any(values[k] for k in shown):
                continue
            zeros = [k for k in shown if k not in problem.fixed_published]
            if zeros:
                out.update(zeros)
                changed = True
    return out


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
    with a wide interval stays safe: each round audits only the cells not
    yet settled (``Interval.settled``). A proven zero is audited again, as
    widening can turn its [0, 0] into an exposed [0, 4].
    An exposed cell gets the published cell nearest to it hidden too; a
    *secondary* cell that nothing can give room is published instead (its
    value was not small), and the audit starts over. Raises
    ``SuppressionError`` when a small or earlier hidden cell cannot be
    protected (only possible when earlier publications already pin it).
    """
    values = problem.values
    forced = _forced(problem)
    chosen = gauss_pattern(problem, forced)  # the non-zero cells hidden
    suppressed = hide_zeros(problem, chosen)
    protected = problem.fixed_suppressed | {k for k, v in values.items()
                                            if 0 < v <= problem.threshold}
    links = _neighbours(problem)
    cost = _publish_order(problem)
    known: dict = {}
    for _ in range(max_rounds):
        unchecked = suppressed - {k for k, i in known.items() if i.settled}
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
                chosen.add(choice)
                added.add(choice)
        if added:
            # More hidden cells and zeros only widen the others' intervals.
            suppressed = hide_zeros(problem, chosen)
        else:
            # A hidden zero is not published again: it is protected like a small cell.
            secondary = [k for k in stuck if k not in protected and values[k] != 0]
            if not secondary:
                raise SuppressionError(f"Cell {stuck[0]} cannot be protected")
            # Publishing a cell narrows others (and may show zeros): audit everything again.
            chosen.discard(secondary[0])
            forced.add(secondary[0])
            suppressed = hide_zeros(problem, chosen)
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
