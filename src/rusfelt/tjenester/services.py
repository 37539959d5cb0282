"""Searching and maintaining the directory. Views call these; so do the API
and the command line.

The public search is not scoped: published services are public. Changes go
through ``save_tjeneste`` / ``mark_verified``, which audit every write.
"""

import operator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from rusfelt.core import audit
from rusfelt.core.models import AuditAction, Niva, OrgUnit

from .domain import apningstider, sok
from .domain.helligdager import is_public_holiday
from .fields import contains_value
from .models import (
    PARORENDE_GROUPS,
    Apningstid,
    Tjeneste,
    Unntak,
)

PAGE_SIZE = 20


class ConcurrentEditError(Exception):
    """Someone else saved the service after this form was opened."""


def now_local() -> datetime:
    """The wall-clock time in Europe/Oslo, naive (tests move it with time-machine)."""
    return timezone.localtime().replace(tzinfo=None)


@dataclass
class Filters:
    """The public search's parameters (the same for the page and the API)."""

    q: str = ""
    alder: int | None = None
    rolle: str = ""  # "bruker" (for myself) or "parorende" (I am a relative)
    kategori: str = ""
    tilgang: str = ""
    apen: bool = False
    sted: str = ""  # OrgUnit code of a kommune or bydel

    @classmethod
    def from_cleaned(cls, data: dict) -> "Filters":
        return cls(
            q=data.get("q") or "",
            alder=data.get("alder"),
            rolle=data.get("rolle") or "",
            kategori=data.get("kategori") or "",
            tilgang=data.get("tilgang") or "",
            apen=bool(data.get("apen")),
            sted=data.get("sted") or "",
        )


def filtered(filters: Filters):
    """Published services matching every filter except "open now", in name order."""
    qs = Tjeneste.objects.published()
    groups = sok.query_terms(filters.q)
    for group in groups:
        qs = qs.filter(_group_q("search_index", group))
    if filters.kategori:
        qs = qs.filter(category=filters.kategori)
    if filters.tilgang:
        qs = qs.filter(access_routes__contains=contains_value(filters.tilgang))
    if filters.alder is not None:
        qs = qs.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=filters.alder),
            Q(age_max__isnull=True) | Q(age_max__gte=filters.alder),
        )
    if filters.rolle == "parorende":
        relatives = Q(category="parorende")
        for group in PARORENDE_GROUPS:
            relatives |= Q(target_groups__contains=contains_value(group))
        qs = qs.filter(relatives)
    elif filters.rolle == "bruker":
        # Leave out what is only for relatives.
        only_relatives = {f",{','.join(c)}," for c in (
            ["parorende"], ["barn_parorende"], ["parorende", "barn_parorende"],
            ["barn_parorende", "parorende"])}
        qs = qs.exclude(target_groups__in=only_relatives)
    if filters.sted:
        unit = OrgUnit.objects.filter(code=filters.sted).first()
        if unit is None:
            return qs.none()
        # The unit's own and its bydeler's services, and those of the units
        # above it (a kommune-wide service serves every bydel).
        above = [u.code for u in unit.ancestors() if u.level != Niva.LAND]
        qs = qs.filter(Q(unit__path__startswith=unit.path) | Q(unit__code__in=above))
    if not groups:
        return qs.order_by("name", "pk")
    # Services whose NAME matches more of the query come first.
    rank = sum(
        (Case(When(_group_q("name_index", group), then=1), default=0,
              output_field=IntegerField()) for group in groups),
        Value(0),
    )
    return qs.annotate(name_rank=rank).order_by("-name_rank", "name", "pk")


def _group_q(field: str, group: list[list[str]]) -> Q:
    """One query word (domain.sok.query_terms) as SQL: any alternative, all its prefixes."""
    alternatives = [
        reduce(operator.and_, (Q(**{f"{field}__contains": f" {term}"}) for term in alternative))
        for alternative in group
    ]
    return reduce(operator.or_, alternatives)


def open_now_ids(qs, at: datetime) -> list[int]:
    """Ids in ``qs`` of services open at local time ``at``, in ``qs``'s order.

    SQL applies the weekly periods and the holiday rule exactly (the same
    rule as ``domain.apningstider``, proved equal in test_open_now_sql.py);
    only services with a dated exception yesterday or today are then checked
    by the domain rule itself, so the work stays small at 5 000 services.
    """
    t, today = at.time(), at.date()
    yesterday = today - timedelta(days=1)
    started_today = Q(weekday=today.weekday(), opens__lte=t) & (
        Q(closes__gt=t) | Q(closes__lte=F("opens")))
    from_yesterday = Q(weekday=yesterday.weekday(), closes__gt=t, closes__lte=F("opens"))
    if is_public_holiday(today):
        started_today &= Q(tjeneste__open_on_holidays=True)
    if is_public_holiday(yesterday):
        from_yesterday &= Q(tjeneste__open_on_holidays=True)
    running = Apningstid.objects.filter(started_today | from_yesterday).values("tjeneste_id")
    excepted = Unntak.objects.filter(day__in=[yesterday, today]).values("tjeneste_id")
    ids = list(qs.filter(Q(pk__in=running) | Q(pk__in=excepted)).values_list("pk", flat=True))
    to_check = list(qs.filter(pk__in=excepted).values_list("pk", flat=True))
    schedules = schedules_for(to_check)
    closed = {pk for pk in to_check if not apningstider.is_open(schedules[pk], at)}
    return [pk for pk in ids if pk not in closed]


def schedules_for(ids) -> dict[int, apningstider.Schedule]:
    """Domain schedules of some services, in three queries and no model instances."""
    ids = list(ids)
    if not ids:
        return {}
    periods: dict[int, list] = {i: [] for i in ids}
    exceptions: dict[int, list] = {i: [] for i in ids}
    holidays = dict(Tjeneste.objects.filter(pk__in=ids).values_list("pk", "open_on_holidays"))
    for tid, weekday, opens, closes in Apningstid.objects.filter(tjeneste_id__in=ids).values_list(
        "tjeneste_id", "weekday", "opens", "closes"
    ):
        periods[tid].append(apningstider.Period(weekday, opens, closes))
    for tid, day, closed, opens, closes in Unntak.objects.filter(tjeneste_id__in=ids).values_list(
        "tjeneste_id", "day", "closed", "opens", "closes"
    ):
        exceptions[tid].append(apningstider.DayException(day, closed, opens, closes))
    return {
        i: apningstider.Schedule(tuple(periods[i]), tuple(exceptions[i]), holidays.get(i, False))
        for i in ids
    }


def search_ids(filters: Filters, at: datetime | None = None):
    """Ids of the matching services in display order.

    Without text or "open now" this is a lazy queryset, so a paginator asks
    the database for a COUNT and one page; otherwise a list.
    """
    qs = filtered(filters)
    if not filters.apen and not filters.q:
        return qs.values_list("pk", flat=True)
    if not filters.apen:
        # A text search scans every row's index: do it once, not for COUNT and page.
        return list(qs.values_list("pk", flat=True))
    return open_now_ids(qs, at or now_local())


def load(ids) -> list[Tjeneste]:
    """The services ``ids`` with what a list or page shows, in the given order."""
    ids = list(ids)
    objects = (
        Tjeneste.objects.filter(pk__in=ids)
        .select_related("unit", "provider_unit")
        .prefetch_related("periods", "exceptions", "translations")
    )
    by_id = {o.pk: o for o in objects}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class Listing:
    """One service as a result row or page: the object and its status now."""

    tjeneste: Tjeneste
    status: apningstider.Status
    stale: bool


def listings(objects, at: datetime) -> list[Listing]:
    return [Listing(o, apningstider.status(o.schedule(), at), o.is_stale(at.date()))
            for o in objects]


# --- Changes (planners) -------------------------------------------------------


@transaction.atomic
def save_tjeneste(form, formsets, *, request, expected_version: int | None = None) -> Tjeneste:
    """Save a service with its hours, exceptions and translations; audit it.

    Refuses a concurrent edit: ``expected_version`` must still be current.
    """
    obj = form.instance
    creating = obj.pk is None
    if not creating:
        current = Tjeneste.objects.select_for_update().filter(pk=obj.pk).values_list(
            "version", flat=True).first()
        if expected_version is not None and current != expected_version:
            raise ConcurrentEditError
        obj.version = (current or 0) + 1
    obj = form.save()
    changed = list(form.changed_data)
    for formset in formsets:
        formset.instance = obj
        formset.save()
        if formset.has_changed():
            changed.append(formset.prefix)
    obj.refresh_search_index()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        request=request, obj=obj, detail={"fields": changed},
    )
    return obj


def mark_verified(obj: Tjeneste, *, request, today: date | None = None) -> Tjeneste:
    """Record that the planner checked the service's information today."""
    obj.verified_on = today or now_local().date()
    obj.verified_by = request.user
    obj.version += 1
    obj.save(update_fields=["verified_on", "verified_by", "version", "updated_at"])
    audit.record(AuditAction.UPDATE, request=request, obj=obj,
                 detail={"fields": ["verified_on"]})
    return obj
