"""One street: its dimmable lamps, its motion sensor, and the meter of its lighting circuit."""

from __future__ import annotations

import logging
import random
from datetime import datetime
from typing import TYPE_CHECKING

from kozani_hub.entities import BinarySensorEntity, Entity, SensorEntity

from .district import StreetSpec
from .entities import DemoLamp, device_context, report, report_binary
from .lamps import FULL
from .meter import EnergyMeter
from .motion import MotionProcess

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

MOTION_HOLD_S = 60.0


class StreetDevices:
    def __init__(self, hub: Hub, spec: StreetSpec, rng: random.Random) -> None:
        self._hub = hub
        self.spec = spec
        self.lamps = [DemoLamp(lamp, hub.clock, self._lamp_changed) for lamp in spec.lamps]
        self.motion = BinarySensorEntity(
            spec.entity_id("binary_sensor", "motion"),
            name=f"{spec.name} motion",
            device_class="motion",
            attributes={"street": spec.key},
        )
        self.motion.is_on = False
        self.power = SensorEntity(
            spec.entity_id("sensor", "lighting_power"),
            name=f"{spec.name} lighting power",
            unit="W",
            device_class="power",
            state_class="measurement",
            attributes={"street": spec.key},
        )
        self.power.native_value = 0.0
        self.energy = SensorEntity(
            spec.entity_id("sensor", "lighting_energy"),
            name=f"{spec.name} lighting energy",
            unit="kWh",
            device_class="energy",
            state_class="total_increasing",
            attributes={"street": spec.key},
        )
        self.energy.native_value = 0.0
        self.meter = EnergyMeter()
        self._last = hub.clock.now()
        self._process = MotionProcess(
            hub.clock,
            rng,
            rate=self._motion_rate,
            peak=spec.peak_motion_rate,
            hold=MOTION_HOLD_S,
            report=self._report_motion,
        )

    def entities(self) -> list[Entity]:
        return [*self.lamps, self.motion, self.power, self.energy]

    def start(self) -> None:
        self._process.start()

    def stop(self) -> None:
        self._process.stop()
        for lamp in self.lamps:
            lamp.cancel_transition()

    def preset(self, dark: bool) -> None:
        """Light the lamps before they are added, if it is dark when the district starts."""
        for lamp in self.lamps:
            lamp.preset(FULL if dark else 0)
        self.meter.watts = sum(lamp.power for lamp in self.lamps)
        self.power.native_value = round(self.meter.watts, 1)

    def photocell(self, dark: bool) -> int:
        """Switch the lamps on at dusk and off at dawn; returns how many changed."""
        changed = 0
        for lamp in self.lamps:
            if dark != bool(lamp.is_on):
                lamp.go(FULL if dark else 0, None, device_context())
                changed += 1
        return changed

    def report_energy(self) -> None:
        self._account()
        report(self.energy, self.meter.reading())

    @property
    def lamps_on(self) -> int:
        return sum(1 for lamp in self.lamps if lamp.is_on)

    def _motion_rate(self, when: datetime) -> float:
        return self.spec.motion_rate(when.astimezone(self._hub.tz).hour)

    def _report_motion(self, is_on: bool) -> None:
        if report_binary(self.motion, is_on):
            _LOGGER.debug("%s motion %s", self.spec.name, "detected" if is_on else "cleared")

    def _account(self) -> None:
        now = self._hub.clock.now()
        self.meter.run((now - self._last).total_seconds())
        self._last = now

    def _lamp_changed(self, _lamp: DemoLamp) -> None:
        self._account()
        self.meter.watts = sum(lamp.power for lamp in self.lamps)
        report(self.power, round(self.meter.watts, 1))
