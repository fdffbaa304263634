"""The water station: tanks and pumps whose physics run on the hub's clock.

The station owns the water; what the outside world sees of it goes through a `WaterOutput`:
entities (the default) or the registers of a Modbus server (see `modbus_station.py`). Either
way a pump command ends in `WaterStation.set_pump`, and a running pump fills its tank and
draws its motor's current.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from kozani_hub.core.clock import Timer
from kozani_hub.core.context import Context
from kozani_hub.entities import Entity, SensorEntity

from .entities import DemoSwitch, device_context, report
from .water import HIGH_SWITCH, LOW_SWITCH, Tank, TankSpec, float_switch

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

#: Level readings are in metres to the millimetre.
READING_DECIMALS = 3
#: The longest the station sleeps when no reading changes (a full or empty tank).
HORIZON_S = 3600.0


class WaterOutput(Protocol):
    """Where tank levels and pump states are shown."""

    def entities(self) -> list[Entity]: ...

    def show_level(self, tank: Tank) -> None: ...

    def show_pump(self, tank: Tank, index: int, context: Context) -> None: ...


class WaterStation:
    """Tanks filled by pumps and drained by the town.

    The level transmitters report on a grid of `interval` seconds from the start, and only
    when their reading changes: the station computes when the next reading (or a float
    switch) will change and sleeps until that grid instant, so a quiet hour costs one timer.
    """

    def __init__(
        self,
        hub: Hub,
        specs: Iterable[TankSpec],
        rng: random.Random,
        *,
        float_switches: bool,
        interval: float,
    ) -> None:
        self._hub = hub
        self.tanks: dict[str, Tank] = {}
        for spec in specs:
            level = round(spec.height_m * rng.uniform(0.55, 0.8), 3)
            self.tanks[spec.key] = Tank(spec, level)
        self.float_switches = float_switches
        self.output: WaterOutput | None = None
        self.interval = interval
        self._origin = self._last = hub.clock.now()
        self._timer: Timer | None = None

    def start(self) -> None:
        self._reschedule()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def flush(self) -> None:
        """Bring every tank's level up to the present."""
        now = self._hub.clock.now()
        seconds = (now - self._last).total_seconds()
        if seconds > 0:
            for tank in self.tanks.values():
                tank.advance(self._last, seconds, self._hub.tz)
        self._last = now

    def report(self) -> None:
        """Let the float switches act and show the levels, then sleep until the next change."""
        self._timer = None
        self.flush()
        for tank in self.tanks.values():
            if self.float_switches:
                wanted = float_switch(tank.fraction, tank.pump_on)
                if wanted is not None:
                    self.set_pump(tank.spec.key, 0, wanted, device_context(), reason="float switch")
            if self.output is not None:
                self.output.show_level(tank)
        self._reschedule()

    def set_pump(
        self, key: str, index: int, on: bool, context: Context, *, reason: str = "command"
    ) -> None:
        """Start or stop pump `index` (0 for pump 1) of tank `key`."""
        tank = self.tanks[key]
        self.flush()
        if tank.pumps_on[index] != on:
            tank.pumps_on[index] = on
            _LOGGER.info(
                "%s %s (%s); %s at %.3f m, %.0f %%",
                tank.spec.pump_name(index),
                "started" if on else "stopped",
                reason,
                tank.spec.name,
                tank.level_m,
                tank.fraction * 100,
            )
        if self.output is not None:
            self.output.show_pump(tank, index, context)
        self._reschedule()

    def set_leak(self, key: str, rate_m3h: float) -> None:
        self.flush()
        self.tanks[key].leak_m3h = rate_m3h
        self._reschedule()

    def _reschedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        now = self._hub.clock.now()
        delays = [
            tank.seconds_to_reach(self._watched_levels(tank), now, self._hub.tz, HORIZON_S)
            for tank in self.tanks.values()
        ]
        delay = min((d for d in delays if d is not None), default=HORIZON_S)
        self._timer = self._hub.clock.call_at(self._on_grid(now, delay), self.report)

    def _watched_levels(self, tank: Tank) -> list[float]:
        """Levels at which something shows: the reading's next digit, the float switches."""
        scaled = tank.level_m * 10**READING_DECIMALS - 0.5
        step = 10.0**-READING_DECIMALS
        levels = [(math.floor(scaled) + 1.5) * step, (math.ceil(scaled) - 0.5) * step]
        if self.float_switches:
            levels += [LOW_SWITCH * tank.spec.height_m, HIGH_SWITCH * tank.spec.height_m]
        return levels

    def _on_grid(self, now: datetime, delay: float) -> datetime:
        """The first report instant (start + k x interval) after now and at or after now+delay."""
        since = (now - self._origin).total_seconds()
        k = max(
            math.ceil((since + delay) / self.interval - 1e-9), math.floor(since / self.interval) + 1
        )
        return self._origin + timedelta(seconds=k * self.interval)


def level_reading(tank: Tank) -> float:
    """A tank level as its transmitter reports it, to the millimetre."""
    return round(tank.level_m, READING_DECIMALS)


class NoWaterOutput:
    """The station runs, unseen (its Modbus server could not start)."""

    def entities(self) -> list[Entity]:
        return []

    def show_level(self, tank: Tank) -> None:
        pass

    def show_pump(self, tank: Tank, index: int, context: Context) -> None:
        pass


class EntityWaterOutput:
    """Tanks as level sensors, pumps as switches with a current sensor each."""

    def __init__(self, station: WaterStation) -> None:
        self._levels: dict[str, SensorEntity] = {}
        self._pumps: dict[str, list[DemoSwitch]] = {}
        self._currents: dict[str, list[SensorEntity]] = {}
        for key, tank in station.tanks.items():
            spec = tank.spec
            self._levels[key] = SensorEntity(
                spec.level_entity_id,
                name=f"{spec.name} level",
                unit="m",
                device_class="distance",
                state_class="measurement",
                attributes={"capacity": spec.capacity_m3, "capacity_unit": "m³",
                            "max_level": spec.height_m},
            )  # fmt: skip
            self._levels[key].native_value = level_reading(tank)
            self._pumps[key] = [_pump_switch(station, spec, index)
                                for index in range(len(tank.pumps_on))]  # fmt: skip
            self._currents[key] = [_current_sensor(spec, index)
                                   for index in range(len(tank.pumps_on))]  # fmt: skip
            for index, sensor in enumerate(self._currents[key]):
                sensor.native_value = tank.current_a(index)

    def entities(self) -> list[Entity]:
        pumps = [entity for group in self._pumps.values() for entity in group]
        currents = [entity for group in self._currents.values() for entity in group]
        return [*self._levels.values(), *pumps, *currents]

    def show_level(self, tank: Tank) -> None:
        report(self._levels[tank.spec.key], level_reading(tank))

    def show_pump(self, tank: Tank, index: int, context: Context) -> None:
        self._pumps[tank.spec.key][index].report(tank.pumps_on[index], context)
        report(self._currents[tank.spec.key][index], tank.current_a(index))


def _pump_switch(station: WaterStation, spec: TankSpec, index: int) -> DemoSwitch:
    def command(on: bool, context: Context) -> None:
        station.set_pump(spec.key, index, on, context)

    return DemoSwitch(
        spec.pump_entity_ids[index],
        name=spec.pump_name(index),
        command=command,
        attributes={"flow_rate": spec.pump_flow_m3h, "flow_unit": "m³/h",
                    "tank": spec.level_entity_id},
    )  # fmt: skip


def _current_sensor(spec: TankSpec, index: int) -> SensorEntity:
    return SensorEntity(
        spec.current_entity_ids[index],
        name=f"{spec.pump_name(index)} current",
        unit="A",
        device_class="current",
        state_class="measurement",
        attributes={"normal_current": spec.pump_current_a, "pump": spec.pump_entity_ids[index]},
    )
