"""Hubs for helper tests: a configuration folder written by the test, built as `kozani-hub run`
builds it (recorder included, HTTP left out), on simulated time; restarts on the same database."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from pathlib import Path

import pytest

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.commands.check import check_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder

START = datetime.fromisoformat("2026-01-15T12:00:00+02:00")
HEADER = (
    "hub:\n  name: Helper tests\n  latitude: 40.3007\n  longitude: 21.7887\n"
    "  time_zone: Europe/Athens\n"
)


class HelperHubs:
    """Writes hub.yaml, starts hubs from it, crashes and restarts them."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.started: list[Hub] = []

    def write(self, sections: str) -> Path:
        path = self.config_dir / "hub.yaml"
        path.write_text(HEADER + textwrap.dedent(sections), encoding="utf-8")
        return path

    def problems(self, sections: str) -> list[str]:
        """What `kozani-hub check` reports, as 'hub.yaml:LINE: message' lines."""
        self.write(sections)
        return [
            f"{Path(issue.file).name}:{issue.line}: {issue.message}"
            for issue in check_config(self.config_dir)
        ]

    def line(self, text: str) -> int:
        """The line of hub.yaml (as last written) where `text` first appears."""
        lines = (self.config_dir / "hub.yaml").read_text(encoding="utf-8").splitlines()
        return next(n for n, line in enumerate(lines, 1) if text in line)

    def problem_at(self, problems: list[str], text: str, message: str) -> bool:
        """Whether a problem containing `message` is reported at the line of `text`."""
        prefix = f"hub.yaml:{self.line(text)}: "
        return any(p.startswith(prefix) and message in p for p in problems)

    async def start(
        self,
        sections: str | None = None,
        *,
        clock: SimulatedClock | None = None,
        recorder: bool = True,
        states: Mapping[str, str] | None = None,
        before_start: Callable[[Hub], object] | None = None,
    ) -> Hub:
        if sections is not None:
            self.write(sections)
        loaded = load_hub_config(self.config_dir)
        hub = hub_from_config(
            loaded, clock or SimulatedClock(START), with_http=False, with_recorder=recorder
        )
        for entity_id, state in (states or {}).items():
            hub.states.set(entity_id, state)
        if before_start is not None:
            before_start(hub)
        await hub.start()
        self.started.append(hub)
        assert not hub.failed_integrations, hub.failed_integrations
        await settle()
        return hub

    async def crash(self, hub: Hub) -> None:
        """Stop as a killed process would: the recorder ends without a clean goodbye."""
        for component in list(hub.components):
            if isinstance(component, Recorder):
                await component.crash()
                hub.components.remove(component)
        await hub.stop()
        self.started.remove(hub)

    async def restart(
        self,
        hub: Hub,
        downtime: float = 0.0,
        *,
        before_start: Callable[[Hub], object] | None = None,
    ) -> Hub:
        """Crash `hub` and start a new one on the same database after `downtime` seconds."""
        await settle()
        await self.crash(hub)
        clock = SimulatedClock(hub.clock.now())
        await clock.advance(downtime)
        return await self.start(clock=clock, before_start=before_start)

    async def close(self) -> None:
        for hub in reversed(self.started):
            if hub.running or hub.components:
                await hub.stop()


@pytest.fixture
async def hubs(tmp_path: Path) -> AsyncIterator[HelperHubs]:
    helper = HelperHubs(tmp_path)
    yield helper
    await helper.close()
