"""The state trigger: from/to/not_from/not_to, attribute, for, the trigger variable."""

from __future__ import annotations

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls

RECORD = """
  actions:
    - action: test.record
      data:
        what: "{{ trigger.platform }} {{ trigger.entity_id }} {{ trigger.from_state.state if trigger.from_state else 'none' }}>{{ trigger.to_state.state }} id={{ trigger.id }} idx={{ trigger.idx }}"
"""


def rule(trigger: str) -> str:
    return f"""
- id: watch
  triggers:
{trigger}
{RECORD}"""


async def test_to_fires_on_the_change_into_the_state(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.dimokratias_motion
      to: "on"
"""))
    hub.states.set("binary_sensor.dimokratias_motion", "off")
    hub.states.set("binary_sensor.dimokratias_motion", "on")
    hub.states.set("binary_sensor.dimokratias_motion", "on", {"battery": 90})
    hub.states.set("binary_sensor.dimokratias_motion", "off")
    assert [c.data["what"] for c in calls] == [
        "state binary_sensor.dimokratias_motion off>on id=0 idx=0"
    ]


async def test_unquoted_yaml_on_means_the_state_on(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - trigger: state
      entity_id: switch.pump_north_1
      from: off
      to: on
"""))
    hub.states.set("switch.pump_north_1", "off")
    hub.states.set("switch.pump_north_1", "on")
    assert len(calls) == 1


async def test_from_and_to_lists_and_the_not_forms(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: lists
  triggers:
    - trigger: state
      entity_id: [sensor.pump_mode, sensor.pump_mode_2]
      from: [idle, standby]
      to: running
  actions: [{action: test.record, data: {rule: lists}}]
- id: nots
  triggers:
    - trigger: state
      entity_id: sensor.pump_mode
      not_from: unavailable
      not_to: [unavailable, unknown]
  actions: [{action: test.record, data: {rule: nots}}]
""")
    for state in ("idle", "running", "unavailable", "running", "standby", "unknown", "idle"):
        hub.states.set("sensor.pump_mode", state)
    hub.states.set("sensor.pump_mode_2", "standby")
    hub.states.set("sensor.pump_mode_2", "running")
    fired = [c.data["rule"] for c in calls]
    # lists: idle→running, standby→... no; pump_mode_2 standby→running
    assert fired.count("lists") == 2
    # nots: idle→running (first set has no old state: None→idle counts too), running→unavailable
    # refused (not_to), unavailable→running refused (not_from), running→standby, standby→unknown
    # refused, unknown→idle
    assert fired.count("nots") == 4


async def test_without_from_or_to_attribute_changes_fire_too(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start(rule("""
    - trigger: state
      entity_id: light.dimokratias_01
"""))
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 64})
    assert len(calls) == 2


async def test_to_null_fires_on_state_changes_only(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - trigger: state
      entity_id: light.dimokratias_01
      to: ~
"""))
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 64})
    hub.states.set("light.dimokratias_01", "off")
    assert len(calls) == 2


async def test_attribute_trigger_watches_one_attribute(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: brightness
  triggers:
    - trigger: state
      entity_id: light.dimokratias_01
      attribute: brightness
      to: 255
  actions:
    - action: test.record
      data: {b: "{{ trigger.to_state.attributes.brightness }}"}
""")
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 255})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 255, "color_temp": 300})
    hub.states.set("light.dimokratias_01", "off", {"brightness": 255})
    assert [c.data["b"] for c in calls] == [255]


async def test_for_fires_once_the_state_has_held(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.tank_north_overflow
      to: "on"
      for: "00:05:00"
"""))
    hub.states.set("binary_sensor.tank_north_overflow", "off")
    hub.states.set("binary_sensor.tank_north_overflow", "on")
    await clock.advance(299)
    assert calls == []
    await clock.advance(1)
    assert len(calls) == 1


async def test_for_is_cancelled_when_the_state_leaves(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.tank_north_overflow
      to: "on"
      for: {minutes: 5}
"""))
    hub.states.set("binary_sensor.tank_north_overflow", "off")
    hub.states.set("binary_sensor.tank_north_overflow", "on")
    await clock.advance(120)
    hub.states.set("binary_sensor.tank_north_overflow", "on", {"level": 3})  # same state: holds
    await clock.advance(60)
    hub.states.set("binary_sensor.tank_north_overflow", "off")
    await clock.advance(600)
    assert calls == []
    hub.states.set("binary_sensor.tank_north_overflow", "on")
    await clock.advance(300)
    assert len(calls) == 1


async def test_for_runs_per_entity(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: doors
  triggers:
    - trigger: state
      entity_id: [binary_sensor.door_r01, binary_sensor.door_r02]
      to: "on"
      for: 60
  actions:
    - action: test.record
      data: {who: "{{ trigger.entity_id }}", held: "{{ trigger.for.total_seconds() }}"}
""")
    hub.states.set("binary_sensor.door_r01", "on")
    await clock.advance(30)
    hub.states.set("binary_sensor.door_r02", "on")
    await clock.advance(30)
    assert [c.data["who"] for c in calls] == ["binary_sensor.door_r01"]
    await clock.advance(30)
    assert [c.data["who"] for c in calls] == ["binary_sensor.door_r01", "binary_sensor.door_r02"]
    assert calls[0].data["held"] == 60.0


async def test_for_as_a_template(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("input_number.delay_minutes", "2")
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.door_r01
      to: "on"
      for:
        minutes: "{{ states('input_number.delay_minutes') | int }}"
"""))
    hub.states.set("binary_sensor.door_r01", "on")
    await clock.advance(119)
    assert calls == []
    await clock.advance(1)
    assert len(calls) == 1


async def test_the_run_context_has_the_change_as_parent(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.door_r01
"""))
    cause = Context(origin="device")
    hub.states.set("binary_sensor.door_r01", "on", context=cause)
    assert calls[0].context.parent_id == cause.id
    assert calls[0].context.origin == "rule"


async def test_trigger_id_names_the_trigger(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.door_r01
      id: door
    - trigger: state
      entity_id: binary_sensor.door_r02
"""))
    hub.states.set("binary_sensor.door_r01", "on")
    hub.states.set("binary_sensor.door_r02", "on")
    assert [c.data["what"].split()[-2:] for c in calls] == [["id=door", "idx=0"],
                                                          ["id=1", "idx=1"]]


async def test_a_disabled_trigger_does_not_fire(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - trigger: state
      entity_id: binary_sensor.door_r01
      enabled: false
"""))
    hub.states.set("binary_sensor.door_r01", "on")
    assert calls == []
