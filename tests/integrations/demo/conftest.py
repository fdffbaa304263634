"""Hubs running the demo district on simulated time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import pytest

from integrations.demo import DemoDistrict
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.core.states import State
from kozani_hub.hub import Hub

#: Thursday 15 January 2026, a school day in the heating season, at local midnight.
MIDNIGHT = datetime.fromisoformat("2026-01-15T00:00:00+02:00")
#: The staged incidents switched off, for tests about something else.
QUIET: dict[str, Any] = {"incidents": {"sos": {"enabled": False},
                                       "tank_leak": {"enabled": False},
                                       "sensor_silent": {"enabled": False}}}  # fmt: skip


class DemoRun:
    """A hub with the demo integration, its simulated clock, and the state changes seen."""

    def __init__(self, hub: Hub, clock: SimulatedClock) -> None:
        self.hub = hub
        self.clock = clock
        self.changes: list[Event] = []
        hub.bus.listen(EVENT_STATE_CHANGED, self.changes.append)

    @property
    def district(self) -> DemoDistrict:
        instance = self.hub.integrations["demo"]
        assert isinstance(instance, DemoDistrict)
        return instance

    def state(self, entity_id: str) -> State:
        state = self.hub.states.get(entity_id)
        if state is None:
            raise AssertionError(f"{entity_id} has no state")
        return state

    def value(self, entity_id: str) -> float:
        return float(self.state(entity_id).state)

    def changes_of(self, entity_id: str) -> list[State]:
        """The new states of an entity since it was created, in order."""
        return [
            e.data["new_state"]
            for e in self.changes
            if e.data["entity_id"] == entity_id
            and e.data["old_state"] is not None
            and e.data["new_state"] is not None
        ]

    def moments(self, entity_id: str, state: str) -> list[datetime]:
        """When an entity changed to `state` since it was created."""
        return [s.last_changed for s in self.changes_of(entity_id)
                if s.state == state and s.last_changed is not None]  # fmt: skip

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)

    async def call(self, action: str, entity_id: str, **data: Any) -> None:
        domain, service = action.split(".")
        await self.hub.services.call(domain, service, data, target={"entity_id": entity_id})


StartDemo = Callable[..., Awaitable[DemoRun]]


@pytest.fixture
async def start_demo() -> AsyncIterator[StartDemo]:
    """Start a hub with `demo:` set to the given configuration, on a simulated clock."""
    hubs: list[Hub] = []

    async def start(config: Mapping[str, Any] | None = None, at: datetime = MIDNIGHT) -> DemoRun:
        clock = SimulatedClock(at)
        hub = Hub(clock=clock, integration_configs={"demo": dict(config or {})})
        run = DemoRun(hub, clock)
        hubs.append(hub)
        await hub.start()
        assert not hub.failed_integrations, hub.failed_integrations
        return run

    yield start
    for hub in hubs:
        await hub.stop()
