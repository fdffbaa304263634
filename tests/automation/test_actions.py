"""Action steps: service calls, delays, waits, events, choose, if, repeat, parallel, sequence,
variables, stop, continue_on_error and enabled."""

from __future__ import annotations

from typing import Any

import pytest

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import Event
from kozani_hub.core.services import ServiceCall
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


def on_go(actions: str) -> str:
    return f"""
- id: r
  triggers:
    - trigger: event
      event_type: go
  actions:
{actions}
"""


@pytest.fixture
def extra_services(hub: Hub) -> None:
    def fail(call: ServiceCall) -> None:
        raise RuntimeError("the pump controller did not answer")

    def answer(call: ServiceCall) -> dict[str, Any]:
        return {"level": 1.25, "asked": dict(call.data)}

    hub.services.register("test", "fail", fail)
    hub.services.register("test", "answer", answer)


async def test_service_call_with_templates_in_target_and_data(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("sensor.level", "42")
    await start(on_go("""
    - action: light.turn_on
      target:
        entity_id: "light.{{ 'dimokratias' }}_01"
      data:
        brightness_pct: "{{ states('sensor.level') | int + 8 }}"
        transition: 30
        name: "03"
        flags: ["{{ 1 + 1 }}", plain]
"""))
    hub.bus.fire("go")
    assert calls.targets() == [("light.dimokratias_01",)]
    assert calls.datas() == [{"brightness_pct": 50, "transition": 30, "name": "03",
                              "flags": [2, "plain"]}]


async def test_legacy_service_keys(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - service: light.turn_off
      entity_id: light.dimokratias_01
    - service: light.turn_on
      data_template:
        entity_id: light.dimokratias_02
        brightness: "{{ 100 + 28 }}"
"""))
    hub.bus.fire("go")
    assert calls.names() == ["light.turn_off", "light.turn_on"]
    assert calls.targets() == [("light.dimokratias_01",), ("light.dimokratias_02",)]
    assert calls.datas()[1] == {"brightness": 128}


async def test_response_variable(
    hub: Hub, start: Start, calls: Calls, extra_services: None
) -> None:
    await start(on_go("""
    - action: test.answer
      data: {tank: north}
      response_variable: reply
    - action: test.record
      data: {level: "{{ reply.level }}", tank: "{{ reply.asked.tank }}"}
"""))
    hub.bus.fire("go")
    assert calls.datas() == [{"level": 1.25, "tank": "north"}]


@pytest.mark.parametrize("delay", ['"00:01:30"', "90", "{minutes: 1, seconds: 30}",
                                   '"{{ 45 * 2 }}"'])
async def test_delay_in_every_form(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, delay: str
) -> None:
    await start(on_go(f"""
    - delay: {delay}
    - action: test.record
"""))
    hub.bus.fire("go")
    await clock.advance(89)
    assert calls == []
    await clock.advance(1)
    assert len(calls) == 1


async def test_wait_template_and_the_wait_variable(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("switch.pump_north_1", "off")
    await start(on_go("""
    - wait_template: "{{ is_state('switch.pump_north_1', 'on') }}"
      timeout: "00:10:00"
    - action: test.record
      data: {completed: "{{ wait.completed }}", remaining: "{{ wait.remaining | int }}"}
"""))
    hub.bus.fire("go")
    await clock.advance(60)
    hub.states.set("switch.pump_north_1", "on")
    await clock.advance(0)
    assert calls.datas() == [{"completed": True, "remaining": 540}]


async def test_wait_timeout_stops_when_told_not_to_continue(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    engine = await start(on_go("""
    - wait_template: "{{ is_state('switch.pump_north_1', 'on') }}"
      timeout: 30
      continue_on_timeout: false
    - action: test.record
"""))
    hub.bus.fire("go")
    await clock.advance(31)
    assert calls == []
    trace = engine.traces("r")[-1]
    assert trace.outcome.value == "stopped"
    assert "action/0 timed out" in trace.summary()


async def test_wait_for_trigger_sets_wait_trigger(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(on_go("""
    - action: notify.caregivers
      data: {message: "SOS from r12"}
    - wait_for_trigger:
        - trigger: event
          event_type: alert_acknowledged
      timeout: {minutes: 5}
    - action: test.record
      data:
        by: "{{ wait.trigger.event.data.by if wait.trigger else 'nobody' }}"
"""))
    hub.bus.fire("go")
    await clock.advance(30)
    hub.bus.fire("alert_acknowledged", {"by": "eleni"})
    await clock.advance(0)
    hub.bus.fire("go")
    await clock.advance(301)
    assert [c.data for c in calls if c.name == "test.record"] == [{"by": "eleni"},
                                                                  {"by": "nobody"}]


async def test_event_step_carries_the_run_context(hub: Hub, start: Start, calls: Calls) -> None:
    seen: list[Event] = []
    hub.bus.listen("pump_report", seen.append)
    await start(on_go("""
    - event: pump_report
      event_data:
        pump: 2
        note: "{{ 'ok' }}"
"""))
    hub.bus.fire("go")
    assert [dict(e.data) for e in seen] == [{"pump": 2, "note": "ok"}]
    assert seen[0].context.origin == "rule"


async def test_condition_step_stops_the_run_quietly(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start(on_go("""
    - action: test.record
      data: {n: 1}
    - condition: state
      entity_id: switch.pump_north_1
      state: "on"
    - action: test.record
      data: {n: 2}
"""))
    hub.states.set("switch.pump_north_1", "off")
    hub.bus.fire("go")
    assert calls.datas() == [{"n": 1}]
    trace = engine.traces("r")[-1]
    assert trace.error is None
    assert "the condition at action/1 is false" in trace.summary()


async def test_choose_with_default(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - choose:
        - conditions: "{{ states('sensor.level') | float < 1 }}"
          sequence:
            - action: test.record
              data: {choice: low}
        - conditions:
            - condition: numeric_state
              entity_id: sensor.level
              above: 3
          sequence:
            - action: test.record
              data: {choice: high}
      default:
        - action: test.record
          data: {choice: normal}
"""))
    for level in ("0.5", "4", "2"):
        hub.states.set("sensor.level", level)
        hub.bus.fire("go")
    assert [c.data["choice"] for c in calls] == ["low", "high", "normal"]


async def test_if_then_else(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - if:
        - condition: state
          entity_id: switch.pump_north_1
          state: "on"
      then:
        - action: test.record
          data: {branch: then}
      else:
        - action: test.record
          data: {branch: else}
"""))
    hub.states.set("switch.pump_north_1", "on")
    hub.bus.fire("go")
    hub.states.set("switch.pump_north_1", "off")
    hub.bus.fire("go")
    assert [c.data["branch"] for c in calls] == ["then", "else"]


async def test_repeat_count_with_index_first_last(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - repeat:
        count: "{{ 1 + 2 }}"
        sequence:
          - action: test.record
            data: {i: "{{ repeat.index }}", first: "{{ repeat.first }}", last: "{{ repeat.last }}"}
"""))
    hub.bus.fire("go")
    assert calls.datas() == [{"i": 1, "first": True, "last": False},
                             {"i": 2, "first": False, "last": False},
                             {"i": 3, "first": False, "last": True}]


async def test_repeat_while_and_until(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - repeat:
        while: "{{ repeat.index <= 2 }}"
        sequence:
          - action: test.record
            data: {loop: while, i: "{{ repeat.index }}"}
    - repeat:
        until:
          - condition: template
            value_template: "{{ repeat.index >= 3 }}"
        sequence:
          - action: test.record
            data: {loop: until, i: "{{ repeat.index }}"}
"""))
    hub.bus.fire("go")
    assert [(c.data["loop"], c.data["i"]) for c in calls] == [
        ("while", 1), ("while", 2), ("until", 1), ("until", 2), ("until", 3)]


async def test_repeat_for_each_item(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - repeat:
        for_each:
          - {lamp: light.dimokratias_01, pct: 40}
          - {lamp: light.dimokratias_02, pct: 60}
        sequence:
          - action: light.turn_on
            target: {entity_id: "{{ repeat.item.lamp }}"}
            data: {brightness_pct: "{{ repeat.item.pct }}"}
"""))
    hub.bus.fire("go")
    assert calls.targets() == [("light.dimokratias_01",), ("light.dimokratias_02",)]
    assert calls.datas() == [{"brightness_pct": 40}, {"brightness_pct": 60}]


async def test_variables_accumulate_in_a_loop(hub: Hub, start: Start, calls: Calls) -> None:
    await start(on_go("""
    - variables:
        total: 0
    - repeat:
        for_each: [3, 4, 5]
        sequence:
          - variables:
              total: "{{ total + repeat.item }}"
    - action: test.record
      data: {total: "{{ total }}"}
"""))
    hub.bus.fire("go")
    assert calls.datas() == [{"total": 12}]


async def test_parallel_and_sequence(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(on_go("""
    - parallel:
        - sequence:
            - delay: 10
            - action: test.record
              data: {branch: slow}
        - action: test.record
          data: {branch: fast}
    - action: test.record
      data: {branch: after}
"""))
    hub.bus.fire("go")
    await clock.advance(0)
    assert [c.data["branch"] for c in calls] == ["fast"]
    await clock.advance(10)
    assert [c.data["branch"] for c in calls] == ["fast", "slow", "after"]


async def test_stop_ends_the_run_and_can_mark_an_error(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start("""
- id: quiet
  triggers: [{trigger: event, event_type: go}]
  actions:
    - stop: "nothing to do at night"
    - action: test.record
- id: loud
  triggers: [{trigger: event, event_type: go}]
  actions:
    - stop: "the tank sensor is broken"
      error: true
""")
    hub.bus.fire("go")
    assert calls == []
    quiet, loud = engine.traces("quiet")[-1], engine.traces("loud")[-1]
    assert (quiet.outcome.value, quiet.reason, quiet.error) == (
        "stopped", "nothing to do at night", None)
    assert (loud.outcome.value, loud.error) == ("error", "the tank sensor is broken")


async def test_continue_on_error_passes_device_errors_only(
    hub: Hub, start: Start, calls: Calls, extra_services: None
) -> None:
    engine = await start(on_go("""
    - action: test.fail
      continue_on_error: true
    - action: test.record
      data: {n: 1}
    - action: test.fail
    - action: test.record
      data: {n: 2}
"""))
    hub.bus.fire("go")
    assert calls.datas() == [{"n": 1}]
    trace = engine.traces("r")[-1]
    assert trace.error_path == "action/2"
    assert "the pump controller did not answer" in (trace.error or "")


async def test_continue_on_error_does_not_hide_an_unknown_service(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start(on_go("""
    - action: light.turn_onn
      continue_on_error: true
    - action: test.record
"""))
    hub.bus.fire("go")
    assert calls == []
    assert "did you mean light.turn_on" in (engine.traces("r")[-1].error or "")


async def test_disabled_steps_are_skipped(hub: Hub, start: Start, calls: Calls) -> None:
    engine: AutomationEngine = await start(on_go("""
    - action: test.record
      data: {n: 1}
      enabled: false
    - action: test.record
      data: {n: 2}
"""))
    hub.bus.fire("go")
    assert calls.datas() == [{"n": 2}]
    assert "action/0 disabled" in engine.traces("r")[-1].summary()
