"""Switches: pumps, valves, heating and lighting circuits."""

from __future__ import annotations

from kozani_hub.core.context import Context
from kozani_hub.core.states import STATE_OFF, STATE_ON

from .base import Entity


class SwitchEntity(Entity):
    """A switch. Subclasses implement `async_turn_on/off` against their device."""

    domain = "switch"
    is_on: bool | None = None

    @property
    def state_value(self) -> object:
        if self.is_on is None:
            return None
        return STATE_ON if self.is_on else STATE_OFF

    async def async_turn_on(self, context: Context) -> None:
        raise NotImplementedError

    async def async_turn_off(self, context: Context) -> None:
        raise NotImplementedError

    async def async_toggle(self, context: Context) -> None:
        if self.is_on:
            await self.async_turn_off(context)
        else:
            await self.async_turn_on(context)
