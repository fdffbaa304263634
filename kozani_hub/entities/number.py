"""Numbers: setpoints written to a device, within min/max/step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kozani_hub.core.context import Context

from .base import Entity


class NumberEntity(Entity):
    domain = "number"

    def __init__(
        self,
        entity_id: str,
        *,
        name: str | None = None,
        minimum: float = 0.0,
        maximum: float = 100.0,
        step: float = 1.0,
        unit: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        attrs: dict[str, Any] = dict(attributes or {})
        attrs.update({"min": minimum, "max": maximum, "step": step})
        if unit:
            attrs["unit_of_measurement"] = unit
        super().__init__(entity_id, name=name, attributes=attrs)
        self.minimum, self.maximum, self.step = minimum, maximum, step
        self.value: float | None = None

    @property
    def state_value(self) -> object:
        return self.value

    def check_value(self, value: float) -> float:
        if not self.minimum <= value <= self.maximum:
            raise ValueError(f"{self.entity_id}: {value} is outside {self.minimum}..{self.maximum}")
        steps = round((value - self.minimum) / self.step)
        snapped = self.minimum + steps * self.step
        if abs(snapped - value) > 1e-9 * max(1.0, abs(value)):
            raise ValueError(f"{self.entity_id}: {value} is not a multiple of step {self.step}")
        return value

    async def async_set_value(self, value: float, context: Context) -> None:
        raise NotImplementedError
