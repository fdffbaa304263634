"""One alert at run time: its condition watched through the on- and off-delays, and the timer
that wakes it when something it waits for falls due (an escalation step, a reminder, a re-alarm,
the end of a shelving)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from .conditions import ThresholdWatch, Watch
from .definition import Definition
from .record import AlertRecord

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Owner(Protocol):
    """What an alert asks of its engine."""

    def condition_on(self, alert: Alert, note: str) -> None: ...

    def condition_off(self, alert: Alert, note: str) -> None: ...

    def update(self, alert: Alert, record: AlertRecord) -> None: ...

    def wake(self, alert: Alert) -> None: ...

    def stale_after(self) -> timedelta: ...


class Alert:
    """Holds an alert's definition, its record and its timers."""

    def __init__(self, hub: Hub, owner: Owner, definition: Definition, record: AlertRecord,
                 watch: Watch | None) -> None:
        self.hub = hub
        self.owner = owner
        self.definition = definition
        self.record = record
        self.watch = watch
        self.raw: bool | None = None
        self.problem: str | None = None
        self._undo: Callable[[], None] | None = None
        self._delay: Cancellable | None = None
        self._wake: Cancellable | None = None
        self._wake_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.definition.id

    def value(self) -> Any:
        return self.watch.value() if self.watch is not None else None

    def note(self) -> str:
        """What the condition sees, for the history: `sensor.tank_north_level is 0.31`."""
        source = self.definition.source_entity
        if source is not None:
            return f"{source} is {self.value()}"
        return "the condition template is true" if self.raw else "the condition template is false"

    # --- watching ---------------------------------------------------------------------------

    def start(self) -> None:
        """Watch the condition and take its current value (a restored record keeps its
        pending delays on their original schedule)."""
        if self.watch is None:
            self.schedule()
            return
        if isinstance(self.watch, ThresholdWatch) and self.record.active:
            self.watch.tripped = True  # the deadband holds a restored alarm in
        self._undo = self.watch.start(self._changed)
        self._changed(self.watch.evaluate())
        self.schedule()

    def stop(self) -> None:
        if self._undo is not None:
            self._undo()
            self._undo = None
        stop = getattr(self.watch, "stop", None)
        if callable(stop):
            stop()
        for timer in (self._delay, self._wake):
            if timer is not None:
                timer.cancel()
        self._delay = self._wake = None

    def _changed(self, raw: bool | None) -> None:
        self.raw = raw
        if raw is None:
            return
        self.follow(raw or self.record.manual)

    def follow(self, wanted: bool) -> None:
        """Move towards `wanted` (the condition with a manual raise), through the delays."""
        record, now = self.record, self.hub.clock.now()
        if wanted == record.active:
            if record.pending_on is not None or record.pending_off is not None:
                self._cancel_delay()
                self.owner.update(self, record.replace(pending_on=None, pending_off=None))
            return
        delay = self.definition.on_delay if wanted else self.definition.off_delay
        if delay <= timedelta(0):
            self._cancel_delay()
            self._act(wanted)
            return
        pending = record.pending_on if wanted else record.pending_off
        if pending is None:
            pending = now
            self.owner.update(self, record.replace(
                pending_on=now if wanted else None, pending_off=None if wanted else now))
        if self._delay is None:
            self._delay = self._at(pending + delay, lambda: self._delay_over(wanted))

    def _delay_over(self, wanted: bool) -> None:
        self._delay = None
        if self.raw is None or (self.raw or self.record.manual) == wanted:
            self._act(wanted)

    def _act(self, wanted: bool) -> None:
        if wanted:
            self.owner.condition_on(self, self.note())
        else:
            self.owner.condition_off(self, self.note())

    def _cancel_delay(self) -> None:
        if self._delay is not None:
            self._delay.cancel()
            self._delay = None

    # --- waking ------------------------------------------------------------------------------

    def next_due(self) -> datetime | None:
        """The earliest moment something of this alert falls due."""
        record = self.record
        times: list[datetime | None] = [record.realarm_due]
        if record.escalation is not None:
            times += [record.escalation.due, record.escalation.reminder_due]
        if record.shelving is not None:
            times.append(record.shelving.until)
        if record.suppression is not None:
            times.append(record.suppression.until)
        if record.active and not record.stale and record.since is not None:
            times.append(record.since + self.owner.stale_after())
        found = [t for t in times if t is not None]
        return min(found) if found else None

    def _at(self, when: datetime, callback: Callable[[], None]) -> Cancellable:
        """A timer on the hub's clock; one already due runs on the next turn of the loop (a
        restart finds overdue steps and delays, and runs them at once)."""
        if when <= self.hub.clock.now():
            return asyncio.get_running_loop().call_soon(callback)
        return self.hub.clock.call_at(when, callback)

    def schedule(self) -> None:
        """Set the wake-up timer for the next due moment."""
        when = self.next_due()
        if self._wake is not None:
            if when == self._wake_at:
                return
            self._wake.cancel()
            self._wake = self._wake_at = None
        if when is not None:
            self._wake, self._wake_at = self._at(when, self._woken), when

    def _woken(self) -> None:
        self._wake = self._wake_at = None
        self.owner.wake(self)
        self.schedule()
