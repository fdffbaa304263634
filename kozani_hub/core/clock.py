"""The one source of time. Production runs on the asyncio loop; tests and scenarios on a
simulated clock whose time jumps from timer to timer, so a simulated week takes milliseconds."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

TimerCallback = Callable[[], None]


class Timer:
    """A scheduled callback. `cancel()` is safe to call at any time, more than once."""

    __slots__ = ("_callback", "_cancel_hook", "cancelled", "when")

    def __init__(self, when: datetime, callback: TimerCallback) -> None:
        self.when = when
        self._callback: TimerCallback | None = callback
        self._cancel_hook: Callable[[], None] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        if self.cancelled:
            return
        self.cancelled = True
        self._callback = None
        if self._cancel_hook is not None:
            self._cancel_hook()
            self._cancel_hook = None

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        self._cancel_hook = None
        if callback is not None and not self.cancelled:
            self.cancelled = True
            callback()


class Clock(ABC):
    """Wall-clock time (aware, UTC) and timers on it."""

    @abstractmethod
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""

    @abstractmethod
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for measuring durations)."""

    @abstractmethod
    def call_at(self, when: datetime, callback: TimerCallback) -> Timer:
        """Run `callback` at `when` (at once, on the next turn, if `when` is past)."""

    def call_later(self, delay: float, callback: TimerCallback) -> Timer:
        return self.call_at(self.now() + timedelta(seconds=max(0.0, delay)), callback)

    async def sleep_until(self, when: datetime) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        timer = self.call_at(when, wake)
        try:
            await future
        finally:
            timer.cancel()

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self.now() + timedelta(seconds=max(0.0, seconds)))


class RealClock(Clock):
    """Time of the operating system; timers on the running asyncio loop.

    A timer due in hours is re-checked against the wall clock when it fires, so a wall-clock
    step (NTP correction) never makes it fire early.
    """

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    def call_at(self, when: datetime, callback: TimerCallback) -> Timer:
        timer = Timer(when, callback)
        self._arm(timer)
        return timer

    def _arm(self, timer: Timer) -> None:
        loop = asyncio.get_running_loop()
        delay = (timer.when - self.now()).total_seconds()

        def fire() -> None:
            if timer.cancelled:
                return
            if (timer.when - self.now()).total_seconds() > 0.001:
                self._arm(timer)
                return
            timer._run()

        handle = loop.call_later(max(0.0, delay), fire)
        timer._cancel_hook = handle.cancel


class SimulatedClock(Clock):
    """A clock that stands still until told to advance, then runs due timers in order.

    `advance()` moves time to each due timer in turn, runs it, and lets the event loop settle
    (every task that became ready runs until it waits again) before moving on. Timers due at
    the same instant run in the order they were scheduled.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._heap: list[tuple[datetime, int, Timer]] = []
        self._seq = itertools.count()
        self._mono_origin = self._now

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return (self._now - self._mono_origin).total_seconds()

    def call_at(self, when: datetime, callback: TimerCallback) -> Timer:
        timer = Timer(when.astimezone(UTC), callback)
        heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        return timer

    def next_due(self) -> datetime | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pending(self) -> int:
        return sum(1 for _, _, t in self._heap if not t.cancelled)

    async def advance(self, seconds: float) -> None:
        await self.advance_to(self._now + timedelta(seconds=seconds))

    async def advance_to(self, target: datetime) -> None:
        """Move time forward to `target`, running every timer due on the way, in order."""
        target = target.astimezone(UTC)
        await settle()
        while True:
            due = self.next_due()
            if due is None or due > target:
                break
            _, _, timer = heapq.heappop(self._heap)
            self._now = max(self._now, due)
            timer._run()
            await settle()
        self._now = max(self._now, target)
        await settle()


async def settle(max_rounds: int = 10_000) -> None:
    """Let the event loop run everything that is ready, until it is idle.

    Used with the simulated clock: after a timer fires, the tasks it woke must run before time
    moves on. Idle means the loop has no ready callbacks for two consecutive turns.
    """
    loop = asyncio.get_running_loop()
    ready = getattr(loop, "_ready", None)
    quiet = 0
    for _ in range(max_rounds):
        await asyncio.sleep(0)
        if ready is None:
            quiet += 1
            if quiet >= 50:
                return
            continue
        if len(ready) == 0:
            quiet += 1
            if quiet >= 2:
                return
        else:
            quiet = 0
