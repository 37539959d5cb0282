"""Publishing: joint suppression over a round's hierarchy, the intruder, storage.

``publish(runde)`` is the one place figures leave the system. It builds the
problem of every table set an outsider can put beside the round (the round,
and when it completes its kommune, the sibling bydeler as published and the
kommune's sum), chooses the pattern with ``domain.linked_suppression``,
runs the intruder on the result and, only when no cell is exposed, stores
one ``Publisering`` per new table set. Nothing is stored when it refuses.
``publish_sum(unit, year)`` publishes a sum of published rounds (the
country's, once a year) the same way.

Every reader (pages, XLSX/CSV, rapporter, planer, indikatorer, the JSON of
``rusfelt kartlegging publisert``) reads ``Publisering.data``.

Extension point: the tables of a round come from ``results.compute``;
a new table (for example screening categories) is added there, as a neutral
table dict. Its ``kind`` says how it is linked: ``rows`` (each row sums to n),
``column`` (add ``"sums_to_n": True`` when the column sums to n) or
``flags`` (each cell at most n). It is then suppressed jointly and audited
with the rest, and shown with its shares, without changes here.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rusfelt.core import audit
from rusfelt.core.domain.rounding import rounded
from rusfelt.core.models import AuditAction, Niva, OrgUnit
from rusfelt.core.services import adults
from rusfelt.indikatorer.services import record_kartlegging_values
from rusfelt.screening.results import indicator_values as screening_indicator_values

from .. import results as results_mod
from ..domain import intruder
from ..domain.linked_suppression import (
    DEFAULT_THRESHOLD,
    METHOD_NAME,
    SuppressionError,
    TableSet,
    build_problem,
    changed_since,
    protect,
    table_sums_to_n,
)
from ..domain.suppression import SUPPRESSED
from ..models import Publisering, Runde, RundeResultat, State, results_changed
from .errors import KartleggingError
from .stored import (
    current_publication,
    published_for,
    results_for,
    store_result,
    sum_publication,
)


def threshold() -> int:
    return int(getattr(settings, "RUSFELT_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def footnote(metode: str = METHOD_NAME, terskel: int | None = None) -> str:
    """The plain-Norwegian note printed under every published table."""
    terskel = terskel or threshold()
    return _(
        "«:» betyr at tallet er skjult (prikket): tall fra 1 til %(terskel)s, og så mange "
        "andre tall at de skjulte ikke kan regnes ut, heller ikke sammen med andre "
        "publiserte tabeller, bydeler, summer og andeler. Et publisert mønster blir "
        "aldri endret eller opphevet. «-» betyr null; i en rad som ellers bare ville vist "
        "«:» og «-», er også nullene prikket, så «:» kan der være null. Metode: %(metode)s."
    ) % {"terskel": terskel, "metode": metode}


# --- Table sets ---------------------------------------------------------------------


def sum_set_id(unit: OrgUnit, year: int) -> str:
    return f"{unit.code}-{year}-sum"


def raw_data(pub: Publisering) -> dict:
    """The unsuppressed counts behind a publication (never shown; for the next pattern)."""
    if pub.runde_id:
        return RundeResultat.objects.get(runde_id=pub.runde_id).data
    members = list(Publisering.objects.filter(set_id__in=pub.members).select_related("unit"))
    return results_mod.sum_results([raw_data(m) for m in members],
                                   [m.unit.name for m in members])


def _suppressed_cells(published: dict) -> frozenset:
    return frozenset((t["name"], r, c)
                     for t in published["tables"]
                     for r, row in zip(t["rows"], t["counts"], strict=True)
                     for c, value in zip(t["cols"], row, strict=True)
                     if value == SUPPRESSED)


def _table_set(set_id, unit, raw, members=(), pub=None, earlier=None) -> TableSet:
    fixed = _suppressed_cells(pub.data) if pub is not None else None
    shown = None
    if earlier is not None:
        shown = {(t["name"], r, c): value
                 for t in earlier.data["tables"]
                 for r, row in zip(t["rows"], t["counts"], strict=True)
                 for c, value in zip(t["cols"], row, strict=True)}
        shown[("antall", "totalt", "antall")] = earlier.data["n"]
    return TableSet(id=set_id, unit=unit.code, tables=raw["tables"], members=tuple(members),
                    fixed=fixed, earlier=shown, hides_zeros=_hides_zeros(pub))


def _hides_zeros(pub: Publisering | None) -> bool:
    """False for a release made before zeros could be hidden (method version 1)."""
    return pub is None or pub.metode != "rusfelt-gauss-lp-v1"


def _next_id(base: str) -> str:
    """``base``, or ``base#k`` when earlier (withdrawn) releases used it."""
    count = Publisering.objects.filter(Q(set_id=base) | Q(set_id__startswith=f"{base}#")).count()
    return f"{base}#{count + 1}" if count else base


def _withdrawn(**lookup) -> Publisering | None:
    """The latest withdrawn release matching ``lookup`` (None if there is none)."""
    return (Publisering.objects.filter(withdrawn_at__isnull=False, **lookup)
            .order_by("-withdrawn_at", "-pk").first())


def _refuse_changes(sets: list[TableSet]) -> None:
    """Refuse when a republished set would show other figures than its earlier release."""
    changed = [(ts.id, cell) for ts in sets for cell in changed_since(ts)]
    if changed:
        set_id, cell = changed[0]
        raise KartleggingError(_(
            "Publiseringen er stoppet: %(count)s tall som alt er publisert for denne runden "
            "(eller summen den inngår i), er endret siden forrige publisering (f.eks. "
            "%(cell)s). Forskjellen mellom de to publiseringene ville vise hva som er endret "
            "for enkeltpersoner. Bare endringer i prikkede tall kan publiseres på nytt. "
            "Ingenting er publisert."
        ) % {"count": len(changed), "cell": "/".join((set_id, *cell))})


def _population(units) -> int | None:
    total = 0
    for unit, year in units:
        count = adults(unit, year)
        if not count:
            return None
        total += count
    return total


def _published(raw: dict, set_id: str, suppressed: set, population: int | None,
               members=()) -> dict:
    """The figures of one table set as they leave the system."""
    tables = []
    for t in raw["tables"]:
        counts = [[SUPPRESSED if (set_id, t["name"], r, c) in suppressed else value
                   for c, value in zip(t["cols"], row, strict=True)]
                  for r, row in zip(t["rows"], t["counts"], strict=True)]
        by_rows, by_cols = table_sums_to_n(t)
        tables.append({**t, "counts": counts, "radsum_er_n": by_rows,
                       "kolonnesum_er_n": by_cols})
    n = SUPPRESSED if (set_id, "antall", "totalt", "antall") in suppressed else raw["n"]
    rate = None
    if population and raw["n"]:
        rate = SUPPRESSED if n == SUPPRESSED else str(
            rounded(Decimal(raw["n"]) * 1000 / population, 1))
    data = {"n": n, "rule": raw.get("rule"), "tables": tables, "rate_per_1000": rate,
            "suppressed": True, "metode": METHOD_NAME, "terskel": threshold(),
            "set_id": set_id, "members": list(members)}
    # Why a figure is missing (names of flags and units, never a count).
    for key in (results_mod.PARTLY, results_mod.LEFT_OUT):
        if raw.get(key):
            data[key] = raw[key]
    data["andeler"] = results_mod.andeler(data)
    return data


def shares_of(set_id: str, published: dict, population: int | None) -> list:
    """The printed shares of a published set, as the intruder reads them."""
    n_key = (set_id, "antall", "totalt", "antall")
    out = []
    by_name = {t["name"]: t for t in published["tables"]}
    for a in published["andeler"]:
        value = a["verdi"]
        if value in (None, SUPPRESSED):
            continue
        if a["navn"] == results_mod.RATE_SHARE:
            if population:
                out.append(intruder.Share(a["navn"], (n_key,), None, Decimal(value),
                                          scale=1000, constant=population))
            continue
        numerator = tuple((set_id, a["tabell"], a["rad"], c) for c in a["kolonne"].split("+"))
        if a["nevner"] == "n":
            denominator = (n_key,)
        else:
            t = by_name[a["tabell"]]
            denominator = tuple((set_id, a["tabell"], r, a["kolonne"]) for r in t["rows"])
        out.append(intruder.Share(a["navn"], numerator, denominator, Decimal(value)))
    return out


# --- Publishing -----------------------------------------------------------------------


def _solve(sets: list[TableSet], new: dict) -> dict:
    """Pattern, intruder and published data of the ``new`` sets; raises when exposed.

    ``new`` maps set id -> (unit, raw, population, members).
    """
    _refuse_changes(sets)
    problem = build_problem(sets, threshold())
    try:
        suppressed, _intervals = protect(problem)
    except SuppressionError:
        raise KartleggingError(_(
            "Publiseringen er stoppet: tallene kan ikke prikkes slik at de skjulte tallene "
            "ikke kan regnes ut sammen med det som alt er publisert. Ingenting er publisert."
        )) from None
    published = {set_id: _published(raw, set_id, suppressed, population, members)
                 for set_id, (_unit, raw, population, members) in new.items()}
    # Every printed share of every set, old and new, as the intruder reads it.
    shares = []
    for ts in sets:
        data = published.get(ts.id)
        if data is not None:
            shares += shares_of(ts.id, data, new[ts.id][2])
    problem.shares = shares
    exposed = [i for i in intruder.audit(problem, suppressed, exact=False) if i.exposed]
    if exposed:
        raise KartleggingError(_(
            "Publiseringen er stoppet: %(count)s skjulte tall kunne regnes ut eller snevres "
            "inn for mye av de publiserte tallene (f.eks. %(cell)s i %(interval)s). "
            "Ingenting er publisert."
        ) % {"count": len(exposed), "cell": "/".join(exposed[0].key),
             "interval": exposed[0].text()})
    return published


def _store(set_id, unit, year, data, runde=None, members=()) -> Publisering:
    return Publisering.objects.create(
        set_id=set_id, kind=Publisering.Kind.RUNDE if runde else Publisering.Kind.SUM,
        unit=unit, year=year, runde=runde, members=list(members), data=data,
        metode=METHOD_NAME, terskel=threshold())


def _round_set_id(runde: Runde) -> str:
    return runde.code


@transaction.atomic
def publish(runde: Runde, *, user=None, request=None) -> Publisering:
    """Publish ``runde`` (its results are stored first); refuse if any cell is exposed.

    When the round completes its kommune's bydeler for the year, the
    kommune's sum is published in the same pattern. Runs inside the state
    change's transaction: a refusal leaves nothing behind.
    """
    raw = store_result(runde).data
    # Republishing after a reopening: the earlier figures are withdrawn but may
    # be known, so they bind the new release (linked_suppression, "Republishing").
    set_id = _next_id(_round_set_id(runde))
    earlier = _withdrawn(runde=runde)
    population = _population([(runde.unit, runde.year)]) if raw["n"] else None
    sets = [_table_set(set_id, runde.unit, raw, earlier=earlier)]
    new = {set_id: (runde.unit, raw, population, ())}
    kommune = runde.unit.parent if runde.unit.level == Niva.BYDEL else None
    if kommune is not None and _completes(kommune, runde):
        siblings = list(Publisering.objects.current().filter(
            kind=Publisering.Kind.RUNDE, unit__parent=kommune, year=runde.year)
            .exclude(runde=runde).select_related("unit"))
        raws = [raw]
        for pub in siblings:
            sibling_raw = raw_data(pub)
            raws.append(sibling_raw)
            sets.append(_table_set(pub.set_id, pub.unit, sibling_raw, pub=pub))
        members = [set_id, *sorted(p.set_id for p in siblings)]
        total = results_mod.sum_results(raws, [runde.unit.name,
                                               *[p.unit.name for p in siblings]])
        total_id = _next_id(sum_set_id(kommune, runde.year))
        units = [(runde.unit, runde.year), *[(p.unit, p.year) for p in siblings]]
        sets.append(_table_set(total_id, kommune, total, members,
                               earlier=_withdrawn(unit=kommune, year=runde.year,
                                                  kind=Publisering.Kind.SUM)))
        new[total_id] = (kommune, total, _population(units) if total["n"] else None, members)
    published = _solve(sets, new)
    pub = _store(set_id, runde.unit, runde.year, published[set_id], runde=runde)
    for other_id, (unit, _raw, _pop, members) in new.items():
        if other_id != set_id:
            _store(other_id, unit, runde.year, published[other_id], members=members)
    notify_indikatorer(runde)
    audit.record(AuditAction.EXPORT, request=request, user=user, obj=runde,
                 username="" if user else "kommandolinje",
                 detail={"publisering": sorted(new), "metode": METHOD_NAME,
                         "terskel": threshold()})
    return pub


def _completes(kommune: OrgUnit, runde: Runde) -> bool:
    """True when ``runde`` is the last of the kommune's bydeler to publish this year."""
    if Publisering.objects.current().filter(unit=kommune, year=runde.year,
                                            kind=Publisering.Kind.SUM).exists():
        return False
    bydeler = list(kommune.children.filter(level=Niva.BYDEL).values_list("pk", flat=True))
    if not bydeler:
        return False
    done = set(Publisering.objects.current().filter(
        kind=Publisering.Kind.RUNDE, unit__in=bydeler, year=runde.year)
        .values_list("unit_id", flat=True))
    return set(bydeler) - done == {runde.unit_id}


@transaction.atomic
def publish_sum(unit: OrgUnit, year: int, *, user=None) -> Publisering:
    """Publish the sum of every published round under ``unit`` in ``year`` (once).

    Meant for the country, once the year's collection is over: a running
    national total would give each new round away as the difference of two
    versions, so a sum is never republished.
    """
    if sum_publication(unit, year) is not None:
        raise KartleggingError(_("Summen for %(unit)s %(year)s er alt publisert.")
                               % {"unit": unit.name, "year": year})
    pubs = list(Publisering.objects.current().filter(
        kind=Publisering.Kind.RUNDE, year=year,
        unit__in=type(unit).objects.descendants_of(unit)).select_related("unit"))
    if not pubs:
        raise KartleggingError(_("Ingen publiserte runder under %(unit)s i %(year)s.")
                               % {"unit": unit.name, "year": year})
    sets, raws = [], []
    for pub in pubs:
        raw = raw_data(pub)
        raws.append(raw)
        sets.append(_table_set(pub.set_id, pub.unit, raw, pub=pub))
    # Sums already published whose members are all here (a kommune's bydeler) are
    # linked to the new one through the same cells.
    ids = {p.set_id for p in pubs}
    for pub in Publisering.objects.current().filter(kind=Publisering.Kind.SUM, year=year):
        if pub.members and set(pub.members) <= ids:
            sets.append(_table_set(pub.set_id, pub.unit, raw_data(pub), pub.members, pub=pub))
    members = sorted(ids)
    total = results_mod.sum_results(raws, [p.unit.name for p in pubs])
    set_id = _next_id(sum_set_id(unit, year))
    sets.append(_table_set(set_id, unit, total, members,
                           earlier=_withdrawn(unit=unit, year=year, kind=Publisering.Kind.SUM)))
    population = _population([(p.unit, p.year) for p in pubs]) if total["n"] else None
    published = _solve(sets, {set_id: (unit, total, population, members)})
    pub = _store(set_id, unit, year, published[set_id], members=members)
    audit.record(AuditAction.EXPORT, user=user, obj=pub,
                 username="" if user else "kommandolinje",
                 detail={"publisering": [set_id], "metode": METHOD_NAME})
    return pub


def withdraw(runde: Runde) -> None:
    """Mark a reopened round's publication (and sums holding it) as withdrawn.

    The figures may already be known outside; they are kept, not deleted.
    """
    now = timezone.now()
    pubs = Publisering.objects.current().filter(runde=runde)
    ids = list(pubs.values_list("set_id", flat=True))
    pubs.update(withdrawn_at=now)
    results_changed()  # update() sends no post_save (models.Resultatstand)
    for pub in Publisering.objects.current().filter(kind=Publisering.Kind.SUM,
                                                    year=runde.year):
        if set(pub.members) & set(ids):
            pub.withdrawn_at = now
            pub.save(update_fields=["withdrawn_at"])


def preview(runde: Runde) -> dict:
    """The round's figures as they would be published alone (not stored)."""
    raw = results_for(runde)
    set_id = _round_set_id(runde)
    problem = build_problem([_table_set(set_id, runde.unit, raw)], threshold())
    suppressed, _ = protect(problem)
    population = _population([(runde.unit, runde.year)]) if raw["n"] else None
    return _published(raw, set_id, suppressed, population)


# --- Handing published figures on ------------------------------------------------


def indicator_values(data: dict) -> dict:
    """The indicator values of published figures: a share, or ``:`` where it is suppressed."""
    def value(name):
        v = results_mod.andel(data, name)
        if v in (None, SUPPRESSED):
            return v
        return Decimal(v)

    return {
        "andel_levekarsindeks_gronn": value("indeks_gronn"),
        "andel_rod_blalys": value("indeks_rod_blalys"),
        "andel_bostedslos": value("bolig_rod"),
        "andel_individuell_plan": value("ip"),
        "rate_per_1000": value(results_mod.RATE_SHARE),
        **screening_indicator_values(data),
    }


def notify_indikatorer(runde: Runde) -> None:
    """Hand the round's published key shares to indikatorer.

    When this publication completed a kommune's bydeler for the year, the
    kommune's published sum is handed on as well.
    """
    data = published_for(runde)
    if data and data["n"]:
        record_kartlegging_values(unit=runde.unit, year=runde.year,
                                  values=indicator_values(data),
                                  rule=runde.levekarsindeks_regel,
                                  break_reason=runde.break_reason or runde.break_kind)
    kommune = runde.unit.parent
    if runde.unit.level == Niva.BYDEL and kommune:
        total = sum_publication(kommune, runde.year)
        if total and total.data["n"]:
            record_kartlegging_values(unit=kommune, year=runde.year,
                                      values=indicator_values(total.data),
                                      rule=runde.levekarsindeks_regel)


# --- The outsider's view --------------------------------------------------------------


def year_problem(year: int):
    """Everything published for ``year``, as an outsider can read it.

    Suppressed cells get the placeholder 1; the intruder does not read them.
    Returns ``(problem, suppressed, publications)``.
    """
    pubs = list(Publisering.objects.current().filter(year=year).select_related("unit"))
    sets, shares, suppressed = [], [], set()
    for pub in pubs:
        tables = []
        for t in pub.data["tables"]:
            tables.append({**t, "counts": [[1 if v == SUPPRESSED else v for v in row]
                                           for row in t["counts"]]})
            suppressed |= {(pub.set_id, t["name"], r, c)
                           for r, row in zip(t["rows"], t["counts"], strict=True)
                           for c, v in zip(t["cols"], row, strict=True) if v == SUPPRESSED}
        sets.append(TableSet(id=pub.set_id, unit=pub.unit.code, tables=tables,
                             members=tuple(pub.members), hides_zeros=_hides_zeros(pub)))
    problem = build_problem(sets, pubs[0].terskel if pubs else threshold())
    for pub in pubs:
        units = ([(pub.unit, year)] if pub.runde_id else
                 [(p.unit, year) for p in pubs if p.set_id in pub.members])
        n = pub.data["n"]
        population = _population(units) if n not in (0, SUPPRESSED) else None
        shares += shares_of(pub.set_id, pub.data, population)
    problem.shares = shares
    return problem, suppressed, pubs


def revisjon(unit: OrgUnit, year: int) -> tuple[list, list, list]:
    """The intruder's exact interval of every suppressed cell published for ``year``.

    Returns ``(intervals of the unit and units under it, exposed elsewhere, publications)``.
    """
    problem, suppressed, pubs = year_problem(year)
    under = set(type(unit).objects.descendants_of(unit).values_list("code", flat=True))
    mine = {p.set_id for p in pubs if p.unit.code in under}
    intervals = intruder.audit(problem, suppressed, exact=True) if suppressed else []
    own = [i for i in intervals if i.key[0] in mine]
    elsewhere = [i for i in intervals if i.key[0] not in mine and i.exposed]
    return own, elsewhere, [p for p in pubs if p.set_id in mine]


def published_json(unit: OrgUnit, year: int) -> dict:
    """The published figures of ``unit`` and every unit under it, as published."""
    under = type(unit).objects.descendants_of(unit)
    pubs = list(Publisering.objects.current().filter(year=year, unit__in=under)
                .select_related("unit", "unit__parent").order_by("unit__path", "kind"))
    codes = set(Publisering.objects.current().filter(year=year)
                .values_list("unit__code", flat=True))
    enheter = {}
    for pub in pubs:
        if pub.unit.code in enheter:  # a kommune with its own round and a sum: the round
            continue
        parent = pub.unit.parent
        while parent is not None and parent.code not in codes:
            parent = parent.parent
        data = pub.data
        tables = []
        for t in data["tables"]:
            if t["name"] == "antall":
                continue
            tables.append({
                "navn": t["name"], "rader": t["rows"], "kolonner": t["cols"],
                "celler": [["-" if v == 0 else v for v in row] for row in t["counts"]],
                "radsum_er_n": t["radsum_er_n"], "kolonnesum_er_n": t["kolonnesum_er_n"],
                # Further relations an outsider knows (screening's margins, issue #16).
                **({"relasjoner": t["relasjoner"]} if t.get("relasjoner") else {}),
            })
        enheter[pub.unit.code] = {
            "n": data["n"], "overordnet": parent.code if parent else None,
            "metode": pub.metode, "tabeller": tables,
            "andeler": [{k: (float(v) if k == "verdi" and v not in (None, SUPPRESSED) else v)
                         for k, v in a.items()} for a in data["andeler"]],
        }
    return {"enheter": enheter}


__all__ = ["footnote", "publish", "publish_sum", "withdraw", "preview", "revisjon",
           "published_json", "published_for", "sum_publication", "current_publication",
           "threshold", "State"]
