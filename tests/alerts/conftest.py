"""Alert engines on simulated time: a small care district, and notifiers that remember or fail
as a test tells them to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from kozani_hub.alerts.config import AlertsConfig
from kozani_hub.alerts.engine import AlertEngine
from kozani_hub.alerts.notifiers import DeliveryError, Message
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, RecorderConfig

DISTRICT: dict[str, Any] = {
    "notifiers": {"app": {"type": "log"}, "mail": {"type": "log"}},
    "people": {
        "maria": {"name": "Maria", "contacts": [{"notifier": "app", "address": "maria"}]},
        "nikos": {"name": "Nikos", "contacts": [{"notifier": "app", "address": "nikos"}]},
        "eleni": {"name": "Eleni", "contacts": [{"notifier": "app", "address": "eleni"},
                                               {"notifier": "mail", "address": "e@k.gr"}]},
        "kostas": {"contacts": [{"notifier": "app", "address": "kostas"}]},
    },
    "groups": {"nurses": ["eleni"]},
    "rotas": {"care": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "22:00",
         "people": ["maria"]},
        {"from": "22:00", "to": "07:00", "people": ["nikos"]},
    ]},
    "policies": {
        "care": {"steps": [{"notify": ["rota.care"], "wait": "00:05:00"},
                           {"notify": ["group.nurses"], "wait": "00:10:00"}]},
        "water": {"steps": [{"notify": ["kostas"]}]},
    },
}


def alerts_config(*definitions: dict[str, Any], **section: Any) -> AlertsConfig:
    """The district with these definitions (and section keys replaced)."""
    return AlertsConfig.model_validate({**DISTRICT, "definitions": list(definitions), **section})


def sos(**extra: Any) -> dict[str, Any]:
    return {"id": "r01_sos", "condition": {"type": "state", "entity_id": "binary_sensor.r01_sos",
                                           "state": "on"},
            "severity": "critical", "category": "care", "policy": "care", **extra}


class FakeNotifier:
    """Remembers what it is given; fails while `failures` holds errors (one per send)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Message] = []
        self.tried: list[Message] = []
        self.failures: list[DeliveryError] = []
        self.before_send: Callable[[Message], Awaitable[None]] | None = None
        self.closed = False

    async def send(self, message: Message) -> None:
        self.tried.append(message)
        if self.before_send is not None:
            await self.before_send(message)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)

    async def close(self) -> None:
        self.closed = True

    def keys(self) -> list[str]:
        return [m.key for m in self.sent]

    def people(self) -> list[str]:
        return [m.recipient for m in self.sent]


StartEngine = Callable[..., Awaitable[tuple[Hub, AlertEngine, dict[str, FakeNotifier]]]]


@pytest.fixture
async def start_engine(tmp_path: Path) -> AsyncIterator[StartEngine]:
    """Start a hub with an alert engine (and, with `recorder=True`, a recorder writing to a
    database in the test's folder, the same one at every start); stopped at the end."""
    started: list[Hub] = []

    async def start(
        config: AlertsConfig, clock: SimulatedClock, *, recorder: bool = False,
        states: dict[str, str] | None = None,
    ) -> tuple[Hub, AlertEngine, dict[str, FakeNotifier]]:
        hub = Hub(clock=clock, config_dir=tmp_path)
        for entity_id, state in (states or {}).items():
            hub.states.set(entity_id, state)
        if recorder:
            hub.add_component(Recorder(hub, RecorderConfig(db_path="alerts.db")))
        notifiers = {name: FakeNotifier(name) for name in config.notifiers}
        engine = AlertEngine(hub, config, notifiers=notifiers)
        hub.add_component(engine)
        await hub.start()
        await settle()
        started.append(hub)
        return hub, engine, notifiers

    yield start
    for hub in reversed(started):
        if hub.running:
            await hub.stop()


async def crash(hub: Hub) -> None:
    """Stop as a killed process would: the recorder writes what was queued, nothing else."""
    for component in hub.components:
        if isinstance(component, Recorder):
            await component.crash()
    engine = next(c for c in hub.components if isinstance(c, AlertEngine))
    for alert in engine.alerts.values():
        alert.stop()
    await engine.outbox.stop()
    hub.running = False
