"""The shipped water rules driving the demo district's simulated tanks and pumps, as
`kozani-hub run -c config` does: the staged leak of Tank North raises its leak alert within
minutes, the lag pump helps the lead against it, and the pumps take turns to lead."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kozani_hub.alerts.engine import AlertEngine
from kozani_hub.alerts.notifiers.contract import Message
from kozani_hub.alerts.recording import RecordingNotifier
from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.hub import Hub
from kozani_hub.testing.traces import engine_of

CONFIG = Path(__file__).resolve().parents[2] / "config"
#: Thursday 15 January 2026, early afternoon.
START = datetime.fromisoformat("2026-01-15T14:00:00+02:00")
PUMPS = ("switch.pump_north_1", "switch.pump_north_2", "switch.pump_south_1",
         "switch.pump_south_2")  # fmt: skip


def demo_sections() -> dict[str, Any]:
    """The shipped configuration's sections, the demo serving its water station as entities
    (no Modbus server or client in a unit test)."""
    sections = dict(load_hub_config(CONFIG).integrations)
    sections.pop("modbus", None)
    sections["demo"] = {k: v for k, v in dict(sections["demo"]).items() if k != "modbus"}
    return sections


@dataclass
class Station:
    """What the water station did: each pump's starts and stops, each water alert's states."""

    hub: Hub
    clock: SimulatedClock
    pumps: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)
    alerts: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)

    def seen(self, event: Event) -> None:
        entity_id: str = event.data["entity_id"]
        new, old = event.data["new_state"], event.data["old_state"]
        if new is None or old is None or new.state == old.state:
            return
        if entity_id in PUMPS:
            self.pumps.setdefault(entity_id, []).append((self.clock.now(), new.state))
        elif entity_id.startswith("alert.water_"):
            self.alerts.setdefault(entity_id, []).append((self.clock.now(), new.state))

    def starts(self, pump: str) -> list[datetime]:
        return [when for when, state in self.pumps.get(pump, []) if state == "on"]

    def lead(self, tank: str) -> str:
        state = self.hub.states.get(f"input_select.tank_{tank}_lead_pump")
        assert state is not None
        return state.state


@pytest.fixture
async def station() -> AsyncIterator[Station]:
    loaded = load_hub_config(CONFIG)
    clock = SimulatedClock(START)
    hub = hub_from_config(loaded, clock, with_http=False, with_recorder=False,
                          record_notifications=True)
    hub.integration_configs = demo_sections()
    seen = Station(hub, clock)
    hub.bus.listen(EVENT_STATE_CHANGED, seen.seen)
    await hub.start()
    assert not hub.failed_integrations, hub.failed_integrations
    engine = engine_of(hub)
    assert engine is not None and engine.issues == []
    yield seen
    await hub.stop()


def sent(hub: Hub, alert_id: str) -> list[Message]:
    """The notifications recorded (never sent) about one alert."""
    engine = next(c for c in hub.components if isinstance(c, AlertEngine))
    return [m for notifier in engine.notifiers.values() if isinstance(notifier, RecordingNotifier)
            for m in notifier.sent if m.alert_id == alert_id]  # fmt: skip


async def test_the_demo_leak_is_alerted_within_minutes_and_the_pumps_take_turns(
    station: Station, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    clock = station.clock
    await clock.advance(4 * 3600)

    # The staged leak starts 5 minutes in; the water team hears of it some ten minutes later.
    leak = station.alerts["alert.water_tank_north_leak"]
    raised = next(when for when, state in leak if state == "active")
    assert START + timedelta(minutes=10) < raised < START + timedelta(minutes=20)
    told = sent(station.hub, "water_tank_north_leak")
    assert told and told[0].recipient == "kostas"
    assert "leak suspected" in told[0].title
    # Repaired 35 minutes in, the alert returns by itself after half an hour of normal draw.
    assert leak[-1][1] == "returned"

    # Against the leak, the lead pump (1) started first and the lag pump (2) assisted.
    north_1, north_2 = station.starts(PUMPS[0]), station.starts(PUMPS[1])
    assert north_1[0] < north_2[0] < START + timedelta(minutes=35)
    # The fill over, pump 2 led the next fill alone; pump 1 rested.
    assert len(north_2) == 2 and len(north_1) == 1
    # Tank South: pump 1 led the first fill, and then handed the lead to pump 2.
    assert station.starts(PUMPS[2]) and station.lead("south") == "switch.pump_south_2"

    # Nothing else: no low levels, no dry pumps, no short-cycling, no leak in Tank South.
    others = {eid: states for eid, states in station.alerts.items()
              if eid != "alert.water_tank_north_leak"}  # fmt: skip
    assert all(state == "normal" for states in others.values() for _, state in states), others
    water_warnings = [r.getMessage() for r in caplog.records if "water" in r.getMessage()]
    assert water_warnings == []
