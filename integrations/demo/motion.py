"""A motion sensor fed by random movements whose rate changes with the time of day.

Movements arrive as a Poisson process drawn by thinning: candidates come at the peak rate and
each is kept with probability `rate(now) / peak`, which gives the exact time-varying process
without integrating the rate. A movement keeps the sensor on for `hold` seconds (a PIR's hold
time); another one while it is on extends it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from kozani_hub.core.clock import Clock, Timer

RateFunction = Callable[[datetime], float]


class MotionProcess:
    """Random movements on the hub's clock, reported as on/off through `report`."""

    def __init__(
        self,
        clock: Clock,
        rng: random.Random,
        *,
        rate: RateFunction,
        peak: float,
        hold: float,
        report: Callable[[bool], None],
    ) -> None:
        self._clock = clock
        self._rng = rng
        self._rate = rate
        self._peak = peak
        self._hold = hold
        self._report = report
        self.is_on = False
        self._off_at: datetime | None = None
        self._next: Timer | None = None
        self._off_timer: Timer | None = None

    def start(self) -> None:
        self._schedule_candidate()

    def stop(self) -> None:
        for timer in (self._next, self._off_timer):
            if timer is not None:
                timer.cancel()
        self._next = self._off_timer = None

    def trigger(self, hold: float | None = None) -> None:
        """A movement now: on, and on for at least `hold` seconds more."""
        now = self._clock.now()
        until = now + timedelta(seconds=self._hold if hold is None else hold)
        if self._off_at is None or until > self._off_at:
            self._off_at = until
        if not self.is_on:
            self.is_on = True
            self._report(True)
        if self._off_timer is None:
            self._off_timer = self._clock.call_at(self._off_at, self._maybe_off)

    def _maybe_off(self) -> None:
        self._off_timer = None
        if self._off_at is not None and self._off_at > self._clock.now():
            self._off_timer = self._clock.call_at(self._off_at, self._maybe_off)
            return
        self._off_at = None
        self.is_on = False
        self._report(False)

    def _schedule_candidate(self) -> None:
        if self._peak <= 0:
            return
        delay = self._rng.expovariate(self._peak / 3600.0)
        self._next = self._clock.call_later(delay, self._candidate)

    def _candidate(self) -> None:
        self._schedule_candidate()
        keep = self._rng.random() * self._peak < self._rate(self._clock.now())
        if keep:
            self.trigger()
