"""The shipped care rules on the demo district's simulated residents, as `kozani-hub run -c
config` runs them: the staged SOS raises R01's alert within minutes, and a resident's
ordinary day (up, out, visits, meals, the bathroom, bed) raises nothing else; and every alert
a care rule raises is defined."""

from __future__ import annotations

import logging
import re
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
from kozani_hub.config.loader import load_yaml
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.hub import Hub
from kozani_hub.testing.traces import engine_of

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
CARE_RULES = ROOT / "rules" / "care"
CARE_BLUEPRINTS = ROOT / "rules" / "blueprints" / "care"
#: Thursday 15 January 2026, before the residents wake.
START = datetime.fromisoformat("2026-01-15T05:00:00+02:00")


def demo_sections() -> dict[str, Any]:
    """The shipped sections, the demo's water station as entities (no Modbus in a unit test)."""
    sections = dict(load_hub_config(CONFIG).integrations)
    sections.pop("modbus", None)
    sections["demo"] = {k: v for k, v in dict(sections["demo"]).items() if k != "modbus"}
    return sections


@dataclass
class Homes:
    """The care alerts' states through the run."""

    hub: Hub
    clock: SimulatedClock
    alerts: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)

    def seen(self, event: Event) -> None:
        entity_id: str = event.data["entity_id"]
        new, old = event.data["new_state"], event.data["old_state"]
        if entity_id.startswith("alert.care_") and new is not None and old is not None \
                and new.state != old.state:
            self.alerts.setdefault(entity_id, []).append((self.clock.now(), new.state))

    def raised(self, alert: str) -> list[datetime]:
        return [when for when, state in self.alerts.get(f"alert.{alert}", []) if state == "active"]

    def told(self, alert: str) -> list[Message]:
        engine = next(c for c in self.hub.components if isinstance(c, AlertEngine))
        return [m for n in engine.notifiers.values() if isinstance(n, RecordingNotifier)
                for m in n.sent if m.alert_id == alert]  # fmt: skip


@pytest.fixture
async def homes() -> AsyncIterator[Homes]:
    clock = SimulatedClock(START)
    hub = hub_from_config(load_hub_config(CONFIG), clock, with_http=False, with_recorder=False,
                          record_notifications=True)
    hub.integration_configs = demo_sections()
    seen = Homes(hub, clock)
    hub.bus.listen(EVENT_STATE_CHANGED, seen.seen)
    await hub.start()
    assert not hub.failed_integrations, hub.failed_integrations
    engine = engine_of(hub)
    assert engine is not None and engine.issues == []
    yield seen
    await hub.stop()


async def test_the_demo_sos_is_alerted_at_once_and_an_ordinary_day_raises_nothing_else(
    homes: Homes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await homes.clock.advance(3 * 60 + 1)
    assert homes.raised("care_r01_sos") == [START + timedelta(minutes=3)]
    told = homes.told("care_r01_sos")
    assert [m.recipient for m in told] == ["nikos"]  # 05:03: the night shift
    assert told[0].title == "SOS: κα Ελένη Π. (R01) πάτησε το κουμπί βοήθειας"

    await homes.clock.advance(24 * 3600)
    # The staged incidents: R02's fridge sensor silent from 05:30 to 08:30 (told at 07:30),
    # and his medicine cabinet's flat battery (told at the 09:00 round).
    assert homes.raised("care_r02_silent") == [START + timedelta(hours=2, minutes=30)]
    assert homes.raised("care_r02_battery") == [START + timedelta(hours=4)]
    assert [m.recipient for m in homes.told("care_r02_battery")] == ["petros"]
    expected = {"alert.care_r01_sos", "alert.care_r02_silent", "alert.care_r02_battery"}
    others = {alert: states for alert, states in homes.alerts.items() if alert not in expected}
    assert all(state == "normal" for states in others.values() for _, state in states), others
    problems = [r.getMessage() for r in caplog.records
                if "care" in r.getMessage() and r.levelno >= logging.WARNING]  # fmt: skip
    assert problems == []


def alert_ids_raised() -> dict[str, str]:
    """Each alert id the care rules raise, and the rule that raises it."""
    raised: dict[str, str] = {}
    for path in sorted(CARE_RULES.glob("*.yaml")):
        if path.name.endswith(".alerts.yaml"):
            continue
        for rule in load_yaml(path, roots=[ROOT]):
            use = rule["use_blueprint"]
            given = use["input"]
            text = (CARE_BLUEPRINTS / Path(use["path"]).name).read_text(encoding="utf-8")
            for found in re.findall(r'"care_\{\{ resident \}\}_([a-z_]+|\{\{ item \}\})"', text):
                suffix = given["item"] if found == "{{ item }}" else found
                raised[f"care_{given['resident']}_{suffix}"] = rule["id"]
            for suffix in re.findall(r"'care_' ~ resident ~ '_([a-z_]+)'", text):
                raised[f"care_{given['resident']}_{suffix}"] = rule["id"]
    return raised


def test_every_alert_a_care_rule_raises_is_defined_and_every_blueprint_is_used() -> None:
    raised = alert_ids_raised()
    defined = {d["id"] for path in sorted(CARE_RULES.glob("*.alerts.yaml"))
               for d in load_yaml(path, roots=[ROOT])}  # fmt: skip
    assert sorted(set(raised) - defined) == []
    assert sorted(defined - set(raised)) == []
    assert len(raised) == 2 * 9
    used = {Path(rule["use_blueprint"]["path"]).name
            for path in CARE_RULES.glob("r??.yaml") for rule in load_yaml(path, roots=[ROOT])}
    assert used == {p.name for p in CARE_BLUEPRINTS.glob("*.yaml")}
