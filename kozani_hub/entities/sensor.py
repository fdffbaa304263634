"""Sensors: a measured value with a unit, device class and state class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Entity


class SensorEntity(Entity):
    domain = "sensor"

    def __init__(
        self,
        entity_id: str,
        *,
        name: str | None = None,
        unit: str | None = None,
        device_class: str | None = None,
        state_class: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        attrs: dict[str, Any] = dict(attributes or {})
        for key, value in (
            ("unit_of_measurement", unit),
            ("device_class", device_class),
            ("state_class", state_class),
        ):
            if value is not None:
                attrs[key] = value
        super().__init__(entity_id, name=name, attributes=attrs)
        self.native_value: object = None

    @property
    def state_value(self) -> object:
        return self.native_value

    def update(self, value: object) -> None:
        """Set a new reading and publish it."""
        self.native_value = value
        self.available = True
        self.write_state()
