"""Durations and times of day as rules write them, parsed the way Home Assistant parses them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

DURATION_UNITS = ("days", "hours", "minutes", "seconds", "milliseconds")
DURATION_HELP = 'a duration such as "00:05:00", 300 (seconds) or {minutes: 5}'
TIME_HELP = 'a time of day such as "07:30" or "22:15:00"'


def parse_duration(value: Any, *, allow_negative: bool = False) -> timedelta:
    """A duration from "HH:MM[:SS[.f]]", a number of seconds, or a mapping of units.

    Raises ValueError with a message for people.
    """
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, bool) or value is None:
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    elif isinstance(value, int | float):
        result = timedelta(seconds=value)
    elif isinstance(value, str):
        result = _clock_text(value)
    elif isinstance(value, Mapping):
        result = _units(value)
    else:
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if result < timedelta(0) and not allow_negative:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    return result


def _clock_text(text: str) -> timedelta:
    stripped = text.strip()
    sign = -1 if stripped.startswith("-") else 1
    parts = stripped.lstrip("+-").split(":")
    try:
        if len(parts) == 1:
            return timedelta(seconds=sign * float(parts[0]))
        if len(parts) in (2, 3):
            hours, minutes = int(parts[0]), int(parts[1])
            seconds = float(parts[2]) if len(parts) == 3 else 0.0
            if minutes >= 60 or seconds >= 60:
                raise ValueError
            return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)
    except ValueError:
        pass
    raise ValueError(f"expected {DURATION_HELP}, got {text!r}")


def _units(value: Mapping[Any, Any]) -> timedelta:
    unknown = [str(k) for k in value if k not in DURATION_UNITS]
    if unknown or not value:
        raise ValueError(
            f"a duration mapping takes {', '.join(DURATION_UNITS)}; got {dict(value)!r}"
        )
    amounts: dict[str, float] = {}
    for key, raw in value.items():
        amount = raw
        if isinstance(raw, str):
            try:
                amount = float(raw)
            except ValueError:
                raise ValueError(f"'{key}' must be a number, got {raw!r}") from None
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValueError(f"'{key}' must be a number, got {raw!r}")
        amounts[str(key)] = float(amount)
    return timedelta(**amounts)


def parse_time_of_day(value: Any) -> time:
    """A time of day from "HH:MM" or "HH:MM:SS" (or a time object)."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 7:30 as the base-60 number 450
        raise ValueError(
            f"expected {TIME_HELP} in quotes, got the number {value}: unquoted, YAML reads "
            "a time such as 7:30 as a number; write \"07:30\""
        )
    if isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) in (2, 3) and all(p.strip().replace(".", "", 1).isdigit() for p in parts):
            try:
                seconds = float(parts[2]) if len(parts) == 3 else 0.0
                whole = int(seconds)
                return time(
                    int(parts[0]), int(parts[1]), whole, round((seconds - whole) * 1e6)
                )
            except ValueError:
                pass
    raise ValueError(f"expected {TIME_HELP}, got {value!r}")


def looks_like_time(value: str) -> bool:
    """Whether `value` is written as a time of day (rather than an entity id)."""
    try:
        parse_time_of_day(value)
    except ValueError:
        return False
    return True


def format_duration(delta: timedelta) -> str:
    """A duration as H:MM:SS (with a sign when negative)."""
    seconds = delta.total_seconds()
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    fraction = seconds - int(seconds)
    tail = f"{fraction:.3f}".lstrip("0").rstrip("0").rstrip(".") if fraction else ""
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}{tail}"
