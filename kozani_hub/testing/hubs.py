"""The hub a scenario runs: its configuration without device integrations, on simulated time.
Helper integrations (those whose module says `KIND = "helper"`: input_*, timer, template, ...)
have no devices behind them and run for real.

A restart builds a second hub on the same configuration and the same database; the first is
left as a crash leaves it (no stop event, no final flush), its timers never fire again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.errors import ConfigError, ConfigIssue
from kozani_hub.config.hub_config import LoadedConfig, load_hub_config
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.integration import IntegrationError, available, load
from kozani_hub.recorder import Recorder

HELPER = "helper"


@dataclass(frozen=True, slots=True)
class ScenarioEnvironment:
    """What stays the same across a scenario's restarts.

    `database` is the scenario's own SQLite file (in a temporary folder removed afterwards):
    the hub factory points the recorder at it, so a restart finds what was written before.
    """

    config_dir: Path | None
    workdir: Path

    @property
    def database(self) -> Path:
        return self.workdir / "kozani-hub.db"


HubFactory = Callable[[ScenarioEnvironment, SimulatedClock], Hub]
"""Builds a hub, not yet started, for a scenario (again at each restart)."""


@runtime_checkable
class Crashable(Protocol):
    """A component that holds resources beyond the event loop (a writer thread, open files).

    At a simulated crash it lets them go without the work of a clean stop: no final flush,
    no goodbye; only what a killed process would leave behind is left.
    """

    async def crash(self) -> None: ...


def config_hub(env: ScenarioEnvironment, clock: SimulatedClock) -> Hub:
    """The hub of `env.config_dir` as `kozani-hub run` builds it, without device integrations
    or HTTP server, its recorder writing to the scenario's own database, its alert
    notifications recorded instead of sent."""
    if env.config_dir is None:
        return bare_hub(env, clock)
    loaded = load_hub_config(env.config_dir)
    hub = hub_from_config(
        loaded, clock, with_integrations=False, with_http=False, with_recorder=False,
        record_notifications=True,
    )
    hub.integration_configs = helper_sections(loaded)
    config = loaded.core.recorder.model_copy(update={"db_path": str(env.database)})
    # First, where the hub's own build puts it: what it restores is there before rules start.
    hub.components.insert(0, Recorder(hub, config))
    return hub


def helper_sections(loaded: LoadedConfig) -> dict[str, Any]:
    """The sections of the helper integrations, checked: a bad one fails the scenario with its
    `FILE:LINE` problems rather than leaving its entities and services missing."""
    known = available()
    sections: dict[str, Any] = {}
    issues: list[ConfigIssue] = []
    for domain, section in loaded.integrations.items():
        try:
            integration = load(domain, known)
        except IntegrationError:
            continue  # device integrations are not started; `check` reports unknown ones
        if getattr(integration.module, "KIND", None) != HELPER:
            continue
        issues += loaded.validate_integration(domain, integration.schema)[1]
        sections[domain] = section
    if issues:
        raise ConfigError(issues)
    return sections


def bare_hub(env: ScenarioEnvironment, clock: SimulatedClock) -> Hub:
    """A hub with the core only: no rules, no configuration."""
    return Hub(clock=clock, config_dir=env.config_dir)


async def crash(hub: Hub, keep: set[asyncio.Task[object]]) -> None:
    """Stop `hub` as a crash would: its tasks are cancelled, nothing is saved or announced."""
    for component in hub.components:
        if isinstance(component, Crashable):
            await component.crash()
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current and t not in keep]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    hub.running = False
