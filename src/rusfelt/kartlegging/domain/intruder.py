"""The built-in intruder: what an outsider can work out from everything published.

An outsider who collects every published figure of a round's hierarchy sets
up a linear program (the attack of Fischetti and Salazar-González, used to
audit suppression patterns in tau-ARGUS; Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, section 5.2.4 "audit"):

* every published count is a known value;
* every structural relation of the tables holds: each row of a distribution
  table sums to the unit's n, a parent unit's cell is the sum of its
  children's cells, a yes-count is at most n;
* every published share or rate is only known to its printed decimals: a
  share printed as 12.3 % with denominator D means 12.25 % <= 100 x / D <=
  12.35 %;
* a suppressed cell is at least 1, because zeros are printed as ``-`` -
  except where a zero may be hidden: a zero is suppressed exactly when it lies
  in a *distribution* (a row of a table that splits the unit's persons, or
  the column of a one-column table) that would otherwise show no count but
  ``:`` and ``-`` (``linked_suppression``, "Zeros"). Such a distribution is
  then all ``:``, so the outsider takes every cell of an all-``:``
  distribution to be at least 0 (``may_be_zero``), and the others at least 1.

For every suppressed cell the intruder computes the smallest and the largest
value consistent with all of it with the HiGHS solver (through ``highspy``,
one model per component re-solved with a new objective, which is about ten
times faster here than building each program anew with
``scipy.optimize.linprog``; the tests check the intervals against
``linprog``),
rounds them inwards to integers, and calls the cell *exposed* when the
interval spans fewer than five values (max - min < 4) or its maximum is
below five (issue #9). The program is split into independent components (cells
linked by a constraint), so each linear program is small.

The intruder only reads a ``Problem`` (see ``linked_suppression``); it
imports no Django.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from dataclasses import dataclass
from decimal import Decimal

import highspy
import numpy as np
from scipy.sparse import csc_matrix

MIN_WIDTH = 4  # max - min must be at least this: five possible values or more
MIN_MAX = 5  # the largest possible value must be at least this

_EPS = 1e-6


@dataclass(frozen=True)
class Share:
    """A printed share or rate: ``scale * sum(numerator) / denominator``.

    ``denominator`` is a tuple of cell keys (summed) or, for a rate per
    1 000 inhabitants, ``None`` with ``constant`` the (public) population.
    """

    name: str
    numerator: tuple
    denominator: tuple | None
    value: Decimal
    decimals: int = 1
    scale: int = 100
    constant: int | None = None


@dataclass(frozen=True)
class Interval:
    key: tuple
    low: float
    high: float
    exact: bool = True  # False: a range proven feasible, inside the true interval

    @property
    def exposed(self) -> bool:
        return is_exposed(self.low, self.high)

    @property
    def settled(self) -> bool:
        """Safe whatever more is hidden. Hiding cells only widens a range, so a wide
        range stays wide; a proven zero (largest value 0) can widen into an
        exposed [0, 4] and must be audited again."""
        return _wide(self.low, self.high)

    def text(self) -> str:
        high = "∞" if math.isinf(self.high) else str(int(self.high))
        prefix = "" if self.exact else "minst "
        return f"{prefix}[{int(self.low)}, {high}]"


def is_exposed(low: float, high: float) -> bool:
    # A ":" that the published figures prove to be 0 (a hidden zero beside a
    # published zero sum) tells nothing a "-" would not: zeros are not protected.
    # Only a true zero can have a largest possible value of 0.
    if high == 0:
        return False
    return not _wide(low, high)


def _wide(low: float, high: float) -> bool:
    """True when values from ``low`` to ``high`` are possible enough to be safe."""
    return high - low >= MIN_WIDTH and high >= MIN_MAX


def _constraints(problem, suppressed: set):
    """Linear constraints on the suppressed cells, as (coefs, rhs, kind) triples.

    ``kind`` is "eq" or "ub" (coefs . x <= rhs). Published values move to the
    right-hand side; constraints without a suppressed cell are dropped.
    """
    values = problem.values
    out = []

    def split(terms):
        coefs, known = {}, 0.0
        for key, coef in terms.items():
            if key in suppressed:
                coefs[key] = coefs.get(key, 0.0) + coef
            else:
                known += coef * values[key]
        return {k: c for k, c in coefs.items() if c}, known

    for terms in problem.equations:
        coefs, known = split(terms)
        if coefs:
            out.append((coefs, -known, "eq"))
    for terms in problem.upper:
        coefs, known = split(terms)
        if coefs:
            out.append((coefs, -known, "ub"))
    for share in published_shares(problem, suppressed):
        # lo <= scale * num / den <= hi  <=>  scale*num - hi*den <= 0, lo*den - scale*num <= 0
        half = Decimal(5) / Decimal(10 ** (share.decimals + 1))
        lo, hi = float(share.value - half), float(share.value + half)
        terms_num = {k: share.scale for k in share.numerator}
        if share.denominator is None:
            terms_hi, known_den = dict(terms_num), float(share.constant)
            coefs, known = split(terms_hi)
            if coefs:
                out.append((coefs, hi * known_den - known, "ub"))
                out.append(({k: -c for k, c in coefs.items()}, known - lo * known_den, "ub"))
            continue
        upper = dict(terms_num)
        lower = {k: -v for k, v in terms_num.items()}
        for k in share.denominator:
            upper[k] = upper.get(k, 0) - hi
            lower[k] = lower.get(k, 0) + lo
        for terms in (upper, lower):
            coefs, known = split(terms)
            if coefs:
                out.append((coefs, -known, "ub"))
    return out


def published_shares(problem, suppressed: set) -> list[Share]:
    """The shares that are printed: those whose every cell is published.

    Rusfelt never prints a share or rate that involves a suppressed cell (see
    ``linked_suppression``); a share computed from published counts only
    adds nothing an outsider could not compute, and the intruder checks it.
    """
    out = []
    for share in problem.shares:
        cells = set(share.numerator) | set(share.denominator or ())
        if not cells & suppressed:
            out.append(share)
    return out


def _components(constraints, suppressed):
    parent = {k: k for k in suppressed}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for coefs, _rhs, _kind in constraints:
        keys = list(coefs)
        root = find(keys[0])
        for k in keys[1:]:
            other = find(k)
            if other != root:
                parent[other] = root
    groups: dict = {}
    for k in sorted(suppressed, key=repr):
        groups.setdefault(find(k), []).append(k)
    by_root: dict = {root: [] for root in groups}
    for constraint in constraints:
        by_root[find(next(iter(constraint[0])))].append(constraint)
    return [(groups[root], by_root[root]) for root in groups]


_banner_lock = threading.Lock()
_banner_done = False


def _highs():
    """A silent HiGHS instance.

    HiGHS writes a licence banner to the process's standard output (file
    descriptor 1, below Python) the first time an instance is made; that
    would spoil ``--format json``. The first instance is made with fd 1
    pointed at /dev/null.
    """
    global _banner_done
    with _banner_lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
        else:
            highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def may_be_zero(problem, suppressed: set) -> set:
    """The suppressed cells an outsider cannot take to be at least 1.

    Read from the published pattern alone: the cells of every distribution
    whose cells are all suppressed (only there are zeros hidden).
    """
    out: set = set()
    for cells in getattr(problem, "distributions", ()):
        if all(k in suppressed for k in cells):
            out.update(cells)
    return out


def _solve_component(keys, constraints, truth, only=None, exact=True,
                     zero_ok: set = frozenset()) -> dict:
    """Min and max of each cell of one component (of ``only``, if given)."""
    index = {k: i for i, k in enumerate(keys)}
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = len(keys)
    lp.num_row_ = len(constraints)
    lp.col_cost_ = np.zeros(len(keys))
    lp.col_lower_ = np.array([0.0 if k in zero_ok else 1.0 for k in keys])
    lp.col_upper_ = np.full(len(keys), inf)
    lower = np.empty(len(constraints))
    upper = np.empty(len(constraints))
    rows, cols, data = [], [], []
    for r, (coefs, rhs, kind) in enumerate(constraints):
        lower[r] = rhs if kind == "eq" else -inf
        upper[r] = rhs
        for k, c in coefs.items():
            rows.append(r)
            cols.append(index[k])
            data.append(float(c))
    lp.row_lower_ = lower
    lp.row_upper_ = upper
    matrix = csc_matrix((data, (rows, cols)), shape=(len(constraints), len(keys)))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = len(keys)
    lp.a_matrix_.num_row_ = len(constraints)
    highs = _highs()
    highs.passModel(lp)
    status = highspy.HighsModelStatus
    # Observed range of each cell over the points seen: the true one and every
    # optimum found. The true interval contains it, so a wide observed range
    # proves a cell safe without its own programs (when ``exact`` is false).
    seen_low = np.array([truth[k] for k in keys], dtype=float)
    seen_high = seen_low.copy()

    def solve(i, sign):
        highs.changeColCost(i, sign)
        highs.run()
        model_status = highs.getModelStatus()
        if model_status not in (status.kOptimal, status.kUnbounded,
                                status.kUnboundedOrInfeasible):
            # Rarely the warm start ends without a verdict; solve this one from scratch.
            highs.clearSolver()
            highs.run()
            model_status = highs.getModelStatus()
        if model_status in (status.kUnbounded, status.kUnboundedOrInfeasible):
            return math.inf
        if model_status != status.kOptimal:
            raise RuntimeError(f"Intruder LP failed for {keys[i]}: {model_status}")
        point = np.asarray(highs.getSolution().col_value)
        np.minimum(seen_low, point, out=seen_low)
        np.maximum(seen_high, point, out=seen_high)
        return sign * highs.getInfo().objective_function_value

    out = {}
    for k in keys:
        if only is not None and k not in only:
            continue
        i = index[k]
        # Only a range wide enough proves a cell safe unseen: a range of [0, 0] seen
        # at the true point alone is not a proof that the cell is 0 (is_exposed's
        # «proven zero» needs the cell's true largest value).
        if not exact and _wide(seen_low[i], seen_high[i]):
            out[k] = Interval(k, math.ceil(seen_low[i] - _EPS), math.floor(seen_high[i] + _EPS),
                              exact=False)
            continue
        high = solve(i, -1.0)
        if not exact and not is_exposed(seen_low[i], high):
            low = seen_low[i]
        else:
            low = solve(i, 1.0)
        highs.changeColCost(i, 0.0)
        low = math.ceil(low - _EPS)
        high = high if math.isinf(high) else math.floor(high + _EPS)
        out[k] = Interval(k, low, high, exact=exact or is_exposed(low, high))
    return out


def audit(problem, suppressed: set, only: set | None = None,
          exact: bool = True) -> list[Interval]:
    """The interval of every suppressed cell (or of those in ``only``), in a fixed order.

    With ``exact`` false, a cell whose values seen at the true point and at
    the optima already found span a safe range is reported with that range
    (``Interval.exact`` false): enough to prove it is not exposed, and much
    faster. Exposed cells always get their exact interval.
    """
    suppressed = set(suppressed)
    zero_ok = may_be_zero(problem, suppressed)
    constraints = _constraints(problem, suppressed)
    intervals = {}
    for keys, comp in _components(constraints, suppressed):
        if only is not None and not only.intersection(keys):
            continue
        intervals.update(_solve_component(keys, comp, problem.values, only, exact, zero_ok))
    return [intervals[k] for k in sorted(intervals, key=repr)]
