"""What the hub knows of one alert at a moment, saved durably at every change so that a
restart finds each alert, its shelving and its escalation exactly where they were."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Escalation:
    """Where an escalation stands: the next step to run and when, and the reminders."""

    started: datetime
    step: int = 0
    round: int = 0
    due: datetime | None = None
    reminders: int = 0
    reminder_due: datetime | None = None
    last_step: int = 0
    """The number (from 1) of the step run last; 0 before the first."""
    number: int = 1
    """Counts the alert's escalations, so that two started at one instant differ."""


@dataclass(frozen=True, slots=True)
class Shelving:
    until: datetime
    by: str
    reason: str
    one_shot: bool = False
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    by: str
    note: str
    at: datetime
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """The last thing that happened to the alert, and who did it."""

    action: str
    who: str
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """One alert's lifecycle data (the state shown is derived from it, see lifecycle.py)."""

    alert_id: str
    active: bool = False
    """The alarm condition holds (after the on- and off-delays)."""
    acknowledged: bool = True
    latched: bool = False
    """Back to normal, but latched: waits for alert.reset."""
    manual: bool = False
    """Raised by alert.raise (until alert.clear)."""
    since: datetime | None = None
    returned_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    shelving: Shelving | None = None
    suppression: Suppression | None = None
    escalation: Escalation | None = None
    realarm_due: datetime | None = None
    realarms: int = 0
    pending_on: datetime | None = None
    pending_off: datetime | None = None
    notified: tuple[str, ...] = ()
    activations: tuple[datetime, ...] = ()
    chattering: bool = False
    stale: bool = False
    escalations: int = 0
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """What alert.raise gave: title, message, variables."""
    last: Change | None = None

    @property
    def activation(self) -> str | None:
        """Names this activation in idempotency keys: its start, to the millisecond."""
        if self.since is None:
            return None
        return str(int(self.since.timestamp() * 1000))

    def replace(self, **changes: Any) -> AlertRecord:
        return dataclasses.replace(self, **changes)

    @property
    def pristine(self) -> bool:
        """Nothing worth keeping across a restart: normal, not shelved, nothing pending."""
        return self == AlertRecord(self.alert_id, activations=self.activations, last=self.last,
                                   chattering=self.chattering, escalations=self.escalations)


_NESTED: dict[str, type[Any]] = {
    "shelving": Shelving, "suppression": Suppression, "escalation": Escalation, "last": Change,
}


def to_payload(record: AlertRecord) -> dict[str, Any]:
    """Plain data for the durable store (datetimes stay datetimes; the store keeps them)."""
    out: dict[str, Any] = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = dataclasses.asdict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[item.name] = value
    return out


def from_payload(payload: Mapping[str, Any]) -> AlertRecord:
    """The record saved by `to_payload`; unknown keys (from a later release) are ignored."""
    known = {f.name for f in dataclasses.fields(AlertRecord)}
    values: dict[str, Any] = {}
    for name, saved in payload.items():
        if name not in known:
            continue
        kind = _NESTED.get(name)
        value = saved
        if kind is not None and isinstance(saved, Mapping):
            fields = {f.name for f in dataclasses.fields(kind)}
            value = kind(**{k: v for k, v in saved.items() if k in fields})
        elif name in ("notified", "activations") and isinstance(saved, list):
            value = tuple(saved)
        values[name] = value
    return AlertRecord(**values)
