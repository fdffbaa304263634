"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

START = datetime.fromisoformat("2026-01-15T12:00:00+02:00")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
async def hub(clock: SimulatedClock) -> AsyncIterator[Hub]:
    """A bare hub on simulated time, with no integrations."""
    hub = Hub(clock=clock)
    yield hub
    await hub.stop()
