"""Fixtures for rule tests: write rule files, start a hub with the engine, record service calls."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Protocol

import pytest

from kozani_hub.automation import AutomationEngine
from kozani_hub.hub import Hub

from .helpers import Calls, write

RECORDED = (
    "light.turn_on",
    "light.turn_off",
    "light.toggle",
    "switch.turn_on",
    "switch.turn_off",
    "notify.notify",
    "notify.caregivers",
    "notify.mobile_app_phone",
    "test.record",
    "climate.set_temperature",
    "media_player.play_media",
    "scene.turn_on",
)


@pytest.fixture
def calls(hub: Hub) -> Calls:
    """Every call of the usual device and notify services, recorded instead of run."""
    recorded = Calls()
    for name in RECORDED:
        domain, _, service = name.partition(".")
        hub.services.register(domain, service, recorded.append)
    return recorded


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    return folder


class Start(Protocol):
    def __call__(
        self, text: str | None = None, *, allow_issues: bool = False, **kwargs: Any
    ) -> Awaitable[AutomationEngine]: ...


@pytest.fixture
def start(hub: Hub, rules_dir: Path, calls: Calls) -> Start:
    """Write `text` as rules/rules.yaml (when given), start the hub with the engine."""

    async def starter(
        text: str | None = None, *, allow_issues: bool = False, **kwargs: Any
    ) -> AutomationEngine:
        if text is not None:
            write(rules_dir, "rules.yaml", text)
        engine = AutomationEngine(hub, [rules_dir], **kwargs)
        hub.add_component(engine)
        await hub.start()
        if not allow_issues:
            assert [str(i) for i in engine.issues] == []
        return engine

    return starter
