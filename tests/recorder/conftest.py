"""A hub on a simulated clock with a recorder writing to a file in a temporary config dir."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, RecorderConfig

START = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)

StartHub = Callable[..., Awaitable[tuple[Hub, Recorder]]]


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
async def start_hub(tmp_path: Path) -> AsyncIterator[StartHub]:
    """Start a hub with a recorder; every hub started is stopped at the end of the test."""
    started: list[tuple[Hub, Recorder]] = []

    async def start(
        clock: SimulatedClock | None = None,
        config_dir: Path = tmp_path,
        before_start: Callable[[Hub], object] | None = None,
        **config: Any,
    ) -> tuple[Hub, Recorder]:
        hub = Hub(clock=clock or SimulatedClock(START), config_dir=config_dir)
        if before_start is not None:
            before_start(hub)
        recorder = Recorder(hub, RecorderConfig(**config))
        hub.add_component(recorder)
        await hub.start()
        started.append((hub, recorder))
        return hub, recorder

    yield start
    for hub, _ in reversed(started):
        if hub.running or hub.components:
            await hub.stop()


@pytest.fixture
async def hub_and_recorder(start_hub: StartHub, clock: SimulatedClock) -> tuple[Hub, Recorder]:
    return await start_hub(clock)


async def crash(hub: Hub, recorder: Recorder) -> None:
    """Stop the hub as a crash would: the recorder does not get to say it ended cleanly."""
    await recorder.crash()
    hub.components.remove(recorder)
    await hub.stop()
