"""`controls:` — a rule declares the loads it acts on (for the energy review), directly or
through a blueprint; mistakes are reported at their line; the JSON Schema knows the key."""

from __future__ import annotations

from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from kozani_hub.automation import load_rules, rule_json_schema
from kozani_hub.automation.controls import Control

from .helpers import write

HEATING = Control("switch.school_heating", 15000.0, "school", "schedule.school_heating_hours")
LIGHTING = Control("switch.school_lighting", 7200.0, "school")

TIMETABLE = """
blueprint:
  name: Timetable
  domain: automation
  input:
    load: { selector: { entity: { domain: switch } } }
    controls: { default: [] }
triggers:
  - trigger: time
    at: "06:00:00"
actions:
  - action: switch.turn_on
    target: { entity_id: !input load }
controls: !input controls
"""


def problems(folder: Path) -> list[str]:
    _, issues = load_rules([folder])
    return [f"{Path(i.file).name}:{i.line}: {i.message}" for i in issues]


def test_a_rule_declares_what_it_controls(rules_dir: Path) -> None:
    write(rules_dir, "school.yaml", """
        - id: school_heating_on
          controls:
            - entity_id: switch.school_heating
              rated_watts: 15000
              building: school
              schedule: schedule.school_heating_hours
            - { entity_id: switch.school_lighting, rated_watts: 7200, building: school }
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
        - id: without
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
    """)
    rules, issues = load_rules([rules_dir])
    assert issues == []
    assert rules["school_heating_on"].controls == (HEATING, LIGHTING)
    assert rules["without"].controls == ()


def test_blueprints_pass_controls_through_an_input_or_beside_use_blueprint(
    rules_dir: Path,
) -> None:
    write(rules_dir, "blueprints/timetable.yaml", TIMETABLE)
    write(rules_dir, "school.yaml", """
        - id: heating
          use_blueprint:
            path: timetable.yaml
            input:
              load: switch.school_heating
              controls:
                - entity_id: switch.school_heating
                  rated_watts: 15000
                  building: school
                  schedule: schedule.school_heating_hours
        - id: lighting
          use_blueprint: { path: timetable.yaml, input: { load: switch.school_lighting } }
          controls: [ { entity_id: switch.school_lighting, rated_watts: 7200, building: school } ]
        - id: nothing_declared
          use_blueprint: { path: timetable.yaml, input: { load: switch.school_lighting } }
    """)
    rules, issues = load_rules([rules_dir])
    assert issues == []
    assert rules["heating"].controls == (HEATING,)
    assert rules["lighting"].controls == (LIGHTING,)
    assert rules["nothing_declared"].controls == ()


def test_mistakes_in_controls_point_at_their_line(rules_dir: Path) -> None:
    write(rules_dir, "school.yaml", """
        - id: school_heating_on
          controls:
            - entity_id: switch.school_heating
              rated_watts: lots
              building: school
            - { entity_id: heating, rated_watts: 100, building: School Building }
            - { entity_id: switch.school_lighting, building: school, watts: 7200 }
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
        - id: not_a_list
          controls: switch.school_heating
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
    """)
    found = problems(rules_dir)
    assert "school.yaml:4: 'rated_watts' of a controlled load must be the load's rated power " \
           "in watts, a number of 0 or more, got 'lots'" in found
    assert any(p.startswith("school.yaml:6: 'entity_id' of a controlled load must be the "
                            "entity id") for p in found)
    assert any(p.startswith("school.yaml:6: 'building' of a controlled load must be the id")
               and "got 'School Building'" in p for p in found)
    assert "school.yaml:7: a controlled load needs 'rated_watts': the load's rated power in " \
           "watts, a number of 0 or more" in found
    assert any(p.startswith("school.yaml:7: unknown key 'watts' in a controlled load")
               for p in found)
    assert any(p.startswith("school.yaml:11: 'controls' must be a list of loads") for p in found)


def test_the_json_schema_describes_controls() -> None:
    validator = Draft202012Validator(rule_json_schema())
    good = yaml.safe_load("""
        - id: heating
          controls: [ { entity_id: switch.school_heating, rated_watts: 15000, building: school } ]
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
        - use_blueprint: { path: energy/timetable.yaml }
          controls: [ { entity_id: switch.school_lighting, rated_watts: 7200, building: school,
                        schedule: schedule.school_lighting_hours } ]
    """)
    assert list(validator.iter_errors(good)) == []
    bad = yaml.safe_load("""
        - id: heating
          controls: [ { entity_id: switch.school_heating, building: school } ]
          triggers: { trigger: time, at: "06:00:00" }
          actions: { action: switch.turn_on, target: { entity_id: switch.school_heating } }
    """)
    assert list(validator.iter_errors(bad))


def test_like_loads_share_one_item_as_a_list_of_entity_ids(rules_dir: Path) -> None:
    write(rules_dir, "blueprints/street.yaml", """
        blueprint:
          name: Street
          domain: automation
          input:
            lamps: { selector: { entity: { domain: light, multiple: true } } }
            street: {}
        triggers: { trigger: time, at: "00:00:00" }
        actions: { action: light.turn_on, target: { entity_id: !input lamps } }
        controls: [ { entity_id: !input lamps, rated_watts: 60, building: !input street } ]
    """)
    write(rules_dir, "streets.yaml", """
        - id: ermou
          use_blueprint:
            path: street.yaml
            input: { lamps: [light.ermou_01, light.ermou_02], street: ermou }
        - id: empty
          controls: [ { entity_id: [], rated_watts: 60, building: ermou } ]
          triggers: { trigger: time, at: "00:00:00" }
          actions: { action: light.turn_on, target: { entity_id: light.ermou_01 } }
    """)
    rules, issues = load_rules([rules_dir])
    assert rules["ermou"].controls == (Control("light.ermou_01", 60.0, "ermou"),
                                       Control("light.ermou_02", 60.0, "ermou"))
    assert [f"{Path(i.file).name}:{i.line}" for i in issues] == ["streets.yaml:6"]
    assert "'entity_id' of a controlled load must be" in issues[0].message
