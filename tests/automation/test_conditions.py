"""Conditions: and/or/not, state (for, attribute, match), numeric_state, template, time, sun,
trigger; an error counts as false and says why in the trace."""

from __future__ import annotations

from datetime import datetime, timedelta

from kozani_hub.automation import AutomationEngine
from kozani_hub.automation.sun import SunEvent, sun_event_on
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


def rule(conditions: str, rule_id: str = "r") -> str:
    return f"""
- id: {rule_id}
  triggers:
    - trigger: event
      event_type: go
      id: go
    - trigger: event
      event_type: other
      id: other
  conditions:
{conditions}
  actions:
    - action: test.record
"""


async def ran(hub: Hub, calls: Calls, event: str = "go") -> bool:
    before = len(calls)
    hub.bus.fire(event)
    return len(calls) > before


async def test_state_condition(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - condition: state
      entity_id: light.dimokratias_01
      state: ["off", "unavailable"]
"""))
    hub.states.set("light.dimokratias_01", "on")
    assert not await ran(hub, calls)
    hub.states.set("light.dimokratias_01", "unavailable")
    assert await ran(hub, calls)


async def test_state_condition_for_uses_how_long_it_held(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("binary_sensor.dimokratias_motion", "off")
    await start(rule("""
    - condition: state
      entity_id: binary_sensor.dimokratias_motion
      state: "off"
      for: "00:05:00"
"""))
    await clock.advance(240)
    assert not await ran(hub, calls)
    await clock.advance(60)
    assert await ran(hub, calls)


async def test_state_condition_attribute_and_match_any(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start(rule("""
    - condition: state
      entity_id: [light.lamp_a, light.lamp_b]
      attribute: brightness
      state: 255
      match: any
"""))
    hub.states.set("light.lamp_a", "on", {"brightness": 10})
    hub.states.set("light.lamp_b", "on", {"brightness": 20})
    assert not await ran(hub, calls)
    hub.states.set("light.lamp_b", "on", {"brightness": 255})
    assert await ran(hub, calls)


async def test_numeric_state_condition(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - condition: numeric_state
      entity_id: sensor.tank_north_level
      above: 0.5
      below: 3
"""))
    hub.states.set("sensor.tank_north_level", "0.5")
    assert not await ran(hub, calls)
    hub.states.set("sensor.tank_north_level", "2.5")
    assert await ran(hub, calls)


async def test_template_condition_and_its_shorthand(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - condition: template
      value_template: "{{ states('sensor.tank_north_level') | float > 1 }}"
    - "{{ is_state('switch.pump_north_1', 'off') }}"
"""))
    hub.states.set("sensor.tank_north_level", "2")
    hub.states.set("switch.pump_north_1", "on")
    assert not await ran(hub, calls)
    hub.states.set("switch.pump_north_1", "off")
    assert await ran(hub, calls)


async def test_and_or_not_in_full_and_short(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - or:
        - condition: state
          entity_id: switch.pump_north_1
          state: "on"
        - condition: state
          entity_id: switch.pump_north_2
          state: "on"
    - condition: not
      conditions:
        - condition: state
          entity_id: binary_sensor.pump_fault
          state: "on"
    - condition: and
      conditions:
        - "{{ true }}"
"""))
    hub.states.set("switch.pump_north_1", "off")
    hub.states.set("switch.pump_north_2", "on")
    hub.states.set("binary_sensor.pump_fault", "off")
    assert await ran(hub, calls)
    hub.states.set("binary_sensor.pump_fault", "on")
    assert not await ran(hub, calls)


async def test_time_condition_across_midnight_and_weekdays(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(rule("""
    - condition: time
      after: "22:00:00"
      before: "06:00:00"
      weekday: [thu, fri]
"""))
    assert not await ran(hub, calls)  # Thursday 12:00
    await clock.advance_to(datetime.fromisoformat("2026-01-15T23:00:00+02:00"))
    assert await ran(hub, calls)
    await clock.advance_to(datetime.fromisoformat("2026-01-16T05:59:00+02:00"))
    assert await ran(hub, calls)
    await clock.advance_to(datetime.fromisoformat("2026-01-17T01:00:00+02:00"))  # Saturday
    assert not await ran(hub, calls)


async def test_sun_condition_after_sunset_before_sunrise(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start(rule("""
    - condition: sun
      after: sunset
      after_offset: "-01:00:00"
"""))
    day = clock.now().astimezone(hub.tz).date()
    sunset = sun_event_on(hub.location, hub.tz, SunEvent.SUNSET, day)
    assert sunset is not None
    await clock.advance_to(sunset - timedelta(hours=1, minutes=1))
    assert not await ran(hub, calls)
    await clock.advance(120)
    assert await ran(hub, calls)


async def test_trigger_condition(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - condition: trigger
      id: go
"""))
    assert await ran(hub, calls, "go")
    assert not await ran(hub, calls, "other")


async def test_an_error_counts_as_false_and_is_explained(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine: AutomationEngine = await start(rule("""
    - condition: numeric_state
      entity_id: sensor.missing
      above: 1
    - "{{ states('sensor.x') | float > 1 }}"
"""))
    assert not await ran(hub, calls)
    summary = engine.traces("r")[-1].summary()
    assert "condition/0 numeric_state → false (error: sensor.missing does not exist)" in summary
    hub.states.set("sensor.missing", "5")
    hub.states.set("sensor.x", "abc")
    assert not await ran(hub, calls)
    assert "condition/1 template → false (error:" in engine.traces("r")[-1].summary()


async def test_why_a_state_condition_failed(hub: Hub, start: Start, calls: Calls) -> None:
    engine = await start(rule("""
    - condition: state
      entity_id: light.dimokratias_01
      state: "off"
"""))
    hub.states.set("light.dimokratias_01", "on")
    await ran(hub, calls)
    trace = engine.traces("r")[-1]
    assert trace.outcome.value == "condition failed"
    assert "condition/0 state → false (light.dimokratias_01 is 'on', wanted 'off')" in \
        trace.summary()


async def test_disabled_condition_is_skipped(hub: Hub, start: Start, calls: Calls) -> None:
    await start(rule("""
    - condition: state
      entity_id: light.dimokratias_01
      state: "off"
      enabled: false
"""))
    hub.states.set("light.dimokratias_01", "on")
    assert await ran(hub, calls)


async def test_legacy_condition_key_and_template_in_condition_key(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start("""
- id: legacy
  trigger:
    platform: event
    event_type: go
  condition:
    - condition: "{{ is_state('switch.pump', 'on') }}"
  action:
    service: test.record
""")
    hub.states.set("switch.pump", "off")
    assert not await ran(hub, calls)
    hub.states.set("switch.pump", "on")
    assert await ran(hub, calls)
