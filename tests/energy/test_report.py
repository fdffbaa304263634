"""The review of a street's lighting programme on a day recorded by the real recorder: dimmed
lamps save (1 - brightness/255) x rated power, and a change a declaring rule caused through
another run is credited to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kozani_hub.automation import load_rules
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.energy import Database, build_report
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, RecorderConfig, RuleRun

ATHENS = ZoneInfo("Europe/Athens")
LAMP_1, LAMP_2 = "light.dimokratias_01", "light.dimokratias_02"
DEVICE = Context("device-report", None, "device")
EVENING = datetime.fromisoformat("2026-02-17T18:00:00+02:00")

RULES = """
- id: dimokratias_programme
  alias: Dimokratias programme
  controls:
    - { entity_id: [light.dimokratias_01, light.dimokratias_02], rated_watts: 60, building: dimokratias }
  triggers: { trigger: time, at: "00:00:00" }
  actions: { action: light.turn_on, target: { entity_id: light.dimokratias_01 } }
- id: dimokratias_override
  alias: Dimokratias override
  controls: [ { entity_id: light.dimokratias_02, rated_watts: 60, building: dimokratias } ]
  triggers: { trigger: time, at: "00:00:00" }
  actions: { action: light.turn_on, target: { entity_id: light.dimokratias_02 } }
"""


def ran(hub: Hub, recorder: Recorder, rule_id: str, context: Context) -> None:
    """Record a run of a rule as the rules engine does: its run record, and (in databases
    that keep them) its automation_triggered event."""
    now = hub.clock.now()
    if recorder.config.record_rule_echoes:
        hub.bus.fire("automation_triggered", {"id": rule_id, "name": rule_id}, context)
    else:
        recorder.record_rule_run(RuleRun(context.id, rule_id, now, "finished", now,
                                         context_id=context.id))


@pytest.fixture(params=["rule runs", "automation_triggered events"])
async def street_night(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A night of two lamps: the programme dims both to 50 % at midnight; at 02:00 the
    override takes lamp 2 to 20 %; at 04:00 the programme takes lamp 1 to 30 % through a
    transition step made under a context of its own (its parent is the programme's run)."""
    clock = SimulatedClock(EVENING)
    hub = Hub(clock=clock, config_dir=tmp_path)
    echoes = request.param == "automation_triggered events"
    recorder = Recorder(hub, RecorderConfig(db_path="street.db", record_rule_echoes=echoes))
    hub.add_component(recorder)
    await hub.start()
    try:
        for lamp in (LAMP_1, LAMP_2):
            hub.states.set(lamp, "on", {"brightness": 255, "power": 60.0})
        await clock.advance_to(EVENING + timedelta(hours=6))          # 00:00
        first = Context("programme-run-1", None, "rule")
        ran(hub, recorder, "dimokratias_programme", first)
        for lamp in (LAMP_1, LAMP_2):
            hub.states.set(lamp, "on", {"brightness": 128, "power": 33.0}, first)
        await clock.advance(300)                                       # a power report only
        hub.states.set(LAMP_1, "on", {"brightness": 128, "power": 32.5}, DEVICE)
        await clock.advance_to(EVENING + timedelta(hours=8))          # 02:00
        override = Context("override-run-1", None, "rule")
        ran(hub, recorder, "dimokratias_override", override)
        hub.states.set(LAMP_2, "on", {"brightness": 51, "power": 16.8}, override)
        await clock.advance_to(EVENING + timedelta(hours=10))         # 04:00
        second = Context("programme-run-2", None, "rule")
        ran(hub, recorder, "dimokratias_programme", second)
        hub.states.set(LAMP_1, "on", {"brightness": 76, "power": 22.0},
                       Context("transition-step", second.id, "rule"))
        await clock.advance_to(EVENING + timedelta(hours=12))         # 06:00, sunrise
        for lamp in (LAMP_1, LAMP_2):
            hub.states.set(lamp, "off", {"brightness": None, "power": 0.0}, DEVICE)
        await recorder.flush()
    finally:
        await hub.stop()
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "street.yaml").write_text(RULES, encoding="utf-8")
    return tmp_path


async def test_dimmed_lamps_save_what_the_dimming_leaves_out(street_night: Path) -> None:
    rules, issues = load_rules([street_night / "rules"])
    assert issues == []
    with Database(street_night / "street.db") as db:
        report = build_report(db, list(rules.values()), EVENING, EVENING + timedelta(hours=14),
                              ATHENS)
    (street,) = report.buildings
    assert street.building == "dimokratias"
    assert street.meters == () and street.kwh_used is None
    figures = {a.rule_id: a for a in street.automations}
    programme, override = figures["dimokratias_programme"], figures["dimokratias_override"]
    # lamp 1: 50 % from 00:00 (the power report at 00:05 does not end the programme's hold),
    # 30 % from 04:00 to sunrise; lamp 2: 50 % until the override takes it at 02:00
    assert programme.runs == 2
    assert programme.hours_in_effect == pytest.approx(6.0)
    assert programme.kwh_saved * 1000 == pytest.approx(
        60 * (1 - 128 / 255) * 4 + 60 * (1 - 76 / 255) * 2 + 60 * (1 - 128 / 255) * 2)
    assert programme.kwh_used * 1000 == pytest.approx(
        60 * 128 / 255 * 4 + 60 * 76 / 255 * 2 + 60 * 128 / 255 * 2)
    # lamp 2 at 20 % from 02:00 to sunrise
    assert override.runs == 1
    assert override.hours_in_effect == pytest.approx(4.0)
    assert override.kwh_saved * 1000 == pytest.approx(60 * (1 - 51 / 255) * 4)
    assert street.kwh_saved == pytest.approx(programme.kwh_saved + override.kwh_saved)
    # lamps switched off at sunrise by their photocells save nothing: no rule made it
    assert [d.kwh_saved for d in street.days] == [
        pytest.approx(0.0), pytest.approx(street.kwh_saved)]
