"""Modes (single, restart, queued, parallel, max, max_exceeded), the rule entity and the
automation.* services."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import Event
from kozani_hub.core.services import ServiceCall
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


def slow(mode: str, extra: str = "") -> str:
    return f"""
- id: slow
  mode: {mode}
{extra}
  triggers:
    - trigger: event
      event_type: go
  actions:
    - action: test.record
      data: {{n: "{{{{ trigger.event.data.n }}}}", step: start}}
    - delay: 10
    - action: test.record
      data: {{n: "{{{{ trigger.event.data.n }}}}", step: end}}
"""


def steps(calls: Calls) -> list[tuple[int, str]]:
    return [(c.data["n"], c.data["step"]) for c in calls]


async def test_single_refuses_while_running_and_says_so(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    engine = await start(slow("single"))
    hub.bus.fire("go", {"n": 1})
    hub.bus.fire("go", {"n": 2})
    await clock.advance(10)
    assert steps(calls) == [(1, "start"), (1, "end")]
    assert "already running (mode: single)" in caplog.text
    refused = engine.traces("slow")[1]
    assert refused.outcome.value == "not run"


async def test_max_exceeded_silent(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    await start(slow("single", "  max_exceeded: silent"))
    with caplog.at_level(logging.DEBUG):
        hub.bus.fire("go", {"n": 1})
        hub.bus.fire("go", {"n": 2})
    assert "already running" not in caplog.text


async def test_restart_cancels_the_running_run(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    engine = await start(slow("restart"))
    hub.bus.fire("go", {"n": 1})
    await clock.advance(5)
    hub.bus.fire("go", {"n": 2})
    await clock.advance(10)
    assert steps(calls) == [(1, "start"), (2, "start"), (2, "end")]
    first = engine.traces("slow")[0]
    assert first.outcome.value == "cancelled"
    assert first.reason == "restarted by a new trigger"


async def test_queued_runs_one_after_another_up_to_max(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(slow("queued", "  max: 2"))
    for n in (1, 2, 3):
        hub.bus.fire("go", {"n": n})
    await clock.advance(30)
    assert steps(calls) == [(1, "start"), (1, "end"), (2, "start"), (2, "end")]


async def test_parallel_runs_together_up_to_max(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(slow("parallel", "  max: 2"))
    for n in (1, 2, 3):
        hub.bus.fire("go", {"n": n})
    await clock.advance(0)
    assert hub.states.get("automation.slow").attributes["current"] == 2  # type: ignore[union-attr]
    await clock.advance(10)
    assert steps(calls) == [(1, "start"), (2, "start"), (1, "end"), (2, "end")]


async def test_the_rule_entity(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, rules_dir: Path
) -> None:
    await start(slow("single").replace("- id: slow", "- id: slow\n  alias: Slow lamp"))
    state = hub.states.get("automation.slow")
    assert state is not None
    assert state.state == "on"
    assert state.attributes["friendly_name"] == "Slow lamp"
    assert state.attributes["last_triggered"] is None
    assert state.attributes["mode"] == "single"
    assert state.attributes["file"] == str(rules_dir / "rules.yaml")
    assert state.attributes["line"] == 1
    hub.bus.fire("go", {"n": 1})
    await clock.advance(0)  # the entity is written once per turn of the event loop
    running = hub.states.get("automation.slow")
    assert running is not None
    assert running.attributes["current"] == 1
    assert running.attributes["last_triggered"] == clock.now()
    await clock.advance(10)
    assert hub.states.get("automation.slow").attributes["current"] == 0  # type: ignore[union-attr]


async def test_turn_off_stops_runs_and_triggers_turn_on_resumes(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(slow("single"))
    hub.bus.fire("go", {"n": 1})
    await hub.services.call("automation", "turn_off", target={"entity_id": "automation.slow"})
    assert hub.states.get("automation.slow").state == "off"  # type: ignore[union-attr]
    await clock.advance(10)
    hub.bus.fire("go", {"n": 2})
    assert steps(calls) == [(1, "start")]
    await hub.services.call("automation", "toggle", target={"entity_id": "automation.slow"})
    hub.bus.fire("go", {"n": 3})
    assert steps(calls) == [(1, "start"), (3, "start")]


async def test_turn_off_can_let_runs_finish(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(slow("single"))
    hub.bus.fire("go", {"n": 1})
    await hub.services.call("automation", "turn_off", {"stop_actions": False},
                            target={"entity_id": "automation.slow"})
    await clock.advance(10)
    assert steps(calls) == [(1, "start"), (1, "end")]


async def test_trigger_service_skips_conditions_unless_told(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start("""
- id: guarded
  triggers: [{trigger: event, event_type: never}]
  conditions: "{{ false }}"
  actions:
    - action: test.record
      data: {who: "{{ who | default('?') }}"}
""")
    await hub.services.call("automation", "trigger", {"variables": {"who": "technician"}},
                            target={"entity_id": "automation.guarded"})
    await hub.services.call("automation", "trigger", {"skip_condition": False},
                            target={"entity_id": "automation.guarded"})
    assert calls.datas() == [{"who": "technician"}]


async def test_initial_state_off(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: dormant
  initial_state: false
  triggers: [{trigger: event, event_type: go}]
  actions: [{action: test.record}]
""")
    hub.bus.fire("go")
    assert calls == []
    assert hub.states.get("automation.dormant").state == "off"  # type: ignore[union-attr]


async def test_automation_triggered_event(hub: Hub, start: Start, calls: Calls) -> None:
    seen: list[Event] = []
    hub.bus.listen("automation_triggered", seen.append)
    await start("""
- id: door
  alias: Door opened
  triggers: [{trigger: state, entity_id: binary_sensor.door_r01, to: "on"}]
  actions: [{action: test.record}]
""")
    hub.states.set("binary_sensor.door_r01", "on")
    assert [dict(e.data) for e in seen] == [{
        "name": "Door opened", "entity_id": "automation.door", "id": "door",
        "source": "state binary_sensor.door_r01 None→on",
    }]
    assert seen[0].context.id == calls[0].context.id


async def test_a_rule_that_retriggers_itself_does_not_blow_the_stack(
    hub: Hub, start: Start, clock: SimulatedClock
) -> None:
    flips: list[str] = []

    def flip(call: ServiceCall) -> None:
        current = hub.states.get("light.loop")
        new = "off" if current is not None and current.state == "on" else "on"
        flips.append(new)
        hub.states.set("light.loop", new, context=call.context)

    hub.services.register("light", "flip", flip)
    await start("""
- id: loop
  mode: parallel
  max: 100000
  triggers: [{trigger: state, entity_id: light.loop}]
  actions: [{action: light.flip}]
""", allow_issues=True)
    hub.states.set("light.loop", "on")
    assert 0 < len(flips) <= 10  # the first few in the same call, then one per loop turn
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(flips) > 20  # it goes on (as in Home Assistant), without recursing deeper
    await hub.services.call("automation", "turn_off", target={"entity_id": "automation.loop"})
    count = len(flips)
    await clock.advance(1)
    assert len(flips) <= count + 10
