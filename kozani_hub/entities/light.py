"""Lights: street lamps and building lighting, dimmable, with an optional transition."""

from __future__ import annotations

from typing import Any

from kozani_hub.core.context import Context
from kozani_hub.core.states import STATE_OFF, STATE_ON

from .base import Entity


def brightness_from(data: dict[str, Any] | Any) -> int | None:
    """Brightness 0-255 from `brightness` or `brightness_pct` service data."""
    if data.get("brightness") is not None:
        return max(0, min(255, round(float(data["brightness"]))))
    if data.get("brightness_pct") is not None:
        return max(0, min(255, round(float(data["brightness_pct"]) * 255 / 100)))
    return None


class LightEntity(Entity):
    """A light. Subclasses implement `async_turn_on/off` against their device."""

    domain = "light"
    is_on: bool | None = None
    brightness: int | None = None

    @property
    def state_value(self) -> object:
        if self.is_on is None:
            return None
        return STATE_ON if self.is_on else STATE_OFF

    def state_attributes(self) -> dict[str, Any]:
        return {"brightness": self.brightness if self.is_on else None}

    async def async_turn_on(
        self, context: Context, *, brightness: int | None = None, transition: float | None = None
    ) -> None:
        raise NotImplementedError

    async def async_turn_off(self, context: Context, *, transition: float | None = None) -> None:
        raise NotImplementedError
