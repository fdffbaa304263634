"""A scenario, validated: its start, initial states and steps, each knowing its file and line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kozani_hub.config.errors import display_path

if TYPE_CHECKING:
    from .expectations import Expectation

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Where:
    """The file and line a step was written at."""

    file: str
    line: int | None

    def __str__(self) -> str:
        where = display_path(self.file)
        return f"{where}:{self.line}" if self.line is not None else where


@dataclass(frozen=True, slots=True)
class InitialState:
    state: str
    attributes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class SetStep:
    """A device reports a state (and, optionally, attributes merged over the current ones)."""

    where: Where
    entity_id: str
    state: str
    attributes: Mapping[str, Any] | None = None
    kind = "set"


@dataclass(frozen=True, slots=True)
class EventStep:
    where: Where
    event_type: str
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    kind = "event"


@dataclass(frozen=True, slots=True)
class CallStep:
    """A service called as a user would."""

    where: Where
    domain: str
    service: str
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    target: Mapping[str, Any] | None = None
    kind = "call"


@dataclass(frozen=True, slots=True)
class WebhookStep:
    """A request to `/api/webhook/{webhook_id}`, handed to the rules engine's webhook handler."""

    where: Where
    webhook_id: str
    json: Any = None
    method: str = "POST"
    kind = "webhook"


@dataclass(frozen=True, slots=True)
class AfterStep:
    where: Where
    duration: timedelta
    kind = "after"


@dataclass(frozen=True, slots=True)
class AtStep:
    """Advance to an instant; `text` is read in the hub's time zone when it has no offset."""

    where: Where
    text: str
    kind = "at"


@dataclass(frozen=True, slots=True)
class RestartStep:
    """Stop the hub as a crash would, let `downtime` pass, and start it on the same database."""

    where: Where
    downtime: timedelta = timedelta(0)
    kind = "restart"


@dataclass(frozen=True, slots=True)
class ExpectStep:
    where: Where
    checks: tuple[Expectation, ...]
    kind = "expect"


Step = SetStep | EventStep | CallStep | WebhookStep | AfterStep | AtStep | RestartStep | ExpectStep


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scenario file, validated."""

    path: Path
    name: str
    start: str | None
    config: Path | None
    states: Mapping[str, InitialState]
    steps: tuple[Step, ...]
    responses: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    """What a device service answers (`modbus.read_registers: {values: [1234]}`)."""
    failures: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Device services that fail, with the error they raise (a unit that does not answer)."""
