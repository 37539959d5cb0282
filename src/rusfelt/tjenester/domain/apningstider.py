"""Opening hours: is a service open at a given local time, and when next.

A schedule is weekly periods plus dated exceptions. Times are wall-clock
times in Europe/Oslo; callers pass a naive local datetime (the view converts
from UTC), so a period 08:00-15:30 means that on the clock even across the
changes to and from summer time.

Conventions (rule version ``apningstider-v1``):
- a period whose closing time is at or before its opening time runs past
  midnight into the next day (22:00-02:00); 00:00-00:00 is the whole day;
- on a public holiday (``helligdager``) the weekly periods do not apply and
  the service is closed, unless the schedule is marked open on holidays or
  an exception for that date gives hours;
- an exception for a date replaces that day's periods: closed, or the
  exception's own hours (several exceptions may give several intervals).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .helligdager import holiday_name

RULE_VERSION = "apningstider-v1"


@dataclass(frozen=True)
class Period:
    """Open on ``weekday`` (0 = Monday) from ``opens`` to ``closes``."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class DayException:
    """A date with other hours than usual: closed, or open ``opens``-``closes``."""

    day: date
    closed: bool = True
    opens: time | None = None
    closes: time | None = None
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    periods: tuple[Period, ...] = ()
    exceptions: tuple[DayException, ...] = ()
    open_on_holidays: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.periods and not self.exceptions


@dataclass(frozen=True)
class Status:
    is_open: bool
    #: When open: when it closes. When closed: when it opens next (or None).
    changes_at: datetime | None
    #: The holiday of the day asked about, if any.
    holiday: str | None = None


def _interval(day: date, opens: time, closes: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, opens)
    end_day = day if closes > opens else day + timedelta(days=1)
    return start, datetime.combine(end_day, closes)


def day_intervals(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    """The open intervals that START on ``day``, in order."""
    exceptions = [e for e in schedule.exceptions if e.day == day]
    if exceptions:
        if any(e.closed for e in exceptions):
            return []
        return sorted(
            _interval(day, e.opens, e.closes)
            for e in exceptions
            if e.opens is not None and e.closes is not None
        )
    if holiday_name(day) and not schedule.open_on_holidays:
        return []
    return sorted(
        _interval(day, p.opens, p.closes) for p in schedule.periods if p.weekday == day.weekday()
    )


def is_open(schedule: Schedule, at: datetime) -> bool:
    """True if the service is open at local wall-clock time ``at``."""
    return status(schedule, at).is_open


def status(schedule: Schedule, at: datetime, horizon_days: int = 8) -> Status:
    """Open or closed at ``at``, and when that changes (within ``horizon_days``)."""
    at = at.replace(tzinfo=None, second=0, microsecond=0)
    today = at.date()
    holiday = holiday_name(today)
    # Yesterday's period may run past midnight into today.
    for day in (today - timedelta(days=1), today):
        for start, end in day_intervals(schedule, day):
            if start <= at < end:
                return Status(True, _merged_end(schedule, end), holiday)
    for offset in range(horizon_days):
        for start, _end in day_intervals(schedule, today + timedelta(days=offset)):
            if start > at:
                return Status(False, start, holiday)
    return Status(False, None, holiday)


def _merged_end(schedule: Schedule, end: datetime) -> datetime:
    """Follow back-to-back intervals (a 24-hour service never "closes at midnight")."""
    for _ in range(8):
        following = [e for s, e in day_intervals(schedule, end.date()) if s == end]
        if not following:
            return end
        end = max(following)
    return end


def is_always_open(schedule: Schedule) -> bool:
    """True for a service open all day every day, holidays included."""
    whole = {p.weekday for p in schedule.periods if p.opens == p.closes == time(0)}
    return schedule.open_on_holidays and whole == set(range(7)) and not schedule.exceptions
