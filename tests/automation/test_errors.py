"""Errors for people: load errors as FILE:LINE with helpful text; runtime errors naming the
rule, its file and line, and the step path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.automation import load_rules
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls, write


def problems(folder: Path) -> list[str]:
    _, issues = load_rules([folder])
    return [f"{Path(i.file).name}:{i.line}: {i.message}" for i in issues]


def test_unknown_trigger_type_lists_the_valid_ones(rules_dir: Path) -> None:
    write(rules_dir, "lights.yaml", """
- id: a
  triggers:
    - trigger: stat
      entity_id: light.x
  actions:
    - action: light.turn_on
""")
    assert problems(rules_dir) == [
        "lights.yaml:3: unknown trigger type 'stat' (did you mean 'state'?); the trigger types"
        " are event, hub, numeric_state, state, sun, template, time, time_pattern or webhook"
    ]


def test_misspelled_keys_suggest_the_right_one(rules_dir: Path) -> None:
    write(rules_dir, "water/tanks.yaml", """
- id: tank
  trigers:
    - trigger: state
      entity_id: sensor.tank
  actions: []
- id: pump
  triggers:
    - trigger: numeric_state
      entitiy_id: sensor.tank
      below: 1
  actions:
    - servic: switch.turn_on
""")
    assert problems(rules_dir) == [
        "tanks.yaml:1: rule needs 'triggers': a trigger or a list of triggers",
        "tanks.yaml:2: unknown key 'trigers' in rule; did you mean 'triggers'?",
        "tanks.yaml:8: numeric_state trigger needs 'entity_id': an entity id or a list of "
        "entity ids",
        "tanks.yaml:9: unknown key 'entitiy_id' in numeric_state trigger; did you mean "
        "'entity_id'?",
        "tanks.yaml:12: unknown kind of action (it has 'servic'); did you mean 'service' "
        "instead of 'servic'?; an action is one of action, choose, condition, delay, event, if,"
        " parallel, repeat, sequence, stop, variables, wait_for_trigger or wait_template",
    ]


def test_template_syntax_error_shows_the_template_and_its_line(rules_dir: Path) -> None:
    write(rules_dir, "rules.yaml", """
- id: a
  triggers:
    - trigger: event
      event_type: go
  conditions:
    - condition: template
      value_template: >
        {% if is_state('light.x', 'on') %}
          true
        {% endif
  actions:
    - action: light.turn_on
      data:
        brightness: "{{ 100 + }}"
""")
    found = problems(rules_dir)
    assert found[0].startswith(
        "rules.yaml:10: invalid value_template: template syntax error: unexpected end of "
        "template"
    )
    assert found[0].endswith("\n    {% endif")
    assert found[1].startswith("rules.yaml:14: invalid data: template syntax error:")
    assert found[1].endswith('\n    {{ 100 + }}')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delay: soon",
         "rules.yaml:4: 'delay': expected a duration such as \"00:05:00\", 300 (seconds) or "
         "{minutes: 5}, got 'soon'"),
        ("action: notify",
         "rules.yaml:4: 'action' must name a service as domain.service, such as "
         "light.turn_on, got 'notify'"),
        ("wait_template: '{{ true }}'\n      timeout: -5",
         "rules.yaml:4: 'timeout': a duration cannot be negative, got -5"),
        ("repeat: {count: 3, while: '{{ true }}', sequence: []}",
         "rules.yaml:4: a repeat needs exactly one of count, while, until or for_each; got "
         "count, while"),
    ],
)
def test_bad_action_values(rules_dir: Path, text: str, expected: str) -> None:
    write(rules_dir, "rules.yaml", f"""
- id: a
  triggers: {{trigger: event, event_type: go}}
  actions:
    - {text}
""")
    assert problems(rules_dir) == [expected]


def test_an_unquoted_time_is_explained(rules_dir: Path) -> None:
    write(rules_dir, "rules.yaml", """
- id: a
  triggers:
    - trigger: time
      at: 7:30
  actions: {action: light.turn_on}
""")
    assert problems(rules_dir) == [
        'rules.yaml:4: expected a time of day such as "07:30" or "22:15:00" in quotes, got the'
        " number 450: unquoted, YAML reads a time such as 7:30 as a number; write \"07:30\""
    ]


def test_duplicate_ids_name_the_first(rules_dir: Path) -> None:
    rule = """
- id: night_dim
  triggers: {trigger: event, event_type: go}
  actions: {action: light.turn_on}
"""
    write(rules_dir, "a.yaml", rule)
    write(rules_dir, "b.yaml", rule)
    found = problems(rules_dir)
    assert len(found) == 1
    assert found[0].startswith("b.yaml:1: rule id 'night_dim' is already used at ")
    assert found[0].endswith("a.yaml:1; ids must be unique")


def test_yaml_syntax_errors_are_reported_too(rules_dir: Path) -> None:
    write(rules_dir, "rules.yaml", "- id: a\n  triggers: [\n")
    found = problems(rules_dir)
    assert len(found) == 1
    assert found[0].startswith("rules.yaml:3: YAML syntax error")


def test_all_problems_of_all_files_in_one_pass(rules_dir: Path) -> None:
    bad = """
- id: {id}
  triggers: {{trigger: stat}}
  actions: {{action: light.turn_on}}
"""
    for n in range(3):
        write(rules_dir, f"f{n}.yaml", bad.format(id=f"r{n}"))
    assert [p.split(":")[0] for p in problems(rules_dir)] == ["f0.yaml", "f1.yaml", "f2.yaml"]


async def test_runtime_error_names_rule_file_line_and_step(
    hub: Hub, start: Start, calls: Calls, caplog: pytest.LogCaptureFixture
) -> None:
    engine = await start("""
- id: pumps
  triggers: [{trigger: event, event_type: go}]
  actions:
    - action: test.record
    - if: "{{ true }}"
      then:
        - action: switch.turn_on
          data:
            level: "{{ states('sensor.tank') | float }}"
""")
    hub.states.set("sensor.tank", "broken")
    hub.bus.fire("go")
    trace = engine.traces("pumps")[-1]
    assert trace.error_path == "action/1/then/0"
    assert trace.where("action/1/then/0").endswith("rules.yaml:7")
    assert "float" in (trace.error or "")
    assert "Rule pumps (" in caplog.text
    assert "rules.yaml:1) failed at action/1/then/0 (" in caplog.text
    assert "rules.yaml:7)" in caplog.text


async def test_trace_summary_reads_like_a_sentence(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start("""
- id: streets
  triggers:
    - trigger: state
      entity_id: light.x
  conditions:
    - "{{ is_state('sun.sun', 'below_horizon') }}"
  actions:
    - action: light.turn_on
      target: {entity_id: light.y}
""")
    hub.states.set("light.x", "off")
    hub.states.set("light.x", "on")
    summary = engine.traces("streets")[-1].summary()
    assert summary.startswith("rule streets (")
    assert "rules.yaml:1) did not act: trigger state light.x off→on; condition/0 template → " \
        "false" in summary
