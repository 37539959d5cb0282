"""Writes of core data: users, grants, units and population. Each write is audited,
in the same transaction."""

from datetime import datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import audit
from .dokumenter import model as d
from .dokumenter import sheets
from .domain.enheter import (
    PREDECESSOR_COLUMN,
    UNIT_COLUMNS,
    validate_population,
    validate_units,
)
from .domain.rounding import rounded
from .domain.serier import Reform
from .domain.tabular import read_table
from .domain.tilganger import Holding, holdings
from .models import (
    NIVA_ORDER,
    AuditAction,
    Grant,
    OrgUnit,
    Population,
    Profile,
    ReformKind,
    UnitSuccession,
)
from .roles import Role
from .scoping import audit_events_for, forget_successions, grants_covering, succession_links
from .uploads import limits


@transaction.atomic
def create_user(form, *, home_unit, by, request=None):
    """Save the new user of a valid ``UserCreateForm`` with its home unit (issue 18)."""
    user = form.save()
    Profile.objects.create(user=user, home_unit=home_unit)
    audit.record(AuditAction.CREATE, request=request, user=by, obj=user, unit=home_unit)
    return user


@transaction.atomic
def set_active(target, active: bool, *, by, request=None) -> None:
    """Deactivate or reactivate ``target``; a user is never deleted, so the log keeps its name."""
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit.record(AuditAction.UPDATE, request=request, user=by, obj=target,
                 detail={"is_active": active})


@transaction.atomic
def grant_role(*, granter, grantee, unit, role, request=None) -> Grant:
    if granter.pk == grantee.pk:
        raise PermissionError("Nobody can grant access to themselves.")
    grant = Grant.objects.create(user=grantee, unit=unit, role=role, granted_by=granter)
    audit.record(
        AuditAction.GRANT, request=request, user=granter, obj=grant, unit=unit,
        detail={"grantee": grantee.get_username(), "role": role},
    )
    return grant


@transaction.atomic
def revoke_grant(grant: Grant, *, by, request=None) -> None:
    audit.record(
        AuditAction.REVOKE, request=request, user=by, obj=grant, unit=grant.unit,
        detail={"grantee": grant.user.get_username(), "role": grant.role},
    )
    grant.delete()


# --- Organisation units and population ------------------------------------


@transaction.atomic
def import_units(data: bytes, filename: str = "", *, user=None, request=None) -> dict:
    """Create or update units from a CSV/XLSX file; all or nothing.

    Raises ``InvalidRows`` listing every bad line; then nothing is stored.
    """
    header, rows = read_table(data, filename, limits())
    existing = dict(OrgUnit.objects.values_list("code", "level"))
    existing_valid_to = dict(OrgUnit.objects.values_list("code", "valid_to"))
    unit_rows = validate_units(header, rows, existing, existing_valid_to)
    created = updated = 0
    by_code = {u.code: u for u in OrgUnit.objects.all()}
    for row in unit_rows:  # parents first
        unit = by_code.get(row.code) or OrgUnit(code=row.code)
        is_new = unit.pk is None
        unit.name, unit.level = row.name, row.level
        unit.parent = by_code.get(row.parent_code) if row.parent_code else None
        unit.valid_from, unit.valid_to = row.valid_from, row.valid_to
        unit.save()
        by_code[unit.code] = unit
        created += is_new
        updated += not is_new
    successions = 0
    if "forgjengere" in header:  # the file speaks for its units' predecessors
        for row in unit_rows:
            successor = by_code[row.code]
            keep = []
            for code, kind, reform_date in row.predecessors:
                link, _new = UnitSuccession.objects.update_or_create(
                    successor=successor, predecessor=by_code[code],
                    defaults={"kind": kind, "reform_date": reform_date},
                )
                keep.append(link.pk)
                successions += 1
            UnitSuccession.objects.filter(successor=successor).exclude(pk__in=keep).delete()
    _refresh_descendant_paths()
    forget_successions()  # this request reads the new links, not the ones it began with
    result = {"created": created, "updated": updated, "successions": successions}
    audit.record(AuditAction.IMPORT, request=request, user=user,
                 detail={"import": "enheter", **result})
    return result


def _refresh_descendant_paths():
    """Recompute every path top-down and store those that changed (after a move).

    A kommune moved to another fylke carries its bydeler along, though the
    file named only the kommune.
    """
    units = list(OrgUnit.objects.all())
    paths = {}
    changed = []
    for unit in sorted(units, key=lambda u: NIVA_ORDER.index(u.level)):
        paths[unit.pk] = (paths[unit.parent_id] if unit.parent_id else "/") + f"{unit.code}/"
        if unit.path != paths[unit.pk]:
            unit.path = paths[unit.pk]
            changed.append(unit)
    OrgUnit.objects.bulk_update(changed, ["path"])


def export_units_csv(stream) -> int:
    """Write all units as CSV in the import layout; return the row count."""
    links: dict[int, list[str]] = {}
    for link in UnitSuccession.objects.select_related("predecessor").order_by(
        "predecessor__code"
    ):
        links.setdefault(link.successor_id, []).append(f"{link.predecessor.code}:{link.kind}")
    rows = (
        [unit.code, unit.name, unit.level, unit.parent.code if unit.parent else "",
         unit.valid_from, unit.valid_to, ";".join(links.get(unit.pk, []))]
        for unit in OrgUnit.objects.select_related("parent").order_by("path")
    )
    return sheets.write_csv(stream, [[*UNIT_COLUMNS, PREDECESSOR_COLUMN], *rows]) - 1


@transaction.atomic
def import_population(data: bytes, filename: str = "", *, user=None, request=None) -> int:
    """Create or replace population cells from a CSV/XLSX file; all or nothing."""
    header, rows = read_table(data, filename, limits())
    units = {u.code: u for u in OrgUnit.objects.all()}
    parsed = validate_population(header, rows, set(units))
    return _store_population(parsed, units, user=user, request=request)


def _store_population(parsed, units, *, user=None, request=None) -> int:
    keys = {(r.unit_code, r.year) for r in parsed}
    for unit_code, year in keys:
        Population.objects.filter(unit=units[unit_code], year=year).delete()
    Population.objects.bulk_create(
        Population(
            unit=units[r.unit_code], year=r.year, sex=r.sex, age_from=r.age_from,
            age_to=r.age_to, count=r.count, approximate=r.approximate,
        )
        for r in parsed
    )
    audit.record(AuditAction.IMPORT, request=request, user=user,
                 detail={"import": "befolkning", "rows": len(parsed)})
    return len(parsed)


def adults(unit, year: int) -> int | None:
    """Inhabitants aged 16 and over in ``unit`` and ``year``, or None if unknown.

    Bands must start at 16 or later to count; a band such as 15-19 would be
    ambiguous, so population files should split at 16.
    """
    total = Population.objects.filter(unit=unit, year=year, age_from__gte=16).aggregate(
        total=Sum("count")
    )["total"]
    return total


def rate_per_1000_adults(count: int, unit, year: int):
    """``count`` per 1 000 inhabitants aged 16+ (one decimal), or None without population."""
    population = adults(unit, year)
    if not population:
        return None
    return rounded(Decimal(count) * 1000 / population, 1)


# --- The audit log, for administrators and the data protection officer -----


def filter_audit_events(events, data: dict):
    """``events`` narrowed by the filter form's person, action and period."""
    if data.get("username"):
        events = events.filter(username__icontains=data["username"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("date_from"):
        events = events.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        events = events.filter(at__date__lte=data["date_to"])
    return events


def detail_text(detail: dict) -> str:
    """``key=value; …`` with numbers as written (a year is 2019, never «2 019»)."""
    return "; ".join(f"{key}={value}" for key, value in sorted(detail.items()))


def audit_log_document(events, data: dict) -> d.Document:
    """The filtered audit log as a document for the CSV and XLSX writers (formula-safe)."""
    rows = [
        [format_datetime(e.at), e.username or "–", e.get_action_display(),
         e.object_type, e.object_id, e.object_repr, e.unit.code if e.unit else "",
         e.ip_address or "", detail_text(e.detail)]
        for e in events.iterator(chunk_size=2000)
    ]
    filters = [f"{key}: {value}" for key, value in data.items() if value]
    return d.Document(
        _("Logg"), [d.Section(_("Logg"), [d.Table(
            _("Logghendelser"),
            [_("Tidspunkt"), _("Bruker"), _("Hendelse"), _("Objekttype"), _("Objekt-id"),
             _("Objekt"), _("Enhet"), _("Adresse"), _("Detaljer")],
            [[d.text(v) for v in row] for row in rows],
            notes=[_("Filter: %(f)s") % {"f": ", ".join(filters)}] if filters else [],
            row_headers=False,
        )], key="logg")],
        filename="rusfelt-logg",
    )


def format_datetime(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S")


def access_holdings(officer, first, last) -> list[Holding]:
    """Who held which role on which of ``officer``'s units between ``first`` and ``last``
    (dates; either may be None), from the grants now and the log's grants and revokes."""
    events = (audit_events_for(officer, Role.PERSONVERNOMBUD)
              .filter(action__in=[AuditAction.GRANT, AuditAction.REVOKE], unit__isnull=False)
              .values_list("at", "action", "detail", "unit__code"))
    replay = [(at, action, detail.get("grantee", ""), code, detail.get("role", ""))
              for at, action, detail, code in events]
    current = [(g.user.get_username(), g.unit.code, g.role, g.created_at)
               for g in grants_covering(officer, Role.PERSONVERNOMBUD)
               .select_related("user", "unit")]
    start = (timezone.make_aware(datetime.combine(first, time.min)) if first else None)
    end = (timezone.make_aware(datetime.combine(last, time.max)) if last else None)
    return [h for h in holdings(replay, current) if h.overlaps(start, end)]



# --- Units through reforms ----------------------------------------------------------


def reforms_of(codes=None) -> dict:
    """``{successor code: [Reform, ...]}`` for ``serier.with_history``, reasons in bokmål.

    One reform per successor and date; its reason names the predecessors
    («Slått sammen med Finnøy (1141) og Rennesøy (1142) fra 2020»).
    """
    links = UnitSuccession.objects.select_related("successor", "predecessor")
    if codes is not None:
        links = links.filter(successor__code__in=list(codes))
    grouped: dict[tuple, list] = {}
    for link in links.order_by("successor__code", "reform_date", "predecessor__code"):
        grouped.setdefault((link.successor.code, link.reform_date), []).append(link)
    templates = {
        ReformKind.SAMMENSLAING: _("Slått sammen med %(units)s fra %(year)s"),
        ReformKind.DELING: _("Delt fra %(units)s fra %(year)s"),
        ReformKind.NYTT_NUMMER: _("Ny kode fra %(year)s, før %(units)s"),
    }
    out: dict[str, list] = {}
    for (code, day), group in grouped.items():
        year = day.year if (day.month, day.day) == (1, 1) else day.year + 1
        parts = []
        for kind in ReformKind:
            names = [f"{link.predecessor.name} ({link.predecessor.code})"
                     for link in group if link.kind == kind]
            if names:
                parts.append(templates[kind] % {
                    "units": get_text_list(names, _("og")), "year": year})
        out.setdefault(code, []).append(Reform(
            year, code, tuple(link.predecessor.code for link in group), "; ".join(parts)))
    return out


def predecessor_codes(code: str) -> list[str]:
    """Every unit ``code`` took over, through chains of reforms (for fetching their data)."""
    named: dict[str, list[str]] = {}
    for _sp, _pp, successor, predecessor, _id, _kind in succession_links():
        named.setdefault(successor, []).append(predecessor)
    seen: list[str] = []
    todo = [code]
    while todo and len(seen) < 100:
        current = todo.pop()
        for pred in named.get(current, []):
            if pred not in seen and pred != code:
                seen.append(pred)
                todo.append(pred)
    return seen
