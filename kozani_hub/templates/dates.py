"""Time helpers: `now()` in the hub's time zone, from the hub's clock, and the conversions
Home Assistant templates use (`as_datetime`, `as_timestamp`, `as_local`, `today_at`, ...)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from .errors import TemplateError
from .guard import Guard, describe
from .numbers import no_default

DATE_STR_FORMAT = "%Y-%m-%d %H:%M:%S"
_SENTINEL: Any = object()
_DURATION = re.compile(
    r"^(?:(?P<days>-?\d+) (?:days?, )?)?(?P<sign>-?)(?:(?P<hours>\d+):)?(?P<minutes>\d+):"
    r"(?P<seconds>\d+(?:[.,]\d+)?)$"
)
_ISO_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date and time (naive when it names no offset), or None."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    parts = text.split(":")
    if not 2 <= len(parts) <= 3:
        return None
    try:
        numbers = [int(part) for part in parts]
        return time(numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else 0)
    except ValueError:
        return None


def parse_duration(text: str) -> timedelta | None:
    """'01:30:00', '1 day, 2:00:00', 'P1DT2H' or a number of seconds as a timedelta, or None."""
    text = text.strip()
    for pattern in (_DURATION, _ISO_DURATION):
        match = pattern.match(text)
        if match is None:
            continue
        parts = {
            k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v and k != "sign"
        }
        delta = timedelta(**parts)
        return -delta if match.group("sign") == "-" else delta
    return None


def describe_age(seconds: float, precision: int) -> str:
    """'3 hours', or with precision 2 '3 hours 5 minutes', as Home Assistant writes ages."""
    remaining = round(seconds)
    if remaining == 0:
        return "0 seconds"
    words: list[str] = []
    for unit, size in _UNITS:
        if remaining < size:
            continue
        if len(words) + 1 == precision:
            words.append(_plural(round(remaining / size), unit))
            return " ".join(words)
        count = remaining // size
        words.append(_plural(count, unit))
        remaining -= count * size
    return " ".join(words)


def _plural(count: int, unit: str) -> str:
    return f"1 {unit}" if count == 1 else f"{count} {unit}s"


class TimeFunctions:
    """Time helpers bound to one hub's clock and time zone."""

    def __init__(self, now: Callable[[], datetime], tz: tzinfo, guard: Guard) -> None:
        self._clock_now = now
        self._tz = tz
        self._guard = guard

    def now(self) -> datetime:
        """The current instant in the hub's time zone."""
        self._guard.scope.uses_now = True
        return self._clock_now().astimezone(self._tz)

    def utcnow(self) -> datetime:
        self._guard.scope.uses_now = True
        return self._clock_now().astimezone(UTC)

    def today_at(self, time_str: str = "") -> datetime:
        """Today (in the hub's time zone) at `time_str` ('06:30' or '06:30:15')."""
        today = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
        if not time_str:
            return today
        parsed = parse_time(str(time_str)) if isinstance(time_str, str) else None
        if parsed is None:
            raise TemplateError(
                f"today_at expects a time such as '06:30', got {describe(time_str)}"
            )
        return datetime.combine(today.date(), parsed, self._tz)

    def as_local(self, value: datetime) -> datetime:
        """`value` in the hub's time zone; a naive value is taken as already local."""
        if value.tzinfo is None:
            return value.replace(tzinfo=self._tz)
        return value.astimezone(self._tz)

    def from_timestamp(self, value: Any) -> datetime:
        return datetime.fromtimestamp(float(value), UTC)

    def as_datetime(self, value: Any, default: Any = _SENTINEL) -> Any:
        if type(value) is datetime:
            return value
        if type(value) is date:
            return datetime.combine(value, time(0, 0))
        try:
            return self.from_timestamp(value)
        except (ValueError, TypeError, OverflowError, OSError):
            parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None:
            return parsed
        if default is _SENTINEL:
            if isinstance(value, str):
                return None
            no_default("as_datetime", value)
        return default

    def as_timestamp(self, value: Any, default: Any = _SENTINEL) -> Any:
        parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=self._tz)
            try:
                return parsed.timestamp()
            except (OverflowError, ValueError, OSError):
                pass
        if default is _SENTINEL:
            no_default("as_timestamp", value)
        return default

    def as_timedelta(self, value: Any) -> timedelta | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return timedelta(seconds=value)
        return parse_duration(value) if isinstance(value, str) else None

    def strptime(self, string: Any, fmt: Any, default: Any = _SENTINEL) -> Any:
        try:
            return datetime.strptime(string, fmt)
        except (ValueError, AttributeError, TypeError):
            if default is _SENTINEL:
                no_default("strptime", string)
            return default

    def timestamp_custom(
        self,
        value: Any,
        format_string: str = DATE_STR_FORMAT,
        local: bool = True,
        default: Any = _SENTINEL,
    ) -> Any:
        try:
            moment = self.from_timestamp(value)
            if local:
                moment = moment.astimezone(self._tz)
            return moment.strftime(format_string)
        except (ValueError, TypeError, OverflowError, OSError):
            if default is _SENTINEL:
                no_default("timestamp_custom", value)
            return default

    def timestamp_local(self, value: Any, default: Any = _SENTINEL) -> Any:
        try:
            return self.from_timestamp(value).astimezone(self._tz).isoformat()
        except (ValueError, TypeError, OverflowError, OSError):
            if default is _SENTINEL:
                no_default("timestamp_local", value)
            return default

    def timestamp_utc(self, value: Any, default: Any = _SENTINEL) -> Any:
        try:
            return self.from_timestamp(value).isoformat()
        except (ValueError, TypeError, OverflowError, OSError):
            if default is _SENTINEL:
                no_default("timestamp_utc", value)
            return default

    def relative_time(self, value: Any) -> Any:
        """How long ago `value` was ('2 hours'); a future or non-datetime value as is."""
        return self.time_since(value)

    def time_since(self, value: Any, precision: int = 1) -> Any:
        if not isinstance(value, datetime):
            return value
        now = self.now()
        moment = self.as_local(value) if value.tzinfo is None else value
        if moment > now:
            return value
        return describe_age((now - moment).total_seconds(), precision)

    def time_until(self, value: Any, precision: int = 1) -> Any:
        if not isinstance(value, datetime):
            return value
        now = self.now()
        moment = self.as_local(value) if value.tzinfo is None else value
        if moment < now:
            return value
        return describe_age((moment - now).total_seconds(), precision)
