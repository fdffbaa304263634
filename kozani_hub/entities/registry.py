"""The entity registry, and the entity services (`light.turn_on`, `switch.turn_off`, ...)
that route a call to the entity objects it targets."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.context import Context
from kozani_hub.core.services import ServiceCall, ServiceError

from .base import Entity
from .light import LightEntity, brightness_from
from .number import NumberEntity
from .switch import SwitchEntity

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class DuplicateEntity(ValueError):
    def __init__(self, entity_id: str) -> None:
        super().__init__(f"entity {entity_id} already exists; entity ids must be unique")


class LightTurnOn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    brightness: int | None = Field(default=None, ge=0, le=255)
    brightness_pct: float | None = Field(default=None, ge=0, le=100)
    transition: float | None = Field(default=None, ge=0)


class LightTurnOff(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transition: float | None = Field(default=None, ge=0)


class NoData(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float


class EntityRegistry:
    """Every entity object in the hub, by entity id."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._entities: dict[str, Entity] = {}

    def add(self, entity: Entity, *, write: bool = True) -> None:
        self._hub.states.check_entity_id(entity.entity_id)
        if entity.entity_id in self._entities:
            raise DuplicateEntity(entity.entity_id)
        self._entities[entity.entity_id] = entity
        entity.attach(self._hub)
        if write:
            entity.write_state()

    def remove(self, entity_id: str) -> None:
        entity = self._entities.pop(entity_id, None)
        if entity is not None:
            entity.detach()
            self._hub.states.remove(entity_id)

    def get(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def __iter__(self) -> Iterator[Entity]:
        return iter(list(self._entities.values()))

    def __len__(self) -> int:
        return len(self._entities)

    def register_services(self) -> None:
        """Register the domain services that act on entity objects."""
        reg = self._hub.services.register
        reg("light", "turn_on", self._light_on, LightTurnOn, "Turn lights on or dim them")
        reg("light", "turn_off", self._light_off, LightTurnOff, "Turn lights off")
        reg("light", "toggle", self._light_toggle, LightTurnOn, "Toggle lights")
        reg(
            "switch",
            "turn_on",
            self._switch(lambda e, ctx: e.async_turn_on(ctx)),
            NoData,
            "Turn switches on",
        )
        reg(
            "switch",
            "turn_off",
            self._switch(lambda e, ctx: e.async_turn_off(ctx)),
            NoData,
            "Turn switches off",
        )
        reg(
            "switch",
            "toggle",
            self._switch(lambda e, ctx: e.async_toggle(ctx)),
            NoData,
            "Toggle switches",
        )
        reg("number", "set_value", self._number_set, SetValue, "Write a setpoint")

    def targets(self, call: ServiceCall, kind: type[Entity]) -> list[Any]:
        if not call.entity_ids:
            raise ServiceError(f"{call.name} needs a target entity_id")
        found: list[Any] = []
        for eid in call.entity_ids:
            entity = self._entities.get(eid)
            if entity is None or not isinstance(entity, kind):
                raise ServiceError(f"{call.name}: no {kind.domain} entity {eid}")
            found.append(entity)
        return found

    async def _each(self, entities: list[Any], act: Callable[[Any], Awaitable[None]]) -> None:
        results = await asyncio.gather(*(act(e) for e in entities), return_exceptions=True)
        errors = [
            f"{e.entity_id}: {r}"
            for e, r in zip(entities, results, strict=True)
            if isinstance(r, Exception)
        ]
        if errors:
            raise ServiceError("; ".join(errors))

    async def _light_on(self, call: ServiceCall) -> None:
        brightness = brightness_from(call.data)
        transition = call.data.get("transition")
        await self._each(
            self.targets(call, LightEntity),
            lambda e: e.async_turn_on(call.context, brightness=brightness, transition=transition),
        )

    async def _light_off(self, call: ServiceCall) -> None:
        transition = call.data.get("transition")
        await self._each(
            self.targets(call, LightEntity),
            lambda e: e.async_turn_off(call.context, transition=transition),
        )

    async def _light_toggle(self, call: ServiceCall) -> None:
        brightness = brightness_from(call.data)
        transition = call.data.get("transition")

        async def toggle(e: LightEntity) -> None:
            if e.is_on:
                await e.async_turn_off(call.context, transition=transition)
            else:
                await e.async_turn_on(call.context, brightness=brightness, transition=transition)

        await self._each(self.targets(call, LightEntity), toggle)

    def _switch(
        self, method: Callable[[SwitchEntity, Context], Awaitable[None]]
    ) -> Callable[[ServiceCall], Awaitable[None]]:
        async def handler(call: ServiceCall) -> None:
            await self._each(self.targets(call, SwitchEntity), lambda e: method(e, call.context))

        return handler

    async def _number_set(self, call: ServiceCall) -> None:
        value = float(call.data["value"])

        async def write(e: NumberEntity) -> None:
            await e.async_set_value(e.check_value(value), call.context)

        await self._each(self.targets(call, NumberEntity), write)
