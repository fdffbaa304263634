"""One configured meter: its sensors (one per tariff), the tariff select, the reset schedule,
and what comes back after a restart."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger

from integrations.helper_base.schema import slugify
from kozani_hub.core.context import Context
from kozani_hub.core.events import Event, Unsubscribe
from kozani_hub.core.scheduler import Job
from kozani_hub.core.states import State
from kozani_hub.entities import Entity
from kozani_hub.recorder import Recorder

from .schema import UtilityMeterConfig, cron_trigger, cycle_fields
from .sensor import MeterSensor, as_decimal

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)
EVENT_RESET = "utility_meter_reset"


class TariffSelect(Entity):
    """`select.<meter>`: the tariff being counted now."""

    domain = "select"

    def __init__(self, entity_id: str, name: str | None, tariffs: tuple[str, ...]) -> None:
        super().__init__(entity_id, name=name, attributes={"options": list(tariffs)})
        self.option = tariffs[0]

    @property
    def state_value(self) -> object:
        return self.option


class Meter:
    """A meter and its entities. Without tariffs it is one sensor, `sensor.<id>`; with tariffs,
    `select.<id>` and one `sensor.<id>_<tariff>` each, only the selected one counting."""

    def __init__(self, hub: Hub, object_id: str, config: UtilityMeterConfig) -> None:
        self.hub = hub
        self.config = config
        name = config.name or object_id.replace("_", " ").capitalize()
        label = config.cycle
        self.select: TariffSelect | None = None
        self.sensors: dict[str | None, MeterSensor] = {}
        if not config.tariffs:
            self.sensors[None] = MeterSensor(f"sensor.{object_id}", name, config, None, label)
        else:
            self.select = TariffSelect(f"select.{object_id}", name, config.tariffs)
            for tariff in config.tariffs:
                entity_id = f"sensor.{object_id}_{slugify(tariff)}"
                self.sensors[tariff] = MeterSensor(entity_id, f"{name} {tariff}", config,
                                                   tariff, label)
            self.sensors[config.tariffs[0]].collecting = True
        self._trigger = self._make_trigger()
        self._job: Job | None = None
        self._untrack: Unsubscribe | None = None
        self._created = hub.clock.now()

    def _make_trigger(self) -> CronTrigger | None:
        if self.config.cron is not None:
            return cron_trigger(self.config.cron, self.hub.tz)
        if self.config.cycle is None:
            return None
        return CronTrigger(timezone=self.hub.tz, **cycle_fields(self.config.cycle,
                                                                self.config.offset))

    def entities(self) -> list[Entity]:
        return [*([self.select] if self.select else []), *self.sensors.values()]

    def start(self) -> None:
        """Follow the source and schedule the resets."""
        self._untrack = self.hub.states.track([self.config.source], self._source_changed)
        if self._trigger is not None:
            self._job = self.hub.scheduler.on(self._trigger, self._cycle_ends, name="meter reset")
        now = self.hub.clock.now()
        for sensor in self.sensors.values():
            sensor.last_reset = now
            sensor.next_reset = self._job.next_run if self._job else None

    def stop(self) -> None:
        if self._untrack is not None:
            self._untrack()
            self._untrack = None
        if self._job is not None:
            self._job.cancel()
            self._job = None

    # --- after a restart -----------------------------------------------------------------

    async def restore(self, recorder: Recorder | None) -> None:
        """Take back the cycle's counts from the recorder, reset if a cycle ended while the hub
        was down, then count the source's reading since."""
        if recorder is not None:
            ids = [e.entity_id for e in self.entities()]
            # the last states before this run began: the previous run's
            found = await recorder.history.states(ids, self._created)
            for tariff, sensor in self.sensors.items():
                saved = found.get(sensor.entity_id)
                if saved:
                    sensor.take_saved(saved[-1])
                    self._catch_up(sensor, tariff)
            if self.select is not None and (saved := found.get(self.select.entity_id)):
                self._select(saved[-1].state, None, write=False)
        for sensor in self.sensors.values():
            sensor.write_state()
        if self.select is not None:
            self.select.write_state()
        self._read(self.hub.states.get(self.config.source), None)

    def _catch_up(self, sensor: MeterSensor, tariff: str | None) -> None:
        if self._trigger is None or sensor.last_reset is None:
            return
        # the first reset strictly after the last one (a trigger counts its own instant as next)
        after = sensor.last_reset + timedelta(seconds=1)
        due = self.hub.scheduler.next_fire_time(self._trigger, after)
        if due is not None and due <= self.hub.clock.now():
            _LOGGER.info("%s: the cycle ended at %s while the hub was down; reset now",
                         sensor.entity_id, due.isoformat())
            sensor.reset(self.hub.clock.now())

    # --- counting ------------------------------------------------------------------------

    def _source_changed(self, event: Event) -> None:
        self._read(event.data["new_state"], event.context)

    def _read(self, state: State | None, context: Context | None) -> None:
        if state is None:
            return
        reading = as_decimal(state.state)
        available = reading is not None or self.config.always_available
        for sensor in self.sensors.values():
            if reading is not None:
                sensor.available = True
                sensor.read(reading, context)
            elif sensor.available != available:
                sensor.available = available
                sensor.write_state(context)

    def _cycle_ends(self) -> None:
        self.reset(Context())

    def reset(self, context: Context) -> None:
        """End the cycle: each sensor's count becomes its last_period and starts again at 0."""
        now = self.hub.clock.now()
        for sensor in self.sensors.values():
            sensor.next_reset = self._job.next_run if self._job else None
            last = sensor.value
            sensor.reset(now, context)
            self.hub.bus.fire(EVENT_RESET, {"entity_id": sensor.entity_id,
                                            "last_period": str(last)}, context)

    def calibrate(self, sensor: MeterSensor, value: Decimal, context: Context) -> None:
        sensor.value = value
        sensor.write_state(context)

    # --- tariffs -------------------------------------------------------------------------

    def select_tariff(self, tariff: str, context: Context) -> None:
        if self.select is None:
            raise ValueError("this meter has no tariffs")
        if tariff not in self.config.tariffs:
            raise ValueError(f"'{tariff}' is not one of its tariffs: "
                             f"{', '.join(self.config.tariffs)}")
        self._select(tariff, context, write=True)

    def next_tariff(self, context: Context) -> None:
        if self.select is None:
            raise ValueError("this meter has no tariffs")
        tariffs = self.config.tariffs
        self._select(tariffs[(tariffs.index(self.select.option) + 1) % len(tariffs)], context,
                     write=True)

    def _select(self, tariff: str, context: Context | None, *, write: bool) -> None:
        if self.select is None or tariff not in self.config.tariffs:
            return
        self.select.option = tariff
        for name, sensor in self.sensors.items():
            sensor.collecting = name == tariff
            if write:
                sensor.write_state(context)
        if write:
            self.select.write_state(context)
