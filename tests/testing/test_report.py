"""A failing scenario against real rules shows the traces of the rules that ran: rule id,
file:line, trigger, each condition's result, each step."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kozani_hub.testing import render_result, run_scenario

CONFIGS = Path(__file__).resolve().parents[1] / "scenarios" / "configs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(dedent(text))
    return path


async def test_failure_shows_the_rules_that_ran_since_the_previous_expect(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        name: The lobby is put back to 70 %
        config: {CONFIGS / "state_triggers"}
        states:
          light.town_hall_lobby: {{ state: "on", attributes: {{ brightness: 200 }} }}
          binary_sensor.dimokratias_motion: "off"
          light.dimokratias_01: "off"
        steps:
          - set: {{ binary_sensor.dimokratias_motion: "on" }}
          - expect: {{ calls: [ light.turn_on ] }}
          - set: {{ entity_id: light.town_hall_lobby, state: "on", attributes: {{ brightness: 100 }} }}
          - set: {{ entity_id: light.town_hall_lobby, state: "on", attributes: {{ brightness: 40 }} }}
          - expect:
              calls: [ {{ action: light.turn_on, data: {{ brightness_pct: 70 }} }} ]
        """,
    )
    text = render_result(await run_scenario(path))
    rules = "tests/scenarios/configs/state_triggers/rules/dimokratias.yaml"
    assert "step 5 (expect)" in text
    assert (
        "closest is call 1: data.brightness_pct: expected the number 70, got the number 60" in text
    )
    # only the runs since the previous expect: not the motion boost
    assert "dimokratias_motion_boost" not in text.split("rules that ran")[1]
    assert f"lobby_dimmed_by_hand ({rules}:" in text
    assert "trigger: state light.town_hall_lobby" in text
    assert f"condition/0 template ({rules}:" in text
    assert ": false" in text and ": true" in text  # 100 is not below 77; 40 is
    assert f"action/0 ({rules}:" in text
    assert "-> condition failed" in text


async def test_a_rule_that_does_not_load_fails_the_scenario(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "rules").mkdir(parents=True)
    (config / "hub.yaml").write_text(
        "hub: { name: x, latitude: 40.3, longitude: 21.79, rules: rules }\n"
    )
    (config / "rules" / "bad.yaml").write_text(
        "- id: bad\n  triggers: { trigger: stat, entity_id: sensor.a }\n  actions: []\n"
    )
    path = write(tmp_path, "config: config\nsteps:\n  - after: 1\n")
    result = await run_scenario(path)
    assert not result.passed
    assert "bad.yaml:2: unknown trigger type 'stat'" in render_result(result)


async def test_the_command_line_config_overrides_the_scenario_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        config: does/not/exist
        states: { binary_sensor.dimokratias_motion: "off", light.dimokratias_01: "off" }
        steps:
          - set: { binary_sensor.dimokratias_motion: "on" }
          - expect: { calls: [ { action: light.turn_on, data: { brightness_pct: 100 } } ] }
        """,
    )
    result = await run_scenario(path, CONFIGS / "state_triggers")
    assert result.passed, render_result(result)
