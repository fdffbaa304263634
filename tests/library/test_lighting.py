"""The shipped lighting rules driving the demo district's real (simulated) lamps for a night:
the lamps dim as the programme says, draw what their rating says, and no lamp is taken for a
failed one."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kozani_hub.automation import load_rules
from kozani_hub.bootstrap import build_hub, hub_from_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.energy import Database, build_report
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder
from kozani_hub.testing.traces import engine_of

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
ATHENS = ZoneInfo("Europe/Athens")
#: Thursday 15 January 2026, an hour before sunset (17:34:31).
AFTERNOON = datetime.fromisoformat("2026-01-15T16:30:00+02:00")
STREETS = ("dimokratias", "pavlou_mela", "eleftheriou_venizelou")


def demo_sections() -> dict[str, Any]:
    """The shipped configuration's sections, the demo serving its water station as entities
    (no Modbus server or client in a unit test)."""
    sections = dict(load_hub_config(CONFIG).integrations)
    sections.pop("modbus", None)
    demo = {k: v for k, v in dict(sections["demo"]).items() if k != "modbus"}
    sections["demo"] = demo
    return sections


@pytest.fixture
async def district() -> AsyncIterator[tuple[Hub, SimulatedClock, list[Event]]]:
    loaded = load_hub_config(CONFIG)
    clock = SimulatedClock(AFTERNOON)
    hub = hub_from_config(loaded, clock, with_http=False, with_recorder=False,
                          record_notifications=True)
    hub.integration_configs = demo_sections()
    changes: list[Event] = []
    hub.bus.listen(EVENT_STATE_CHANGED, changes.append)
    await hub.start()
    assert not hub.failed_integrations, hub.failed_integrations
    engine = engine_of(hub)
    assert engine is not None and engine.issues == []
    yield hub, clock, changes
    await hub.stop()


def levels(changes: list[Event], entity_id: str) -> list[int]:
    """The brightness a lamp reported at each change, 0 when off, repeats left out."""
    out: list[int] = []
    for event in changes:
        if event.data["entity_id"] != entity_id or event.data["new_state"] is None:
            continue
        new = event.data["new_state"]
        value = int(new.attributes.get("brightness") or 0) if new.state == "on" else 0
        if not out or out[-1] != value:
            out.append(value)
    return out


async def test_the_demo_district_lives_a_night_under_the_lighting_programme(
    district: tuple[Hub, SimulatedClock, list[Event]], caplog: pytest.LogCaptureFixture
) -> None:
    hub, clock, changes = district
    caplog.set_level(logging.WARNING)
    assert hub.states.get("light.pavlou_mela_01").state == "off"  # type: ignore[union-attr]

    await clock.advance_to(datetime.fromisoformat("2026-01-16T08:30:00+02:00"))

    side = levels(changes, "light.pavlou_mela_01")
    main = levels(changes, "light.dimokratias_01")
    # on at full level after sunset, 50 % (main street 70 %) from midnight, 30 % (50 %) from
    # 02:00, off before sunrise; passers-by bring it back to full level now and then
    assert side[0] == 0 and side[-1] == 0 and 255 in side
    assert {128, 76} <= set(side) and {178, 128} <= set(main)
    for street in STREETS:
        lamp = hub.states.get(f"light.{street}_07")
        assert lamp is not None and lamp.state == "off" and lamp.attributes["power"] == 0.0
        alert = hub.states.get(f"alert.lighting_{street}_lamp_failure")
        assert alert is not None and alert.state == "normal", alert
    warnings = [r for r in caplog.records
                if r.name.startswith("kozani_hub.automation") and r.levelno >= logging.WARNING]
    assert warnings == []


async def test_a_lamp_that_stops_answering_in_the_demo_raises_its_street_alert(
    district: tuple[Hub, SimulatedClock, list[Event]],
) -> None:
    hub, clock, _ = district
    await clock.advance_to(datetime.fromisoformat("2026-01-15T21:00:00+02:00"))
    lamp = hub.entities.get("light.pavlou_mela_13")
    assert lamp is not None
    lamp.available = False
    lamp.write_state()
    await clock.advance(6 * 60)
    alert = hub.states.get("alert.lighting_pavlou_mela_lamp_failure")
    assert alert is not None and alert.state == "active"
    assert alert.attributes["title"] == "Pavlou Mela: 1 failed lamp (pole 13)"


LIGHTING_HUB = """
hub:
  name: Street lighting review test
  latitude: 40.3007
  longitude: 21.7887
  elevation: 710
  time_zone: Europe/Athens
  rules: [rules]
recorder:
  db_path: kozani.db
packages: !include_dir_named packages
alerts:
  notifiers: { log: { type: log } }
demo:                       # the three streets as shipped; no homes, no staged incidents
  residents: 0
  photocell: false
  update_interval: 60
  incidents: { sos: { enabled: false }, tank_leak: { enabled: false } }
"""


def lighting_config(folder: Path) -> Path:
    """A configuration folder with the shipped lighting package and rules, and the demo."""
    (folder / "packages").mkdir(parents=True)
    (folder / "hub.yaml").write_text(LIGHTING_HUB, encoding="utf-8")
    shutil.copy(ROOT / "config" / "packages" / "lighting.yaml", folder / "packages")
    shutil.copytree(ROOT / "rules" / "lighting", folder / "rules" / "lighting")
    shutil.copytree(ROOT / "rules" / "blueprints" / "lighting",
                    folder / "rules" / "blueprints" / "lighting")
    return folder


async def test_the_energy_review_credits_each_street_programme_with_its_dimming(
    tmp_path: Path,
) -> None:
    folder = lighting_config(tmp_path / "config")
    clock = SimulatedClock(AFTERNOON)
    hub = build_hub(folder, clock=clock)
    await hub.start()
    try:
        recorder = next(c for c in hub.components if isinstance(c, Recorder))
        for _ in range(3):
            await clock.advance(6 * 3600)
            await recorder.flush()
    finally:
        await hub.stop()

    rules, issues = load_rules([folder / "rules"], roots=[folder])
    assert issues == []
    start = datetime.fromisoformat("2026-01-15T00:00:00+02:00")
    end = datetime.fromisoformat("2026-01-17T00:00:00+02:00")
    with Database(folder / "kozani.db") as db:
        report = build_report(db, list(rules.values()), start, end, ATHENS)
    streets = {b.building: b for b in report.buildings}
    assert set(streets) == set(STREETS)
    for street, rated_kw in (("dimokratias", 1.8), ("pavlou_mela", 1.2)):
        building = streets[street]
        assert building.meters == (f"sensor.{street}_lighting_energy",)
        (programme,) = building.automations
        assert programme.rule_id == f"{street}_lighting_programme"
        # on from 17:44 to 07:40, about 14 hours at full level but for the dimmed hours after
        # midnight (less the passers-by): what it drew and what the dimming left out make up
        # the street at full level all night
        full_night = rated_kw * 13.9
        assert programme.runs >= 4 and programme.hours_in_effect > 13.5
        assert 0.1 * full_night < programme.kwh_saved < 0.5 * full_night
        assert programme.kwh_used + programme.kwh_saved == pytest.approx(full_night, rel=0.05)
        assert building.kwh_used == pytest.approx(programme.kwh_used, rel=0.05)
