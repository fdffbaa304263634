"""A scenario file with a mistake is reported as FILE:LINE: message."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from kozani_hub.config.errors import ConfigError
from kozani_hub.testing.model import AfterStep, AtStep, CallStep, ExpectStep, SetStep
from kozani_hub.testing.parse import load_scenario


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "s.yaml"
    path.write_text(dedent(text).lstrip())
    return load_scenario(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value).replace(str(tmp_path) + "/", "")


def test_steps_are_read_with_their_lines(tmp_path: Path) -> None:
    scenario = load(
        tmp_path,
        """
        name: Night dimming
        config: ../configs/lighting
        states:
          sensor.lux: 12
          light.a: { state: "on", attributes: { brightness: 255 } }
        steps:
          - set: { entity_id: sensor.lux, state: 3, attributes: { unit_of_measurement: lx } }
          - after: { minutes: 2 }
          - at: "23:00"
          - call: { service: light.turn_off, entity_id: light.a }
          - expect: { states: { light.a: "off" } }
        """,
    )
    assert scenario.name == "Night dimming"  # type: ignore[attr-defined]
    assert scenario.config == tmp_path / "../configs/lighting"  # type: ignore[attr-defined]
    assert scenario.states["sensor.lux"].state == "12"  # type: ignore[attr-defined]
    steps = scenario.steps  # type: ignore[attr-defined]
    assert [type(s) for s in steps] == [SetStep, AfterStep, AtStep, CallStep, ExpectStep]
    assert [s.where.line for s in steps] == [7, 8, 9, 10, 11]
    assert steps[0].state == "3"
    assert steps[1].duration.total_seconds() == 120
    assert steps[3].target == {"entity_id": "light.a"}


def test_an_unknown_step_suggests_the_right_one(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        steps:
          - set: { sensor.a: "1" }
          - expcet: { no_calls: true }
        """,
    )
    assert message == (
        "s.yaml:3: unknown key 'expcet' in a step; did you mean 'expect'? "
        "(expected one of: set, event, call, webhook, after, at, restart, expect)"
    )


def test_an_unknown_expectation_names_the_known_ones(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        steps:
          - expect:
              no_calls: true
              stats: { light.a: "on" }
        """,
    )
    assert message.startswith("s.yaml:4: unknown key 'stats' in 'expect'; did you mean 'states'?")


def test_a_bad_duration_says_what_is_expected(tmp_path: Path) -> None:
    message = error_of(tmp_path, "steps:\n  - after: soon\n")
    assert message == (
        "s.yaml:2: 'after': expected a duration such as \"00:05:00\", 300 (seconds) or "
        "{minutes: 5}, got 'soon'"
    )


def test_a_bad_entity_id_in_an_expected_call(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        steps:
          - expect:
              calls:
                - action: light.turn_on
                - actoin: light.turn_off
        """,
    )
    assert message.startswith("s.yaml:5: unknown key 'actoin' in an expected call; did you mean")


def test_a_state_must_be_a_scalar(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        steps:
          - set:
              entity_id: sensor.a
              state: [1, 2]
        """,
    )
    assert message.startswith("s.yaml:4: a state is a string or a number")


def test_missing_steps_and_unknown_top_keys(tmp_path: Path) -> None:
    assert error_of(tmp_path, "name: x\n").startswith("s.yaml:1: a scenario needs 'steps'")
    message = error_of(tmp_path, "name: x\nstart_time: '2026-01-01T00:00:00'\nsteps: []\n")
    assert message.startswith("s.yaml:2: unknown key 'start_time' in a scenario; did you mean 'start'?")


def test_a_bad_start_instant(tmp_path: Path) -> None:
    message = error_of(tmp_path, "start: yesterday\nsteps:\n  - after: 1\n")
    assert message.startswith("s.yaml:1: expected an instant such as")


def test_yaml_syntax_errors_carry_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "steps:\n  - set: { sensor.a: 1\n  - after: 1\n")
    assert message.startswith("s.yaml:")
    assert "YAML syntax error" in message
