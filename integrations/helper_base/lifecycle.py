"""A helper integration's running instance: what it set up, undone in reverse on stop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from kozani_hub.entities import Entity
from kozani_hub.recorder import Recorder

from .entity import HelperEntity
from .restore import after_restore

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class HelperSetup:
    """Keeps the entities, services and listeners a helper integration added, and removes them
    again in `async_stop` (the IntegrationInstance contract)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._undo: list[Callable[[], None]] = []
        self._entity_ids: list[str] = []

    @classmethod
    async def run(cls, hub: Hub, build: Callable[[HelperSetup], Awaitable[None]]) -> HelperSetup:
        """Set up with `build`; if it fails, what it had set up is undone before the error
        goes on to the hub."""
        setup = cls(hub)
        try:
            await build(setup)
        except BaseException:
            await setup.async_stop()
            raise
        return setup

    def add_entity(self, entity: Entity, *, write: bool = True) -> None:
        """Add `entity` (publishing its state now unless `write` is false).

        A helper entity whose state is already set when it is added (a scenario's initial
        states) takes that state as its value.
        """
        existing = self.hub.states.get(entity.entity_id)
        if isinstance(entity, HelperEntity) and existing is not None:
            self.hub.entities.add(entity, write=False)
            entity.adopt(existing)
            entity.write_state()
        else:
            self.hub.entities.add(entity, write=write)
        self._entity_ids.append(entity.entity_id)

    def on_stop(self, undo: Callable[[], None]) -> None:
        """Call `undo` when the integration stops (last registered, first called)."""
        self._undo.append(undo)

    async def settle(self, entities: Sequence[HelperEntity]) -> None:
        """Once the recorder has restored what it saved, give the rest their defaults."""

        async def done(_recorder: Recorder | None) -> None:
            for entity in entities:
                entity.finish_restore()

        self.on_stop(await after_restore(self.hub, done))

    async def async_stop(self) -> None:
        while self._undo:
            self._undo.pop()()
        for entity_id in reversed(self._entity_ids):
            entity = self.hub.entities.get(entity_id)
            if isinstance(entity, HelperEntity):
                entity.will_remove()
            self.hub.entities.remove(entity_id)
        self._entity_ids.clear()
