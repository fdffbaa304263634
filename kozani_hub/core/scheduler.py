"""Jobs on the hub's clock: once at an instant, after a delay, every interval, or on a cron
expression. APScheduler's trigger classes compute the next fire time (DST included); the
waiting is done on our Clock, so simulated time drives schedules exactly like real time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .clock import Clock, Timer

_LOGGER = logging.getLogger(__name__)

JobCallback = Callable[[], None]


class FireTimeTrigger(Protocol):
    """What we use of an APScheduler trigger."""

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None: ...


class Job:
    """A scheduled, possibly repeating, callback. `cancel()` stops it for good."""

    __slots__ = ("_callback", "_clock", "_timer", "_trigger", "cancelled", "name", "next_run")

    def __init__(
        self, clock: Clock, trigger: FireTimeTrigger | None, callback: JobCallback, name: str
    ) -> None:
        self._clock = clock
        self._trigger = trigger
        self._callback = callback
        self._timer: Timer | None = None
        self.name = name
        self.next_run: datetime | None = None
        self.cancelled = False

    def _arm(self, when: datetime | None) -> None:
        self.next_run = when
        if when is None or self.cancelled:
            self._timer = None
            return
        self._timer = self._clock.call_at(when, self._fire)

    def _fire(self) -> None:
        fired_at = self.next_run
        if self._trigger is not None and fired_at is not None:
            self._arm(_following(self._trigger, fired_at))
        else:
            self.next_run = None
        try:
            self._callback()
        except Exception:
            _LOGGER.exception("Scheduled job %s failed", self.name)

    def cancel(self) -> None:
        self.cancelled = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.next_run = None


class Scheduler:
    """Creates jobs on a clock, in the hub's time zone for calendar schedules."""

    def __init__(self, clock: Clock, tz: tzinfo) -> None:
        self._clock = clock
        self.tz = tz

    def at(self, when: datetime, callback: JobCallback, name: str = "") -> Job:
        job = Job(self._clock, None, callback, name or _name_of(callback))
        job._arm(when)
        return job

    def later(self, delay: float | timedelta, callback: JobCallback, name: str = "") -> Job:
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else delay
        return self.at(self._clock.now() + timedelta(seconds=seconds), callback, name)

    def every(
        self,
        interval: timedelta,
        callback: JobCallback,
        *,
        start: datetime | None = None,
        name: str = "",
    ) -> Job:
        if interval <= timedelta(0):
            raise ValueError(f"interval must be positive, got {interval}")
        first = start or (self._clock.now() + interval)
        trigger = IntervalTrigger(
            seconds=interval.total_seconds(), start_date=first, timezone=self.tz
        )
        return self.on(trigger, callback, name=name)

    def cron(self, expression: str, callback: JobCallback, name: str = "") -> Job:
        """A job on a five-field crontab expression (minute hour day month weekday)."""
        trigger = crontab_trigger(expression, self.tz)
        return self.on(trigger, callback, name=name or expression)

    def cron_fields(self, callback: JobCallback, name: str = "", **fields: Any) -> Job:
        """A job on APScheduler cron fields (second=, minute=, hour=, day_of_week=, ...)."""
        trigger = CronTrigger(timezone=self.tz, **fields)
        return self.on(trigger, callback, name=name)

    def on(self, trigger: FireTimeTrigger, callback: JobCallback, *, name: str = "") -> Job:
        job = Job(self._clock, trigger, callback, name or _name_of(callback))
        now = self._clock.now().astimezone(self.tz)
        job._arm(_next(trigger, None, now))
        return job

    def next_fire_time(self, trigger: FireTimeTrigger, after: datetime) -> datetime | None:
        return _next(trigger, None, after.astimezone(self.tz))


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 = Sunday) in APScheduler 3's terms (0 = Monday).

    APScheduler 3 reads numbers in its own way, so `0 6 * * 1-5` would run Tuesday to
    Saturday; names mean the same to both, so numbers become names and steps become lists.
    """
    parts: list[str] = []
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            low, high = span.split("-", 1)
            first, last = _weekday_number(low), _weekday_number(high)
            if last == 0:  # "5-7" or "fri-sun": up to and including Sunday
                last = 7
        else:
            first = last = _weekday_number(span)
            if step:
                last = 6
        if not step and span == "*":
            parts.append("*")
            continue
        every = int(step) if step else 1
        parts.extend(_WEEKDAYS[day % 7] for day in range(first, last + 1, every))
    return ",".join(dict.fromkeys(parts))


def _weekday_number(token: str) -> int:
    if token.isdigit():
        number = int(token)
        if not 0 <= number <= 7:
            raise ValueError(f"weekday {token} is out of range 0-7 (0 and 7 are Sunday)")
        return number % 7
    try:
        return _WEEKDAYS.index(token[:3])
    except ValueError:
        raise ValueError(f"unknown weekday {token!r}; use 0-7 or sun, mon, ... sat") from None


def crontab_trigger(expression: str, tz: tzinfo) -> CronTrigger:
    """APScheduler's cron trigger for a five-field crontab expression, read as cron reads it."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"a crontab expression has 5 fields (minute hour day month weekday), got {len(fields)}"
        )
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_weekdays(weekday),
        timezone=tz,
    )


def _following(trigger: FireTimeTrigger, fired_at: datetime) -> datetime | None:
    """The fire time after `fired_at`, strictly later in absolute time.

    In the autumn hour that repeats, a calendar schedule with a fixed time runs once: a next
    time with the same wall-clock reading as the one just run (the repeated 03:30) is skipped.
    A schedule that fires every minute goes on through both passes of the hour: APScheduler 3
    offers the first pass's times there (earlier in absolute time), so those are read in the
    second pass (fold=1), which is what the wall clock shows then.
    """
    calendar = not isinstance(trigger, IntervalTrigger)
    utc_fired = fired_at.astimezone(UTC)
    probe = utc_fired + timedelta(microseconds=1)  # in UTC: local arithmetic loses the fold
    previous: datetime | None = fired_at
    for _ in range(8):
        nxt = _next(trigger, previous, probe)
        previous = None  # else APScheduler starts again from fired_at: the repeated 03:30
        if nxt is None:
            return None
        if nxt.astimezone(UTC) <= utc_fired and nxt.fold == 0:
            second_pass = nxt.replace(fold=1)
            if second_pass.astimezone(UTC) > utc_fired:
                nxt = second_pass
        later = nxt.astimezone(UTC) > utc_fired
        wall_now = fired_at.astimezone(nxt.tzinfo).replace(tzinfo=None)
        repeated = calendar and nxt.replace(tzinfo=None, fold=0) == wall_now.replace(fold=0)
        if later and not repeated:
            return nxt
        probe = max(probe, nxt.astimezone(UTC)) + timedelta(seconds=1)
    return None


def _next(trigger: FireTimeTrigger, previous: datetime | None, now: datetime) -> datetime | None:
    """The trigger's next fire time, past APScheduler 3's slip at the spring change.

    Asked on the day the clocks go forward, before they do, APScheduler 3 passes over the
    next midnight: from 00:00 on Sunday 29 March 2026 in Athens its next daily midnight is
    Tuesday's, a weekly one skips Monday 30 March and a monthly one 1 April. Asked again from
    the moment the offset changed, it answers right; the earlier answer wins.
    """
    nxt = trigger.get_next_fire_time(previous, now)
    if nxt is None or isinstance(trigger, IntervalTrigger) or now.tzinfo is None:
        return nxt
    change = _offset_change(now, nxt)
    if change is None:
        return nxt
    again = trigger.get_next_fire_time(None, change.astimezone(nxt.tzinfo))
    return again if again is not None and again < nxt else nxt


def _offset_change(start: datetime, end: datetime) -> datetime | None:
    """The first instant in (start, end] whose UTC offset differs from start's, if any."""
    tz = end.tzinfo
    offset = start.astimezone(tz).utcoffset()
    low = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    probe = low
    while probe < stop:  # the offset changes on the hour: look hour by hour, then narrow
        probe = min(probe + timedelta(hours=1), stop)
        if probe.astimezone(tz).utcoffset() != offset:
            break
        low = probe
    else:
        return None
    high = probe
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() != offset:
            high = middle
        else:
            low = middle
    return high


def _name_of(callback: JobCallback) -> str:
    return getattr(callback, "__qualname__", None) or repr(callback)
