"""Instants as a scenario writes them (`start:`, `at:`)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from kozani_hub.automation.durations import parse_time_of_day

INSTANT_HELP = (
    'an instant such as "2026-01-16T06:00:00+02:00" (without an offset, the hub\'s time zone)'
)
TIME_OF_DAY_HELP = ', or a time of day such as "06:00" for the next 06:00'


def parse_instant(value: Any, tz: tzinfo, now: datetime | None = None) -> datetime:
    """An aware instant; a naive one is read in `tz`. With `now`, a bare time of day is the
    next such time after `now`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    expected = INSTANT_HELP + (TIME_OF_DAY_HELP if now is not None else "")
    if not isinstance(value, str):
        raise ValueError(f"expected {expected}, got {value!r}")
    text = value.strip()
    if now is not None and "T" not in text and " " not in text and "-" not in text:
        try:
            moment = parse_time_of_day(text)
        except ValueError:
            raise ValueError(f"expected {expected}, got {value!r}") from None
        local = now.astimezone(tz)
        candidate = datetime.combine(local.date(), moment, tzinfo=tz)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), moment, tzinfo=tz)
        return candidate
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected {expected}, got {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
