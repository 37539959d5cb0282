"""Deletion of record-level data after the retention period; aggregates are kept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rusfelt.core import audit
from rusfelt.core.models import AuditAction

from ..models import Registrering, Runde, RundeResultat, State
from .stored import store_result


@transaction.atomic
def apply_retention(now=None, *, user=None) -> list[tuple[str, int]]:
    """Delete record-level data of rounds published longer ago than the retention period.

    The aggregates (RundeResultat) are kept; each deletion is logged.
    """
    now = now or timezone.now()
    days = getattr(settings, "RUSFELT_RETENTION_DAYS", 365)
    due = Runde.objects.filter(state=State.PUBLISHED, records_deleted_at__isnull=True,
                               published_at__lte=now - timedelta(days=days))
    done = []
    for runde in due:
        if not RundeResultat.objects.filter(runde=runde).exists():
            store_result(runde)
        count, _ = Registrering.objects.filter(runde=runde).delete()
        runde.records_deleted_at = now
        runde.save(update_fields=["records_deleted_at"])
        audit.record(AuditAction.DELETE, user=user, obj=runde,
                     username="" if user else "lagringstid",
                     detail={"retention_days": days, "rows": count})
        done.append((runde.code, count))
    return done
