"""Restart survival: pending `for:` waits, waiting runs, missed schedules, on/off and
last_triggered, all as plain JSON and taken back by a new hub."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.core.states import State
from kozani_hub.hub import Hub

from .conftest import RECORDED, Start
from .helpers import Calls, write

Restart = Callable[..., Awaitable[tuple[Hub, AutomationEngine, Calls, SimulatedClock]]]


@pytest.fixture
async def restart(
    hub: Hub, clock: SimulatedClock, rules_dir: Path
) -> AsyncIterator[Restart]:
    """Stop the first hub (as a crash would leave it) and start a second one later."""
    later: list[Hub] = []

    async def again(
        downtime: float = 0, states: dict[str, Any] | None = None
    ) -> tuple[Hub, AutomationEngine, Calls, SimulatedClock]:
        await hub.stop()
        clock2 = SimulatedClock(clock.now() + timedelta(seconds=downtime))
        hub2 = Hub(clock=clock2)
        later.append(hub2)
        calls2 = Calls()
        for name in RECORDED:
            domain, _, service = name.partition(".")
            hub2.services.register(domain, service, calls2.append)
        for entity_id, value in (states or {}).items():
            saved = value if isinstance(value, State) else State(
                entity_id, value, context=Context(origin="restore"))
            hub2.states.restore(saved)
        engine2 = AutomationEngine(hub2, [rules_dir])
        hub2.add_component(engine2)
        await hub2.start()
        return hub2, engine2, calls2, clock2

    yield again
    for other in later:
        await other.stop()


def saved(engine: AutomationEngine) -> list[dict[str, Any]]:
    """What a recorder would write and read back."""
    return json.loads(json.dumps(engine.snapshot_pending()))  # type: ignore[no-any-return]


FOR_RULE = """
- id: overflow
  triggers:
    - trigger: state
      entity_id: binary_sensor.tank_overflow
      to: "on"
      for: "00:10:00"
  actions:
    - action: test.record
      data: {since: "{{ trigger.to_state.last_changed.isoformat() }}"}
"""


async def test_a_pending_for_fires_on_time_after_a_restart(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start(FOR_RULE)
    hub.states.set("binary_sensor.tank_overflow", "on")
    await clock.advance(240)
    items = saved(engine)
    assert [(i["rule"], i["kind"], i["key"]) for i in items] == [
        ("overflow", "for", "binary_sensor.tank_overflow")]
    overflow = hub.states.get("binary_sensor.tank_overflow")
    _, engine2, calls2, clock2 = await restart(60, {"binary_sensor.tank_overflow": overflow})
    assert engine2.resume_pending(items) == []
    await clock2.advance(299)
    assert calls2 == []
    await clock2.advance(1)  # ten minutes after the sensor went on, downtime included
    assert len(calls2) == 1
    assert calls2[0].data["since"] == overflow.last_changed.isoformat()  # type: ignore[union-attr]


async def test_a_for_whose_state_changed_during_downtime_is_dropped(
    hub: Hub, start: Start, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start(FOR_RULE)
    hub.states.set("binary_sensor.tank_overflow", "on")
    items = saved(engine)
    _, engine2, calls2, clock2 = await restart(60, {"binary_sensor.tank_overflow": "off"})
    problems = engine2.resume_pending(items)
    assert len(problems) == 1
    assert "changed while the hub was down" in problems[0]
    await clock2.advance(3600)
    assert calls2 == []


async def test_a_run_waiting_in_a_delay_goes_on_with_its_variables(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start("""
- id: flush
  triggers: [{trigger: event, event_type: flush}]
  actions:
    - variables: {pump: switch.pump_north_1}
    - action: switch.turn_on
      target: {entity_id: "{{ pump }}"}
    - delay: "00:30:00"
    - action: switch.turn_off
      target: {entity_id: "{{ pump }}"}
      data: {}
    - action: test.record
      data: {why: "{{ trigger.event.data.why }}"}
""")
    hub.bus.fire("flush", {"why": "weekly"})
    await clock.advance(600)
    items = saved(engine)
    assert [(i["kind"], i["path"], i["wait"]["kind"]) for i in items] == [
        ("run", "action/2", "delay")]
    _, engine2, calls2, clock2 = await restart(300)
    assert engine2.resume_pending(items) == []
    await clock2.advance(899)
    assert calls2 == []
    await clock2.advance(1)
    assert [(c.name, c.entity_ids) for c in calls2] == [
        ("switch.turn_off", ("switch.pump_north_1",)), ("test.record", ())]
    assert calls2[1].data["why"] == "weekly"
    assert engine2.traces("flush")[-1].reason == "continued after a restart"


async def test_a_run_inside_a_loop_and_a_branch_goes_on(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start("""
- id: sweep
  triggers: [{trigger: event, event_type: sweep}]
  actions:
    - if: "{{ true }}"
      then:
        - repeat:
            count: 3
            sequence:
              - action: test.record
                data: {i: "{{ repeat.index }}"}
              - delay: 60
""")
    hub.bus.fire("sweep")
    await clock.advance(90)  # in the second round's delay
    items = saved(engine)
    assert items[0]["path"] == "action/0/then/0/repeat/sequence/1"
    _, engine2, calls2, clock2 = await restart(10)
    assert engine2.resume_pending(items) == []
    await clock2.advance(200)
    assert [c.data["i"] for c in calls2] == [3]


async def test_a_changed_rule_drops_its_pending_items(
    hub: Hub, start: Start, clock: SimulatedClock, restart: Restart, rules_dir: Path
) -> None:
    engine = await start(FOR_RULE)
    hub.states.set("binary_sensor.tank_overflow", "on")
    items = saved(engine)
    write(rules_dir, "rules.yaml", FOR_RULE.replace("00:10:00", "00:20:00"))
    _, engine2, _, _ = await restart(0)
    problems = engine2.resume_pending(items)
    assert len(problems) == 1
    assert "changed while the hub was down; its pending for is dropped" in problems[0]


async def test_wait_for_trigger_survives(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start("""
- id: sos
  triggers: [{trigger: event, event_type: sos}]
  actions:
    - wait_for_trigger:
        - trigger: event
          event_type: acknowledged
      timeout: "00:15:00"
    - action: test.record
      data: {acknowledged: "{{ wait.trigger is not none }}"}
""")
    hub.bus.fire("sos")
    await clock.advance(60)
    items = saved(engine)
    hub2, engine2, calls2, clock2 = await restart(60)
    assert engine2.resume_pending(items) == []
    hub2.bus.fire("acknowledged")
    await clock2.advance(0)
    assert calls2.datas() == [{"acknowledged": True}]


MISSED = """
- id: night_dim
  missed: {missed}
  triggers:
    - trigger: time
      at: "23:00:00"
  actions:
    - action: test.record
      data: {{missed: "{{{{ trigger.missed | default(false) }}}}"}}
"""


@pytest.mark.parametrize(("policy", "runs"), [("run_once", 1), ("skip", 0)])
async def test_missed_schedules(
    start: Start, clock: SimulatedClock, restart: Restart, policy: str, runs: int
) -> None:
    engine = await start(MISSED.format(missed=policy))
    await clock.advance_to(datetime.fromisoformat("2026-01-15T22:00:00+02:00"))
    items = saved(engine)
    assert [i["kind"] for i in items] == ["schedule"]
    # down from 22:00 to 02:00: 23:00 (and only that) was missed
    _, engine2, calls2, _ = await restart(4 * 3600)
    assert engine2.resume_pending(items) == []
    assert len(calls2) == runs
    if runs:
        assert calls2.datas() == [{"missed": True}]


async def test_on_off_and_last_triggered_are_restored(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, restart: Restart
) -> None:
    await start("""
- id: a
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record}]
- id: b
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record}]
""")
    hub.bus.fire("go")
    await clock.advance(1)
    await hub.services.call("automation", "turn_off", target={"entity_id": "automation.a"})
    a, b = hub.states.get("automation.a"), hub.states.get("automation.b")
    assert a is not None and b is not None
    saved_a = State(a.entity_id, a.state, a.attributes, a.last_changed, a.last_updated,
                    Context(origin="restore"))
    hub2, engine2, calls2, _ = await restart(60, {"automation.a": saved_a})
    assert hub2.states.get("automation.a").state == "off"  # type: ignore[union-attr]
    assert engine2.rules["a"].last_triggered == a.attributes["last_triggered"]
    hub2.bus.fire("go")
    assert len(calls2) == 1  # only b
    assert engine2.restore("b", enabled=False, last_triggered="2026-01-15T09:00:00+00:00")
    assert hub2.states.get("automation.b").state == "off"  # type: ignore[union-attr]


async def test_pending_listener_and_snapshot_after_stop(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    engine = await start(FOR_RULE)
    changes: list[int] = []
    engine.add_pending_listener(lambda: changes.append(len(engine.snapshot_pending())))
    hub.states.set("binary_sensor.tank_overflow", "on")
    hub.states.set("binary_sensor.tank_overflow", "off")
    hub.states.set("binary_sensor.tank_overflow", "on")
    assert changes == [1, 0, 1]
    await hub.stop()
    assert [i["kind"] for i in engine.snapshot_pending()] == ["for"]


async def test_queued_runs_come_back_and_parallel_waits_are_reported(
    hub: Hub, start: Start, clock: SimulatedClock, restart: Restart
) -> None:
    engine = await start("""
- id: queue
  mode: queued
  triggers: [{trigger: event, event_type: q}]
  actions:
    - delay: 60
    - action: test.record
      data: {n: "{{ trigger.event.data.n }}"}
- id: both
  triggers: [{trigger: event, event_type: p}]
  actions:
    - parallel:
        - delay: 60
        - delay: 90
""")
    hub.bus.fire("q", {"n": 1})
    hub.bus.fire("q", {"n": 2})
    hub.bus.fire("p")
    await clock.advance(1)
    items = saved(engine)
    assert sorted((i["rule"], i["path"]) for i in items) == [
        ("both", "action/0/parallel/0"), ("both", "action/0/parallel/1"),
        ("queue", ""), ("queue", "action/0")]
    _, engine2, calls2, clock2 = await restart(10)
    problems = engine2.resume_pending(items)
    assert len(problems) == 2
    assert all("inside a parallel step" in p for p in problems)
    await clock2.advance(120)
    assert [c.data["n"] for c in calls2] == [1, 2]
