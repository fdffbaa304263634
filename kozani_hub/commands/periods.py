"""The `--from` / `--to` arguments of the report commands: dates or ISO times."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def parse_when(text: str, tz: tzinfo, *, end: bool) -> datetime:
    """A date (its start; with `end`, the start of the next day, so that the day is included)
    or an ISO time (in `tz` unless it says its own offset)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1 if end else 0), time(), tz)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"expected a date such as 2026-01-15 or a time such as 2026-01-15T08:00, got {text!r}"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


def check_order(start: datetime, stop: datetime) -> None:
    """Refuse a period that ends before it starts."""
    if start >= stop:
        raise ValueError(f"--from ({start.isoformat()}) must be before --to ({stop.isoformat()})")
