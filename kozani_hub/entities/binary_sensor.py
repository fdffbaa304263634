"""Binary sensors: motion, door, SOS button, a pump's running contact."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kozani_hub.core.states import STATE_OFF, STATE_ON

from .base import Entity


class BinarySensorEntity(Entity):
    domain = "binary_sensor"

    def __init__(
        self,
        entity_id: str,
        *,
        name: str | None = None,
        device_class: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        attrs: dict[str, Any] = dict(attributes or {})
        if device_class:
            attrs["device_class"] = device_class
        super().__init__(entity_id, name=name, attributes=attrs)
        self.is_on: bool | None = None

    @property
    def state_value(self) -> object:
        if self.is_on is None:
            return None
        return STATE_ON if self.is_on else STATE_OFF

    def update(self, is_on: bool | None) -> None:
        self.is_on = is_on
        self.available = True
        self.write_state()
