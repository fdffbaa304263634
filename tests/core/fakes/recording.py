"""A test integration that records its setup and stop in a shared journal."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

DOMAIN = "recording"


class Journal:
    """Shared by reference (a list would be copied by validation)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, line: str) -> None:
        self.lines.append(line)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    journal: Journal
    name: str = "recording"


CONFIG_SCHEMA = Config


class Instance:
    def __init__(self, config: Config) -> None:
        self.config = config

    async def async_stop(self) -> None:
        self.config.journal.append(f"stop {self.config.name}")


async def async_setup(hub: Any, config: Config) -> Instance:
    config.journal.append(f"setup {config.name}")
    hub.states.set(f"sensor.{config.name}", "ready")
    return Instance(config)
