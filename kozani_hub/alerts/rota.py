"""Who is on call: the first shift of a rota that covers an instant, in the hub's local time.

A shift names the days it starts on; one that ends at or before its start time ends on the next
day (22:00 → 07:00), so Friday's night shift still covers Saturday 03:12. Times are wall-clock
times in the hub's time zone, so a shift keeps its hours across the clock changes (the spring
night is an hour shorter, the autumn night an hour longer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo

from .config import Shift
from .fields import WEEKDAYS


def shift_bounds(shift: Shift, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """When the shift starting on `day` begins and ends, as UTC instants."""
    start = datetime.combine(day, shift.start, tz)
    end_day = day + timedelta(days=1) if shift.end <= shift.start else day
    end = datetime.combine(end_day, shift.end, tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def covers(shift: Shift, when: datetime, tz: tzinfo) -> bool:
    """Whether the shift covers the instant `when` (its start included, its end not)."""
    instant = when.astimezone(UTC)
    local_day = when.astimezone(tz).date()
    for offset in (0, -1):
        day = local_day + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] not in shift.days:
            continue
        start, end = shift_bounds(shift, day, tz)
        if start <= instant < end:
            return True
    return False


def on_call(shifts: Sequence[Shift], when: datetime, tz: tzinfo) -> tuple[str, ...]:
    """The people of the first shift that covers `when`; nobody when none does."""
    for shift in shifts:
        if covers(shift, when, tz):
            return shift.people
    return ()
