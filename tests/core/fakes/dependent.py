"""A test integration that needs `recording` to be set up first."""

from __future__ import annotations

from typing import Any

from tests.core.fakes.recording import Config, Instance

DOMAIN = "dependent"
DEPENDENCIES = ("recording",)
CONFIG_SCHEMA = Config


async def async_setup(hub: Any, config: Config) -> Instance:
    assert hub.states.get("sensor.recording") is not None, "recording must come first"
    config.journal.append(f"setup {config.name}")
    return Instance(config)
