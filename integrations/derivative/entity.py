"""The derivative sensor: the time-weighted average rate of change over a window."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from integrations.helper_base.schema import Duration, EntityId, Frozen, slugify
from integrations.helper_base.sources import numeric, unit_of
from kozani_hub.core.clock import Timer
from kozani_hub.core.events import Event, Unsubscribe
from kozani_hub.entities import Entity

UNIT_TIME = {"s": 1, "min": 60, "h": 3600, "d": 86400}
UNIT_PREFIX = {"n": 1e-9, "µ": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


class DerivativeConfig(Frozen):
    source: EntityId
    name: str = Field(min_length=1)
    round: int = Field(default=2, ge=0, le=12)
    unit_prefix: Literal["n", "µ", "m", "k", "M", "G", "T"] | None = None
    unit_time: Literal["s", "min", "h", "d"] = "h"
    unit: str | None = None
    time_window: Duration = timedelta(0)
    max_sub_interval: Duration | None = None


Piece = tuple[datetime, datetime, float]  # a rate held from start to end


class DerivativeSensor(Entity):
    domain = "sensor"

    def __init__(self, config: DerivativeConfig) -> None:
        super().__init__(
            f"sensor.{slugify(config.name)}",
            name=config.name,
            attributes={"state_class": "measurement", "source": config.source},
        )
        self.config = config
        self.value: float | None = None
        self._last: tuple[datetime, float] | None = None
        self._pieces: deque[Piece] = deque()
        self._untrack: Unsubscribe | None = None
        self._quiet: Timer | None = None
        self._scale = UNIT_TIME[config.unit_time] / UNIT_PREFIX.get(config.unit_prefix or "", 1.0)

    @property
    def state_value(self) -> object:
        return self.value

    def state_attributes(self) -> dict[str, Any]:
        unit = self.config.unit
        source_unit = unit_of(self.hub.states.get(self.config.source))
        if unit is None and source_unit is not None:
            unit = f"{self.config.unit_prefix or ''}{source_unit}/{self.config.unit_time}"
        return {"unit_of_measurement": unit} if unit else {}

    def start(self) -> None:
        self._untrack = self.hub.states.track([self.config.source], self._changed)
        current = self.hub.states.get(self.config.source)
        value = numeric(current)
        if current is not None and value is not None:
            self._last = (current.last_updated or self.hub.clock.now(), value)
            self._arm_quiet()

    def stop(self) -> None:
        if self._untrack is not None:
            self._untrack()
            self._untrack = None
        if self._quiet is not None:
            self._quiet.cancel()
            self._quiet = None

    def _changed(self, event: Event) -> None:
        new = event.data["new_state"]
        value = numeric(new)
        if value is None:
            return
        self._sample(new.last_updated or self.hub.clock.now(), value)

    def _sample(self, when: datetime, value: float) -> None:
        last, self._last = self._last, (when, value)
        self._arm_quiet()
        if last is None:
            return
        elapsed = (when - last[0]).total_seconds()
        if elapsed <= 0:
            return
        rate = (value - last[1]) / elapsed * self._scale
        self.value = round(self._windowed(last[0], when, rate, elapsed), self.config.round) + 0.0
        self.write_state()

    def _windowed(self, start: datetime, end: datetime, rate: float, elapsed: float) -> float:
        """The rate over the window: each rate weighted by the part of the window it held."""
        window = self.config.time_window.total_seconds()
        self._pieces.append((start, end, rate))
        while self._pieces and (end - self._pieces[0][1]).total_seconds() >= window:
            self._pieces.popleft()
        if window == 0 or elapsed > window:
            return rate
        window_start = end - self.config.time_window
        total = 0.0
        for piece_start, piece_end, piece_rate in self._pieces:
            held = (piece_end - max(piece_start, window_start)).total_seconds()
            total += piece_rate * held / window
        return total

    def _arm_quiet(self) -> None:
        if self.config.max_sub_interval is None:
            return
        if self._quiet is not None:
            self._quiet.cancel()
        self._quiet = self.hub.clock.call_later(
            self.config.max_sub_interval.total_seconds(), self._quiet_for_long
        )

    def _quiet_for_long(self) -> None:
        """A source that has not reported for max_sub_interval is taken as unchanged."""
        self._quiet = None
        if self._last is not None:
            self._sample(self.hub.clock.now(), self._last[1])
