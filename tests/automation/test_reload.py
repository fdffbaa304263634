"""Reload: all-or-nothing validation; unchanged rules keep their runs and pending `for:`."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import Event
from kozani_hub.core.services import ServiceError
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls, write

SLOW = """
- id: slow
  triggers: [{trigger: event, event_type: go}]
  actions:
    - delay: 60
    - action: test.record
      data: {rule: slow}
"""
HELD = """
- id: held
  triggers:
    - trigger: state
      entity_id: binary_sensor.tank_overflow
      to: "on"
      for: "00:05:00"
  actions:
    - action: test.record
      data: {rule: held}
"""


async def test_unchanged_rules_keep_running_actions_and_for_timers(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, rules_dir: Path
) -> None:
    engine = await start(SLOW + HELD)
    hub.bus.fire("go")
    hub.states.set("binary_sensor.tank_overflow", "on")
    await clock.advance(30)
    before = engine.rules["slow"]
    write(rules_dir, "rules.yaml", "# a comment moves the rules down\n" + SLOW + HELD)
    write(rules_dir, "more.yaml", """
- id: added
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record, data: {rule: added}}]
""")
    assert await engine.reload() == []
    assert engine.rules["slow"] is before
    assert hub.states.get("automation.slow").attributes["line"] == 3  # type: ignore[union-attr]
    await clock.advance(300)
    assert sorted(c.data["rule"] for c in calls) == ["held", "slow"]
    hub.bus.fire("go")
    assert "added" in [c.data["rule"] for c in calls]


async def test_a_changed_rule_is_replaced_and_its_runs_stop(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, rules_dir: Path
) -> None:
    engine = await start(SLOW + HELD)
    hub.bus.fire("go")
    await clock.advance(30)
    write(rules_dir, "rules.yaml", SLOW.replace("{rule: slow}", "{rule: slow2}") + HELD)
    assert await engine.reload() == []
    await clock.advance(60)
    assert calls == []
    assert engine.traces("slow")[0].reason == "the rule changed on reload"
    hub.bus.fire("go")
    await clock.advance(60)
    assert [c.data["rule"] for c in calls] == ["slow2"]


async def test_removed_rules_go_away_with_their_entity(
    hub: Hub, start: Start, calls: Calls, rules_dir: Path
) -> None:
    engine = await start(SLOW + HELD)
    write(rules_dir, "rules.yaml", HELD)
    events: list[Event] = []
    hub.bus.listen("automation_reloaded", events.append)
    assert await engine.reload() == []
    assert set(engine.rules) == {"held"}
    assert hub.states.get("automation.slow") is None
    assert dict(events[0].data) == {"kept": 1, "replaced": 0, "added": 0, "removed": 1}


async def test_an_invalid_file_changes_nothing(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, rules_dir: Path
) -> None:
    engine = await start(SLOW)
    hub.bus.fire("go")
    write(rules_dir, "rules.yaml", SLOW.replace("{rule: slow}", "{rule: changed}"))
    write(rules_dir, "broken.yaml", """
- id: broken
  triggers: [{trigger: stat, entity_id: light.x}]
  actions: [{action: test.record}]
""")
    issues = await engine.reload()
    assert [f"{Path(i.file).name}:{i.line}" for i in issues] == ["broken.yaml:2"]
    await clock.advance(60)
    assert [c.data["rule"] for c in calls] == ["slow"]


async def test_the_reload_service_reports_the_problems(
    hub: Hub, start: Start, calls: Calls, rules_dir: Path
) -> None:
    await start(SLOW)
    write(rules_dir, "rules.yaml", SLOW.replace("delay: 60", "delay: soon"))
    with pytest.raises(ServiceError, match=r"not reloaded, 1 problem\(s\): .*rules.yaml:4"):
        await hub.services.call("automation", "reload")


async def test_sighup_reloads_the_rules(hub: Hub, calls: Calls, rules_dir: Path) -> None:
    write(rules_dir, "rules.yaml", SLOW)
    engine = AutomationEngine(hub, [rules_dir])
    hub.add_component(engine)
    loop = asyncio.get_running_loop()
    started, reloaded = loop.create_future(), loop.create_future()
    hub.bus.listen("hub_started", lambda e: started.set_result(True))
    hub.bus.listen("automation_reloaded", lambda e: reloaded.set_result(True))
    running = asyncio.create_task(hub.run_until_stopped())
    await asyncio.wait_for(started, 5)
    write(rules_dir, "rules.yaml", SLOW + HELD)
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.wait_for(reloaded, 5)
    assert set(engine.rules) == {"slow", "held"}
    hub.request_stop()
    await running
