"""Examples from Home Assistant's documentation, pasted as they are written there, behave as
they would in Home Assistant."""

from __future__ import annotations

from datetime import datetime

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


async def test_state_trigger_example(hub: Hub, start: Start, calls: Calls) -> None:
    hub.services.register("notify", "paulus", calls.append)
    await start("""
automation:
  triggers:
    - trigger: state
      entity_id: device_tracker.paulus, device_tracker.anne_therese
      # Optional
      from: "not_home"
      # Optional
      to: "home"
  actions:
    - action: notify.paulus
      data:
        message: "{{ trigger.to_state.name }} is home"
""")
    hub.states.set("device_tracker.anne_therese", "not_home", {"friendly_name": "Anne Therese"})
    hub.states.set("device_tracker.anne_therese", "home", {"friendly_name": "Anne Therese"})
    hub.states.set("device_tracker.paulus", "work")
    hub.states.set("device_tracker.paulus", "home")
    assert calls.datas() == [{"message": "Anne Therese is home"}]


async def test_numeric_state_trigger_example(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("sensor.temperature", "10", {"attribute_name": 30})
    await start("""
automation:
  triggers:
    - trigger: numeric_state
      entity_id: sensor.temperature
      # If given, will trigger when the value of the given attribute for the given entity changes..
      attribute: attribute_name
      # At least one of the following required
      above: 17
      below: 25
      # If given, will trigger when the condition has been true for X time; you can also use days and milliseconds.
      for:
        hours: 1
        minutes: 10
        seconds: 5
  actions:
    - action: test.record
""")
    hub.states.set("sensor.temperature", "10", {"attribute_name": 20})
    await clock.advance(3600 + 600 + 4)
    assert calls == []
    await clock.advance(1)
    assert len(calls) == 1


async def test_time_pattern_examples(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
automation:
  triggers:
    - trigger: time_pattern
      # Matches every hour at 5 minutes past whole
      minutes: 5
  actions:
    - action: test.record
      data: {rule: hourly}

automation 2:
  triggers:
    - trigger: time_pattern
      # Trigger once per minute during the hour of 3
      hours: "3"
      minutes: "*"
  actions:
    - action: test.record
      data: {rule: three}

automation 3:
  triggers:
    - trigger: time_pattern
      # You can also match on interval. This will match every 5 minutes
      minutes: "/5"
  actions:
    - action: test.record
      data: {rule: five}
""")
    await clock.advance_to(datetime.fromisoformat("2026-01-16T04:00:00+02:00"))
    fired = [c.data["rule"] for c in calls]
    assert fired.count("hourly") == 16  # 12:05 ... 03:05
    assert fired.count("three") == 60
    assert fired.count("five") == 16 * 12


async def test_legacy_wake_up_light_example(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
automation:
  - alias: "Wake-up light"
    trigger:
      platform: time
      at: "07:15:00"
    action:
      service: light.turn_on
      target:
        entity_id: light.bedroom
      data:
        brightness_pct: 100
""")
    await clock.advance_to(datetime.fromisoformat("2026-01-16T08:00:00+02:00"))
    assert [(c.name, c.entity_ids, dict(c.data)) for c in calls] == [
        ("light.turn_on", ("light.bedroom",), {"brightness_pct": 100})]
    assert hub.states.get("automation.wake_up_light") is not None


async def test_choose_example_from_the_script_syntax_page(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
automation:
  - triggers:
      - trigger: state
        entity_id: input_boolean.simulate
        to: "on"
    mode: restart
    actions:
      - choose:
          # IF morning
          - conditions:
              - condition: template
                value_template: "{{ now().hour < 9 }}"
            sequence:
              - action: script.sometimes_morning
          # ELIF day
          - conditions:
              - condition: template
                value_template: "{{ now().hour < 18 }}"
            sequence:
              - action: light.turn_off
                target:
                  entity_id: light.living_room
              - action: script.do_something
        # ELSE night
        default:
          - action: light.turn_off
            target:
              entity_id: light.kitchen
            data:
              transition: 60
          - delay: 600
""", allow_issues=True)
    hub.services.register("script", "do_something", calls.append)
    hub.states.set("input_boolean.simulate", "on")  # 12:00: day
    hub.states.set("input_boolean.simulate", "off")
    await clock.advance_to(datetime.fromisoformat("2026-01-15T21:00:00+02:00"))
    hub.states.set("input_boolean.simulate", "on")  # night
    assert [(c.name, c.entity_ids) for c in calls] == [
        ("light.turn_off", ("light.living_room",)),
        ("script.do_something", ()),
        ("light.turn_off", ("light.kitchen",)),
    ]


async def test_wait_for_trigger_example(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- triggers:
    - trigger: event
      event_type: start
  actions:
    # Wait for a custom event or light to turn on and stay on for 10 sec
    - wait_for_trigger:
        - trigger: event
          event_type: MY_EVENT
        - trigger: state
          entity_id: light.LIGHT
          to: "on"
          for: 10
    - action: test.record
      data:
        by: "{{ wait.trigger.platform }}"
""")
    hub.bus.fire("start")
    hub.states.set("light.light", "on")
    await clock.advance(9)
    assert calls == []
    await clock.advance(1)
    assert calls.datas() == [{"by": "state"}]


async def test_template_condition_shorthand_example(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("sun.sun", "above_horizon", {"elevation": 10})
    await start("""
- triggers:
    - trigger: event
      event_type: check
  conditions: "{{ (state_attr('sun.sun', 'elevation') < 4) }}"
  actions:
    - action: light.turn_on
      target:
        entity_id: light.porch
""")
    hub.bus.fire("check")
    hub.states.set("sun.sun", "below_horizon", {"elevation": 2})
    hub.bus.fire("check")
    assert calls.targets() == [("light.porch",)]


async def test_if_then_example(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- triggers:
    - trigger: state
      entity_id: binary_sensor.motion
      to: "on"
  actions:
    - if:
        - alias: "If no one is home"
          condition: state
          entity_id: zone.home
          state: 0
      then:
        - alias: "Then start cleaning already!"
          action: vacuum.start
          target:
            area_id: living_room
      # The `else` is fully optional and can be omitted
      else:
        - action: notify.notify
          data:
            message: "Skipped cleaning, someone is home!"
""", allow_issues=True)
    hub.services.register("vacuum", "start", calls.append)
    hub.states.set("zone.home", "0")
    hub.states.set("binary_sensor.motion", "on")
    hub.states.set("zone.home", "2")
    hub.states.set("binary_sensor.motion", "off")
    hub.states.set("binary_sensor.motion", "on")
    assert calls.names() == ["vacuum.start", "notify.notify"]
    assert calls[1].data == {"message": "Skipped cleaning, someone is home!"}


async def test_repeat_for_each_example(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- triggers:
    - trigger: event
      event_type: go
  actions:
    - repeat:
        for_each:
          - language: English
            message: Hello World
          - language: Dutch
            message: Hallo Wereld
        sequence:
          - action: notify.phone
            data:
              title: "Message in {{ repeat.item.language }}"
              message: "{{ repeat.item.message }}!"
""", allow_issues=True)
    hub.services.register("notify", "phone", calls.append)
    hub.bus.fire("go")
    assert calls.datas() == [
        {"title": "Message in English", "message": "Hello World!"},
        {"title": "Message in Dutch", "message": "Hallo Wereld!"},
    ]
