"""The numeric_state trigger: crossing into a range, limits from entities, attributes, for."""

from __future__ import annotations

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


async def test_fires_on_crossing_into_the_range_only(hub: Hub, start: Start, calls: Calls) -> None:
    hub.states.set("sensor.tank_north_level", "2.0")
    await start("""
- id: low_tank
  triggers:
    - trigger: numeric_state
      entity_id: sensor.tank_north_level
      below: 1.2
  actions:
    - action: test.record
      data: {level: "{{ trigger.to_state.state }}", below: "{{ trigger.below }}"}
""")
    for level in ("1.5", "1.1", "1.0", "0.9", "1.3", "1.19"):
        hub.states.set("sensor.tank_north_level", level)
    assert [c.data["level"] for c in calls] == [1.1, 1.19]
    assert calls[0].data["below"] == 1.2


async def test_a_value_already_in_range_at_start_does_not_fire(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("sensor.tank_north_level", "0.5")
    await start("""
- id: low_tank
  triggers:
    - trigger: numeric_state
      entity_id: sensor.tank_north_level
      below: 1.2
  actions: [{action: test.record}]
""")
    hub.states.set("sensor.tank_north_level", "0.4")
    assert calls == []
    hub.states.set("sensor.tank_north_level", "2")
    hub.states.set("sensor.tank_north_level", "1")
    assert len(calls) == 1


async def test_above_and_below_together_and_limits_from_entities(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("input_number.comfort_low", "19")
    hub.states.set("sensor.school_temperature", "17")
    await start("""
- id: comfortable
  triggers:
    - trigger: numeric_state
      entity_id: sensor.school_temperature
      above: input_number.comfort_low
      below: 24
  actions: [{action: test.record}]
""")
    hub.states.set("sensor.school_temperature", "19")  # not above 19
    hub.states.set("sensor.school_temperature", "20")
    hub.states.set("sensor.school_temperature", "25")
    hub.states.set("sensor.school_temperature", "23.5")
    assert len(calls) == 2


async def test_unavailable_rearms_and_non_numbers_never_match(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("sensor.tank_north_level", "2")
    await start("""
- id: high
  triggers:
    - trigger: numeric_state
      entity_id: sensor.tank_north_level
      above: 1.5
  actions: [{action: test.record}]
""")
    hub.states.set("sensor.tank_north_level", "unavailable")
    hub.states.set("sensor.tank_north_level", "abc")
    hub.states.set("sensor.tank_north_level", "1.8")
    assert len(calls) == 1


async def test_attribute_and_value_template(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: bright
  triggers:
    - trigger: numeric_state
      entity_id: light.dimokratias_01
      attribute: brightness
      above: 200
  actions: [{action: test.record, data: {rule: bright}}]
- id: power
  triggers:
    - trigger: numeric_state
      entity_id: sensor.school_meter
      value_template: "{{ state.attributes.power_w / 1000 }}"
      above: 5
  actions: [{action: test.record, data: {rule: power}}]
""")
    hub.states.set("light.dimokratias_01", "on", {"brightness": 100})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 230})
    hub.states.set("sensor.school_meter", "x", {"power_w": 4000})
    hub.states.set("sensor.school_meter", "x", {"power_w": 6000})
    assert [c.data["rule"] for c in calls] == ["bright", "power"]


async def test_for_holds_in_range(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("sensor.pump_2_current", "3")
    await start("""
- id: overload
  triggers:
    - trigger: numeric_state
      entity_id: sensor.pump_2_current
      above: 10
      for: "00:00:30"
  actions: [{action: test.record, data: {held: "{{ trigger.for.total_seconds() }}"}}]
""")
    hub.states.set("sensor.pump_2_current", "12")
    await clock.advance(20)
    hub.states.set("sensor.pump_2_current", "11")  # still above: keeps counting
    await clock.advance(5)
    hub.states.set("sensor.pump_2_current", "4")  # out: cancelled
    await clock.advance(60)
    assert calls == []
    hub.states.set("sensor.pump_2_current", "15")
    await clock.advance(30)
    assert [c.data["held"] for c in calls] == [30.0]
