"""Blueprints: `use_blueprint` with `!input`, defaults, selectors checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.automation import load_rules
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls, write

# Home Assistant's own motion_light blueprint, as it ships.
MOTION_LIGHT = """
blueprint:
  name: Motion-activated Light
  description: Turn on a light when motion is detected.
  domain: automation
  source_url: https://github.com/home-assistant/core/blob/dev/homeassistant/components/automation/blueprints/motion_light.yaml
  author: Home Assistant
  input:
    motion_entity:
      name: Motion Sensor
      selector:
        entity:
          filter:
            device_class: motion
            domain: binary_sensor
    light_target:
      name: Light
      selector:
        target:
          entity:
            domain: light
    no_motion_wait:
      name: Wait time
      description: Time to leave the light on after last motion is detected.
      default: 120
      selector:
        number:
          min: 0
          max: 3600
          unit_of_measurement: seconds

# If motion is detected within the delay,
# we restart the script.
mode: restart
max_exceeded: silent

triggers:
  trigger: state
  entity_id: !input motion_entity
  from: "off"
  to: "on"

actions:
  - alias: "Turn on the light"
    action: light.turn_on
    target: !input light_target
  - alias: "Wait until there is no motion from device"
    wait_for_trigger:
      trigger: state
      entity_id: !input motion_entity
      from: "on"
      to: "off"
  - alias: "Wait the number of seconds that has been set"
    delay: !input no_motion_wait
  - alias: "Turn off the light"
    action: light.turn_off
    target: !input light_target
"""

USERS = """
- id: dimokratias_motion
  alias: Dimokratias street motion
  use_blueprint:
    path: motion_light.yaml
    input:
      motion_entity: binary_sensor.dimokratias_motion
      light_target:
        entity_id: light.dimokratias_01
- id: kennedy_motion
  use_blueprint:
    path: motion_light
    input:
      motion_entity: binary_sensor.kennedy_motion
      light_target: {entity_id: [light.kennedy_01, light.kennedy_02]}
      no_motion_wait: 30
"""


@pytest.fixture
def blueprint(rules_dir: Path) -> Path:
    return write(rules_dir, "blueprints/motion_light.yaml", MOTION_LIGHT)


async def test_rules_from_one_blueprint_run_on_their_own(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock, blueprint: Path
) -> None:
    engine = await start(USERS)
    assert set(engine.rules) == {"dimokratias_motion", "kennedy_motion"}
    assert engine.rules["dimokratias_motion"].rule.mode.value == "restart"
    hub.states.set("binary_sensor.dimokratias_motion", "off")
    hub.states.set("binary_sensor.kennedy_motion", "off")
    hub.states.set("binary_sensor.dimokratias_motion", "on")
    hub.states.set("binary_sensor.kennedy_motion", "on")
    hub.states.set("binary_sensor.dimokratias_motion", "off")
    hub.states.set("binary_sensor.kennedy_motion", "off")
    await clock.advance(30)
    assert [(c.name, c.entity_ids) for c in calls] == [
        ("light.turn_on", ("light.dimokratias_01",)),
        ("light.turn_on", ("light.kennedy_01", "light.kennedy_02")),
        ("light.turn_off", ("light.kennedy_01", "light.kennedy_02")),
    ]
    await clock.advance(90)
    assert calls[-1].name == "light.turn_off"
    assert calls[-1].entity_ids == ("light.dimokratias_01",)


async def test_a_blueprint_rule_traces_point_into_the_blueprint(
    hub: Hub, start: Start, calls: Calls, blueprint: Path
) -> None:
    engine = await start(USERS)
    hub.states.set("binary_sensor.kennedy_motion", "off")
    hub.states.set("binary_sensor.kennedy_motion", "on")
    trace = engine.traces("kennedy_motion")[-1]
    assert trace.where().endswith("rules.yaml:9")
    assert trace.where("action/0").endswith("motion_light.yaml:43")


def problems(folder: Path) -> list[str]:
    _, issues = load_rules([folder])
    return [f"{Path(i.file).name}:{i.line}: {i.message}" for i in issues]


def test_inputs_are_checked_at_load(rules_dir: Path, blueprint: Path) -> None:
    write(rules_dir, "rules.yaml", """
- id: a
  use_blueprint:
    path: motion_light.yaml
    input:
      motion_entity: light.not_a_sensor
      no_motion_wiat: 30
- id: b
  use_blueprint:
    path: motion_lights.yaml
""")
    assert problems(rules_dir) == [
        "rules.yaml:4: blueprint 'Motion-activated Light' needs input 'light_target' (Light)",
        "rules.yaml:5: input 'motion_entity': light.not_a_sensor is not a binary_sensor entity",
        "rules.yaml:6: blueprint 'Motion-activated Light' has no input 'no_motion_wiat'; did "
        "you mean 'no_motion_wait'?",
        "rules.yaml:9: no blueprint 'motion_lights.yaml'; did you mean 'motion_light.yaml'?",
    ]


def test_mistakes_in_the_blueprint_say_who_uses_it(rules_dir: Path) -> None:
    write(rules_dir, "blueprints/broken.yaml", """
blueprint:
  name: Broken
  domain: automation
  input:
    lamp: {}
triggers:
  - trigger: state
    entity_id: !input lamp
    for: later
actions:
  - action: light.turn_on
    target: {entity_id: !input lmap}
""")
    write(rules_dir, "rules.yaml", """
- id: a
  use_blueprint:
    path: broken.yaml
    input: {lamp: light.x}
""")
    found = problems(rules_dir)
    assert len(found) == 1
    assert found[0].startswith("broken.yaml:12: '!input lmap' names no declared input; did you "
                               "mean 'lamp'? (in blueprint ")
    assert found[0].endswith("used by the rule at " + str(rules_dir / "rules.yaml") + ":1)")


def test_blueprint_body_problems_point_into_the_blueprint(rules_dir: Path) -> None:
    write(rules_dir, "blueprints/late.yaml", """
blueprint:
  name: Late
  domain: automation
  input:
    lamp: {}
triggers:
  - trigger: state
    entity_id: !input lamp
    for: later
actions:
  - action: light.turn_on
""")
    write(rules_dir, "rules.yaml", """
- id: a
  use_blueprint: {path: late.yaml, input: {lamp: light.x}}
""")
    found = problems(rules_dir)
    assert len(found) == 1
    assert found[0].startswith("late.yaml:9: 'for': expected a duration")
    assert "used by the rule at" in found[0]


async def test_input_sections_and_variables(
    hub: Hub, start: Start, calls: Calls, rules_dir: Path
) -> None:
    write(rules_dir, "blueprints/tank_alarm.yaml", """
blueprint:
  name: Tank alarm
  domain: automation
  input:
    where:
      name: Tank
      input:
        level_sensor:
          selector: {entity: {domain: sensor}}
        threshold: {default: 1.2, selector: {number: {min: 0, max: 5}}}
variables:
  threshold: !input threshold
triggers:
  - trigger: numeric_state
    entity_id: !input level_sensor
    below: !input threshold
actions:
  - action: notify.caregivers
    data:
      message: "{{ trigger.entity_id }} is below {{ threshold }} m"
""")
    await start("""
- id: north_tank_low
  use_blueprint:
    path: tank_alarm.yaml
    input: {level_sensor: sensor.tank_north_level}
""")
    hub.states.set("sensor.tank_north_level", "2")
    hub.states.set("sensor.tank_north_level", "1")
    assert calls.datas() == [{"message": "sensor.tank_north_level is below 1.2 m"}]
