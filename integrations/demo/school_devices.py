"""The school building: occupancy sensor, the switches of its loads, the heating thermostat's
setpoint and the electricity meter."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from kozani_hub.core.context import Context
from kozani_hub.core.scheduler import Job
from kozani_hub.entities import BinarySensorEntity, Entity, NumberEntity, SensorEntity

from .entities import DemoSwitch, device_context, report, report_binary
from .meter import EnergyMeter
from .school import (
    ROUTINE,
    SWITCHED,
    Load,
    Routine,
    SchoolSpec,
    routine_applies,
    scheduled,
    school_power_w,
)

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

#: Relative spread of the meter's power readings around the modelled load.
METER_NOISE = 0.015


class Thermostat(NumberEntity):
    """The heat pumps' setpoint (°C): a rule sets the building back when it is empty."""

    def __init__(self, entity_id: str, *, name: str, initial: float,
                 on_change: Callable[[Context], None], attributes: dict[str, str]) -> None:
        super().__init__(entity_id, name=name, minimum=5.0, maximum=25.0, step=0.5, unit="°C",
                         attributes={**attributes, "device_class": "temperature"})
        self.value = initial
        self._on_change = on_change

    async def async_set_value(self, value: float, context: Context) -> None:
        if value == self.value:
            return
        self.value = value
        self.write_state(context)
        self._on_change(context)


class SchoolDevices:
    def __init__(
        self, hub: Hub, spec: SchoolSpec, rng: random.Random, outdoor_c: Callable[[], float]
    ) -> None:
        self._hub = hub
        self.spec = spec
        self._rng = rng
        self._outdoor_c = outdoor_c
        self.loads = {load: scheduled(load, hub.now()) for load in Load}
        attrs = {"building": spec.name}
        self.occupancy = BinarySensorEntity(
            spec.entity_id("binary_sensor", "occupancy"),
            name=f"{spec.name} occupancy",
            device_class="occupancy",
            attributes=attrs,
        )
        self.occupancy.is_on = self.loads[Load.OCCUPANCY]
        self.switches = {
            load: DemoSwitch(
                spec.entity_id("switch", load.value),
                name=f"{spec.name} {load.value}",
                command=self._command(load),
                attributes=attrs,
            )
            for load in SWITCHED
        }
        for load, switch in self.switches.items():
            switch.is_on = self.loads[load]
        self.setpoint = Thermostat(
            spec.entity_id("number", "heating_setpoint"),
            name=f"{spec.name} heating setpoint",
            initial=spec.indoor_c,
            on_change=self._setpoint_changed,
            attributes=attrs,
        )
        self.power = SensorEntity(
            spec.entity_id("sensor", "power"),
            name=f"{spec.name} power",
            unit="W",
            device_class="power",
            state_class="measurement",
            attributes=attrs,
        )
        self.energy = SensorEntity(
            spec.entity_id("sensor", "energy"),
            name=f"{spec.name} energy",
            unit="kWh",
            device_class="energy",
            state_class="total_increasing",
            attributes=attrs,
        )
        self.meter = EnergyMeter(kwh=round(rng.uniform(40_000, 60_000), 3))
        self.meter.watts = self._model_power()
        self.power.native_value = round(self.meter.watts)
        self.energy.native_value = self.meter.reading()
        self._last = hub.clock.now()
        self._jobs: list[Job] = []

    def entities(self) -> list[Entity]:
        return [self.occupancy, *self.switches.values(), self.setpoint, self.power, self.energy]

    def start(self) -> None:
        for routine in ROUTINE:
            self._jobs.append(
                self._hub.scheduler.cron_fields(
                    self._routine(routine),
                    name=f"school {routine.load} at {routine.at:%H:%M}",
                    hour=routine.at.hour,
                    minute=routine.at.minute,
                )
            )

    def stop(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()

    def tick(self) -> None:
        """A new power reading, with the meter's noise."""
        self._account()
        self.meter.watts = self._model_power() * (1.0 + self._rng.gauss(0.0, METER_NOISE))
        report(self.power, round(self.meter.watts))

    def report_energy(self) -> None:
        self._account()
        report(self.energy, self.meter.reading())

    def set_load(self, load: Load, on: bool, context: Context, reason: str = "command") -> None:
        if self.loads[load] != on:
            _LOGGER.info("%s %s %s (%s)", self.spec.name, load.value, "on" if on else "off", reason)
        self._account()
        self.loads[load] = on
        if load is Load.OCCUPANCY:
            report_binary(self.occupancy, on)
        else:
            self.switches[load].report(on, context)
        self.meter.watts = self._model_power()
        report(self.power, round(self.meter.watts))

    def _setpoint_changed(self, context: Context) -> None:
        _LOGGER.info("%s heating setpoint %.1f °C", self.spec.name, self.setpoint.value or 0.0)
        self._account()
        self.meter.watts = self._model_power()
        report(self.power, round(self.meter.watts))

    def _model_power(self) -> float:
        return school_power_w(
            self.spec,
            occupied=self.loads[Load.OCCUPANCY],
            heating=self.loads[Load.HEATING],
            lighting=self.loads[Load.LIGHTING],
            water_heater=self.loads[Load.WATER_HEATER],
            ventilation=self.loads[Load.VENTILATION],
            outdoor_c=self._outdoor_c(),
            setpoint_c=self.setpoint.value,
        )

    def _account(self) -> None:
        now = self._hub.clock.now()
        self.meter.run((now - self._last).total_seconds())
        self._last = now

    def _command(self, load: Load) -> Callable[[bool, Context], None]:
        def command(on: bool, context: Context) -> None:
            self.set_load(load, on, context)

        return command

    def _routine(self, routine: Routine) -> Callable[[], None]:
        def run() -> None:
            if routine_applies(routine, self._hub.now().date()):
                reason = "timetable" if routine.load is Load.OCCUPANCY else "caretaker"
                self.set_load(routine.load, routine.value, device_context(), reason)

        return run
