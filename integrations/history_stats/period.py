"""The measuring period (from rendered start/end templates and a duration), and what an
entity's timeline of states adds up to within it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any


class PeriodError(ValueError):
    """A start or end that is not an instant."""


def as_instant(value: Any, tz: tzinfo) -> datetime:
    """A rendered start/end: a datetime, its text, or a timestamp (local time if naive)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PeriodError(f"expected a date and time, found '{value}'") from None
    else:
        raise PeriodError(f"expected a date and time, found {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def period(
    start: Any, end: Any, duration: timedelta | None, tz: tzinfo
) -> tuple[datetime, datetime]:
    """[start, end] from the two of start, end and duration that are given."""
    if start is not None and end is not None:
        first, last = as_instant(start, tz), as_instant(end, tz)
    elif start is not None and duration is not None:
        first = as_instant(start, tz)
        last = first + duration
    elif end is not None and duration is not None:
        last = as_instant(end, tz)
        first = last - duration
    else:
        raise PeriodError("two of start, end and duration are needed")
    if last < first:
        raise PeriodError(f"the period ends ({last.isoformat()}) before it starts "
                          f"({first.isoformat()})")
    return first, last


Change = tuple[datetime, str]  # the moment a state began, and the state


def measure(
    timeline: Sequence[Change], wanted: frozenset[str], first: datetime, last: datetime,
    now: datetime,
) -> tuple[float, int]:
    """Seconds spent in a wanted state within [first, min(last, now)], and how many times a
    wanted state began there (counting one already in force at `first`)."""
    end = min(last, now)
    if end <= first:
        return 0.0, 0
    before = [state for when, state in timeline if when <= first]
    matching = bool(before) and before[-1] in wanted
    count = 1 if matching else 0
    seconds, since = 0.0, first
    for when, state in timeline:
        if when <= first:
            continue
        if when > end:
            break
        now_matching = state in wanted
        if matching:
            seconds += (when - since).total_seconds()
        elif now_matching:
            count += 1
        matching, since = now_matching, when
    if matching:
        seconds += (end - since).total_seconds()
    return seconds, count
