"""The statistics sensor: a buffer of the source's recent numeric values, bounded by age and
count, and one characteristic of it as the state."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any

from integrations.helper_base.schema import slugify
from integrations.helper_base.sources import numeric, unit_of
from kozani_hub.core.clock import Timer
from kozani_hub.core.events import Event, Unsubscribe
from kozani_hub.entities import Entity
from kozani_hub.recorder import Recorder

from .characteristics import UNITLESS, Sample, compute
from .schema import StatisticsConfig

HISTORY_DAYS_WITHOUT_MAX_AGE = 10


class StatisticsSensor(Entity):
    domain = "sensor"

    def __init__(self, config: StatisticsConfig) -> None:
        super().__init__(
            f"sensor.{slugify(config.name)}",
            name=config.name,
            attributes={"state_class": "measurement", "source": config.entity_id},
        )
        self.config = config
        self.samples: deque[Sample] = deque(maxlen=config.sampling_size)
        self.value: float | None = None
        self._untrack: Unsubscribe | None = None
        self._expiry: Timer | None = None

    @property
    def state_value(self) -> object:
        return self.value

    def state_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        unit = unit_of(self.hub.states.get(self.config.entity_id))
        if unit and self.config.state_characteristic not in UNITLESS:
            attrs["unit_of_measurement"] = unit
        if self.config.sampling_size is not None:
            attrs["buffer_usage_ratio"] = round(len(self.samples) / self.config.sampling_size, 2)
        if self.config.max_age is not None and self.samples:
            age = (self.hub.clock.now() - self.samples[0][0]) / self.config.max_age
            attrs["age_coverage_ratio"] = round(min(age, 1.0), 2)
        return attrs

    def start(self) -> None:
        self._untrack = self.hub.states.track([self.config.entity_id], self._changed)
        self._take(self.hub.states.get(self.config.entity_id))
        self.update()

    def stop(self) -> None:
        if self._untrack is not None:
            self._untrack()
            self._untrack = None
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

    async def load_history(self, recorder: Recorder | None) -> None:
        """Fill the buffer with what the recorder kept of the source (after a restart)."""
        if recorder is None:
            return
        now = self.hub.clock.now()
        age = self.config.max_age or timedelta(days=HISTORY_DAYS_WITHOUT_MAX_AGE)
        found = await recorder.history.states([self.config.entity_id], now - age, include_start=False)
        past = [
            (s.last_updated, value)
            for s in found.get(self.config.entity_id, [])
            if s.last_updated is not None and (value := numeric(s)) is not None
        ]
        known = {when for when, _ in self.samples}
        merged = sorted([*(p for p in past if p[0] not in known), *self.samples])
        self.samples = deque(merged, maxlen=self.config.sampling_size)
        self.update()

    def _changed(self, event: Event) -> None:
        self._take(event.data["new_state"])
        self.update()

    def _take(self, state: Any) -> None:
        value = numeric(state)
        if value is not None:
            self.samples.append((state.last_updated or self.hub.clock.now(), value))

    def update(self) -> None:
        """Drop samples past max_age, compute the characteristic, and publish it."""
        self._purge(self.hub.clock.now())
        result = compute(
            self.config.state_characteristic, list(self.samples), self.config.percentile
        )
        self.value = None if result is None else round(result, self.config.precision) + 0.0
        if self.value is not None and self.config.state_characteristic == "count":
            self.value = int(self.value)
        self.write_state()
        self._arm_expiry()

    def _purge(self, now: datetime) -> None:
        max_age = self.config.max_age
        if max_age is None:
            return
        keep_one = self.config.keep_last_sample
        while self.samples and now - self.samples[0][0] >= max_age:
            if keep_one and len(self.samples) == 1:
                break
            self.samples.popleft()

    def _arm_expiry(self) -> None:
        """Update again when the oldest sample grows too old."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        max_age = self.config.max_age
        if max_age is None or not self.samples:
            return
        if self.config.keep_last_sample and len(self.samples) == 1:
            return
        self._expiry = self.hub.clock.call_at(self.samples[0][0] + max_age, self._expired)

    def _expired(self) -> None:
        self._expiry = None
        self.update()
