"""The history_stats sensor: time, ratio or count of an entity's states over a period."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from integrations.helper_base.schema import slugify
from integrations.helper_base.tracking import Results, TemplateGroup
from kozani_hub.core.events import Event, Unsubscribe
from kozani_hub.core.scheduler import Job
from kozani_hub.entities import Entity
from kozani_hub.recorder import Recorder

from .period import Change, PeriodError, measure, period
from .schema import HistoryStatsConfig

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)
UNITS = {"time": "h", "ratio": "%"}


class HistoryStatsSensor(Entity):
    domain = "sensor"

    def __init__(self, hub: Hub, config: HistoryStatsConfig) -> None:
        attrs: dict[str, Any] = {"source": config.entity_id}
        if config.type in UNITS:
            attrs.update(unit_of_measurement=UNITS[config.type], state_class="measurement")
        if config.type == "time":
            attrs["device_class"] = "duration"
        super().__init__(f"sensor.{slugify(config.name)}", name=config.name, attributes=attrs)
        self.config = config
        self.wanted = frozenset(config.state)
        self.value: float | int | None = None
        self.timeline: list[Change] = []
        self.window: tuple[datetime, datetime] | None = None
        self._recorder: Recorder | None = None
        self._loaded_from: datetime | None = None
        templates = {k: getattr(config, k) for k in ("start", "end") if getattr(config, k)}
        self._group = TemplateGroup(
            hub, {k: hub.templates.compile(v) for k, v in templates.items()}, self._take_period
        )
        self._rendered: Results = {}
        self._untrack: Unsubscribe | None = None
        self._minute: Job | None = None

    @property
    def state_value(self) -> object:
        return self.value

    def start(self) -> None:
        self._untrack = self.hub.states.track([self.config.entity_id], self._changed)
        current = self.hub.states.get(self.config.entity_id)
        if current is not None:
            self.timeline.append((current.last_changed or self.hub.clock.now(), current.state))
        self._minute = self.hub.scheduler.cron_fields(self.update, name="history_stats", second=0)
        self._group.start()

    def stop(self) -> None:
        self._group.stop()
        if self._untrack is not None:
            self._untrack()
            self._untrack = None
        if self._minute is not None:
            self._minute.cancel()
            self._minute = None

    async def load_history(self, recorder: Recorder | None) -> None:
        """Read the period's states from the recorder; live changes since are kept."""
        self._recorder = recorder
        if recorder is None or self.window is None:
            return
        since = self.window[0]
        found = await recorder.history.significant_states([self.config.entity_id], since)
        past = [(s.last_changed or since, s.state) for s in found.get(self.config.entity_id, [])]
        newest = past[-1][0] if past else since
        live = [change for change in self.timeline if change[0] > newest]
        self.timeline = past + live
        self._loaded_from = since
        self.update()

    def _changed(self, event: Event) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if new is None or (old is not None and old.state == new.state):
            return
        self.timeline.append((new.last_changed or self.hub.clock.now(), new.state))
        self.update()

    def _take_period(self, results: Results) -> None:
        self._rendered = results
        self.update()

    def update(self) -> None:
        """Work out the period and the figure now, and publish it."""
        try:
            window = self._period()
        except PeriodError as err:
            self._fail(str(err))
            return
        self.window = window
        self._reload_if_earlier(window[0])
        self._prune(window[0])
        seconds, count = measure(self.timeline, self.wanted, *window, self.hub.clock.now())
        self.available = True
        self.value = self._figure(seconds, count, window)
        self.write_state()

    def _period(self) -> tuple[datetime, datetime]:
        values = {}
        for name, info in self._rendered.items():
            if info.error is not None:
                raise PeriodError(f"the {name} template failed: {info.error}")
            values[name] = info.result
        return period(values.get("start"), values.get("end"), self.config.duration, self.hub.tz)

    def _figure(self, seconds: float, count: int, window: tuple[datetime, datetime]) -> float | int:
        if self.config.type == "count":
            return count
        if self.config.type == "time":
            return round(seconds / 3600, 2) + 0.0
        span = (window[1] - window[0]).total_seconds()
        return round(100 * seconds / span, 1) + 0.0 if span > 0 else 0.0

    def _fail(self, reason: str) -> None:
        if self.available:
            _LOGGER.warning("%s: %s", self.entity_id, reason)
        self.available = False
        self.write_state()

    def _prune(self, first: datetime) -> None:
        """Forget changes before the period, but the one in force at its start."""
        keep_from = 0
        for index, (when, _) in enumerate(self.timeline):
            if when <= first:
                keep_from = index
        if keep_from:
            del self.timeline[:keep_from]

    def _reload_if_earlier(self, first: datetime) -> None:
        """A period that now begins before what was read (a longer window) reads history again."""
        loaded = self._loaded_from
        if self._recorder is None or loaded is None or first >= loaded - timedelta(seconds=1):
            return
        self._loaded_from = first
        self.hub.create_task(self.load_history(self._recorder), name=f"{self.entity_id} history")
