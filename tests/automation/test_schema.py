"""The JSON Schema of rule files: valid draft 2020-12; accepts what the hub accepts, refuses
what it refuses."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from kozani_hub.automation import rule_json_schema


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = rule_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load(text: str) -> Any:
    return yaml.safe_load(textwrap.dedent(text))


VALID = [
    """
    - id: dimokratias_midnight_dim
      alias: Dim Dimokratias street at midnight
      mode: restart
      triggers:
        - trigger: time
          at: "00:00:00"
      conditions:
        - condition: state
          entity_id: binary_sensor.dimokratias_motion
          state: "off"
          for: "00:05:00"
      actions:
        - action: light.turn_on
          target: { entity_id: light.dimokratias_01 }
          data: { brightness_pct: 50, transition: 30 }
    """,
    """
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
    """,
    """
    - id: everything
      triggers:
        - trigger: numeric_state
          entity_id: [sensor.a, sensor.b]
          above: input_number.low
          for: {minutes: 2}
        - trigger: template
          value_template: "{{ true }}"
        - trigger: sun
          event: sunset
          offset: "-00:30:00"
        - trigger: webhook
          webhook_id: gate
        - trigger: hub
          event: start
      conditions:
        - "{{ true }}"
        - or:
            - condition: trigger
              id: "0"
            - condition: time
              after: "22:00"
      actions:
        - choose:
            - conditions: "{{ true }}"
              sequence:
                - delay: 5
          default:
            - repeat:
                for_each: [1, 2]
                sequence:
                  - event: tick
                    event_data: {n: "{{ repeat.item }}"}
        - if: "{{ true }}"
          then:
            - stop: done
        - parallel:
            - wait_template: "{{ true }}"
              timeout: 10
            - wait_for_trigger:
                trigger: event
                event_type: x
        - variables: {a: 1}
        - alias: notify
          action: notify.caregivers
          continue_on_error: true
          data: {message: hi}
    """,
    """
    - id: from_blueprint
      use_blueprint:
        path: motion_light.yaml
        input: {motion_entity: binary_sensor.m}
    """,
]


@pytest.mark.parametrize("text", VALID)
def test_valid_rules_pass(validator: Draft202012Validator, text: str) -> None:
    errors = [e.message for e in validator.iter_errors(load(text))]
    assert errors == []


@pytest.mark.parametrize(
    "text",
    [
        "- {id: a, triggers: [{trigger: stat, entity_id: light.x}], actions: []}",
        "- {id: a, triggers: [{trigger: state, entitiy_id: light.x}], actions: []}",
        "- {id: a, actions: []}",
        "- {id: a, trigers: [], actions: []}",
    ],
)
def test_invalid_rules_fail(validator: Draft202012Validator, text: str) -> None:
    assert list(validator.iter_errors(load(text)))
