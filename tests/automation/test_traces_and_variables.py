"""Traces (what they record, how many are kept, the memory cap) and rule variables."""

from __future__ import annotations

import json

from kozani_hub.automation import AutomationEngine, Trace
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


async def test_a_trace_records_trigger_conditions_steps_variables_and_timing(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    engine = await start("""
- id: dim
  triggers:
    - trigger: state
      entity_id: binary_sensor.motion
      to: "on"
  conditions:
    - condition: state
      entity_id: light.lamp
      state: "on"
  actions:
    - variables: {pct: 40}
    - delay: 5
    - action: light.turn_on
      target: {entity_id: light.lamp}
      data: {brightness_pct: "{{ pct }}"}
""")
    hub.states.set("light.lamp", "on")
    hub.states.set("binary_sensor.motion", "on")
    await clock.advance(5)
    [trace] = engine.traces("dim")
    data = trace.as_dict()
    assert data["outcome"] == "finished"
    assert data["trigger"]["entity_id"] == "binary_sensor.motion"
    assert data["trigger"]["to_state"]["state"] == "on"
    assert [(c["path"], c["kind"], c["result"], c["line"]) for c in data["conditions"]] == [
        ("condition/0", "state", True, 7)]
    assert [(s["path"], s["line"]) for s in data["steps"]] == [
        ("action/0", 11), ("action/1", 12), ("action/2", 13)]
    assert data["steps"][2]["result"] == {"action": "light.turn_on",
                                          "target": {"entity_id": "light.lamp"},
                                          "data": {"brightness_pct": 40}}
    assert data["variables"]["pct"] == 40
    assert trace.duration is not None and trace.duration.total_seconds() == 5
    json.dumps(data)  # the HTTP API serves it as is
    assert trace.summary().endswith(
        "action/0 pct=40; action/1 delay=\"0:00:05\"; action/2 light.turn_on light.lamp "
        "brightness_pct=40")


async def test_the_last_n_traces_per_rule_are_kept(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start("""
- id: often
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record, data: {n: "{{ trigger.event.data.n }}"}}]
- id: rarely
  trace: {stored_traces: 1}
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record}]
""", trace_runs=3)
    for n in range(7):
        hub.bus.fire("go", {"n": n})
    kept: list[Trace] = engine.traces("often")
    assert [t.variables["trigger"]["event"].data["n"] for t in kept] == [4, 5, 6]  # type: ignore[index]
    assert len(engine.traces("rarely")) == 1


async def test_all_traces_stay_within_the_memory_cap(
    hub: Hub, start: Start, calls: Calls
) -> None:
    rules = "".join(f"""
- id: r{n}
  triggers: [{{trigger: event, event_type: go}}]
  actions: [{{action: test.record}}]
""" for n in range(50))
    engine: AutomationEngine = await start(rules, trace_runs=10, trace_memory=20_000)
    for _ in range(30):
        hub.bus.fire("go")
    store = engine.trace_store
    assert store.bytes <= 20_000
    assert 0 < len(store) < 50 * 10
    assert len(store._order) < 4 * len(store) + 200  # the age order stays bounded too


async def test_trace_listeners_hear_each_finished_run(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start("""
- id: a
  triggers: [{trigger: event, event_type: go}]
  conditions: "{{ trigger.event.data.ok }}"
  actions: [{action: test.record}]
""")
    heard: list[str] = []
    engine.add_trace_listener(lambda t: heard.append(t.outcome.value))
    hub.bus.fire("go", {"ok": True})
    hub.bus.fire("go", {"ok": False})
    assert heard == ["finished", "condition failed"]


async def test_rule_variables_trigger_variables_and_this(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start("""
- id: tank_alarm
  alias: Tank alarm
  trigger_variables:
    tank: sensor.tank_north_level
  variables:
    level: "{{ states(tank) | float }}"
    message: "{{ tank }} at {{ level }} m"
  triggers:
    - trigger: state
      entity_id: sensor.tank_north_level
      variables:
        source: "{{ trigger.entity_id }}"
  actions:
    - action: notify.caregivers
      data:
        message: "{{ message }} (from {{ source }}, rule {{ this.attributes.friendly_name }})"
""")
    hub.states.set("sensor.tank_north_level", "0.8")
    assert calls.datas() == [{
        "message": "sensor.tank_north_level at 0.8 m (from sensor.tank_north_level, rule Tank "
                   "alarm)"}]
