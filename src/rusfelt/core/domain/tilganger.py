"""Who held which role on which unit, and when: grants rebuilt from the audit log.

A grant row lives only while the grant does; the audit log keeps every
``grant`` and ``revoke`` with the grantee, role and unit. Replaying them, and
adding the grants that exist now, gives each holding as an interval, so the
data protection officer can see who had access in a period even when the
access has since been removed (DESIGN.md: «no overview of who had access»
was one of BrukerPlan's privacy deviations).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GRANT = "grant"
REVOKE = "revoke"


@dataclass(frozen=True)
class Holding:
    username: str
    unit: str  # the unit's code
    role: str
    start: datetime | None  # None: before the log begins
    end: datetime | None  # None: still held

    def overlaps(self, first: datetime | None, last: datetime | None) -> bool:
        """Held at some moment between ``first`` and ``last`` (either may be open)."""
        began_in_time = last is None or self.start is None or self.start <= last
        lasted_long_enough = first is None or self.end is None or self.end >= first
        return began_in_time and lasted_long_enough


def holdings(
    events: Iterable[tuple[datetime, str, str, str, str]],
    current: Iterable[tuple[str, str, str, datetime]],
) -> list[Holding]:
    """Every holding from ``events`` (at, grant|revoke, username, unit, role) and
    ``current`` grants (username, unit, role, created_at), sorted by unit, user, start.
    """
    open_since: dict[tuple[str, str, str], datetime | None] = {}
    result: list[Holding] = []
    for at, kind, username, unit, role in sorted(events, key=lambda e: e[0]):
        key = (username, unit, role)
        if kind == GRANT and key not in open_since:
            open_since[key] = at
        elif kind == REVOKE:
            # A revoke with no grant before it: granted before the log began.
            result.append(Holding(username, unit, role, open_since.pop(key, None), at))
    for username, unit, role, created_at in current:
        key = (username, unit, role)
        start = open_since.pop(key, created_at)
        result.append(Holding(username, unit, role, start, None))
    # Granted and neither revoked nor present: removed without a log entry (a
    # deleted user); the end is unknown, so it is kept as held.
    result.extend(Holding(u, n, r, start, None) for (u, n, r), start in open_since.items())
    return sorted(result, key=lambda h: (h.unit, h.username, h.role, h.start is not None,
                                         h.start or 0))
