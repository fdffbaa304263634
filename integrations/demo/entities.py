"""The demo's entity classes: lamps and switches that act on simulated devices, and a helper
that publishes a sensor reading only when it changed."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from kozani_hub.core.clock import Clock, Timer
from kozani_hub.core.context import Context
from kozani_hub.entities import BinarySensorEntity, LightEntity, SensorEntity, SwitchEntity

from .lamps import FULL, LampSpec, lamp_power, transition_steps


def device_context() -> Context:
    """The context of a change a simulated device reports on its own."""
    # The same 128 random bits as uuid4().hex, at a fifth of the cost: a simulated day
    # of the district makes some 20,000 reports.
    return Context(id=os.urandom(16).hex(), origin="device")


def report(entity: SensorEntity, value: object) -> bool:
    """Publish a new reading if it differs from the last one; True if it did."""
    if entity.native_value == value and entity.available:
        return False
    entity.native_value = value
    entity.available = True
    entity.write_state(device_context())
    return True


def report_binary(entity: BinarySensorEntity, is_on: bool) -> bool:
    """Publish a binary sensor's new state if it changed; True if it did."""
    if entity.is_on == is_on and entity.available:
        return False
    entity.is_on = is_on
    entity.available = True
    entity.write_state(device_context())
    return True


class DemoLamp(LightEntity):
    """A dimmable LED street lamp. A transition is stepped on the hub's clock."""

    def __init__(self, spec: LampSpec, clock: Clock, on_change: Callable[[DemoLamp], None]) -> None:
        super().__init__(
            spec.entity_id,
            name=spec.name,
            attributes={
                "rated_watts": spec.rated_watts,
                "street": spec.street,
                "supported_color_modes": ["brightness"],
            },
        )
        self.spec = spec
        self.is_on = False
        self.brightness = None
        self._clock = clock
        self._on_change = on_change
        self._level = FULL
        self._steps: list[Timer] = []

    @property
    def power(self) -> float:
        return lamp_power(self.spec.rated_watts, bool(self.is_on), self.brightness or 0)

    @property
    def in_transition(self) -> bool:
        return bool(self._steps)

    def state_attributes(self) -> dict[str, Any]:
        return {
            "brightness": self.brightness if self.is_on else None,
            "color_mode": "brightness" if self.is_on else None,
            "power": self.power,
        }

    async def async_turn_on(
        self, context: Context, *, brightness: int | None = None, transition: float | None = None
    ) -> None:
        if brightness is None:
            brightness = self.brightness if self.is_on and self.brightness else self._level
        self.go(brightness, transition, context)

    async def async_turn_off(self, context: Context, *, transition: float | None = None) -> None:
        self.go(0, transition, context)

    def go(self, target: int, transition: float | None, context: Context) -> None:
        """Head for `target` brightness (0 is off), at once or stepped over `transition` s."""
        self._cancel_steps()
        start = (self.brightness or 0) if self.is_on else 0
        if target > 0:
            self._level = target
        steps = transition_steps(start, target, transition or 0.0)
        if len(steps) == 1:
            self._apply(target, context)
            return
        if start == 0:
            self._apply(1, context)
        now = self._clock.now()
        for offset, value in steps:
            self._steps.append(
                self._clock.call_at(now + timedelta(seconds=offset), self._step(value, context))
            )

    def preset(self, brightness: int) -> None:
        """Set the lamp's state before it is added to the hub, without publishing it."""
        self.is_on = brightness > 0
        self.brightness = brightness if brightness > 0 else None

    def cancel_transition(self) -> None:
        self._cancel_steps()

    def _step(self, value: int, context: Context) -> Callable[[], None]:
        def run() -> None:
            if self._steps:
                self._steps.pop(0)
            self._apply(value, context)

        return run

    def _apply(self, brightness: int, context: Context) -> None:
        self.is_on = brightness > 0
        self.brightness = brightness if brightness > 0 else None
        self.write_state(context)
        self._on_change(self)

    def _cancel_steps(self) -> None:
        for timer in self._steps:
            timer.cancel()
        self._steps.clear()


class DemoSwitch(SwitchEntity):
    """A switch whose commands go to a simulated device, which reports back through `report`."""

    def __init__(
        self,
        entity_id: str,
        *,
        name: str,
        command: Callable[[bool, Context], None],
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(entity_id, name=name, attributes=attributes)
        self.is_on = False
        self._command = command

    async def async_turn_on(self, context: Context) -> None:
        self._command(True, context)

    async def async_turn_off(self, context: Context) -> None:
        self._command(False, context)

    def report(self, is_on: bool, context: Context | None = None) -> None:
        """The device says it is now on or off."""
        if self.is_on == is_on and self._hub is not None:
            return
        self.is_on = is_on
        if self._hub is not None:
            self.write_state(context or device_context())
