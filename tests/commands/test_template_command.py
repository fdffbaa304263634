"""`kozani-hub template`: render with states from a file at a chosen time, or say why not."""

from __future__ import annotations

import argparse
from pathlib import Path
from textwrap import dedent

import pytest

from kozani_hub.commands import template as template_command

STATES = """
sensor.tank_1_level: { state: "1.2", attributes: { unit_of_measurement: m } }
binary_sensor.r12_front_door: "on"
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kozani-hub template")
    template_command.configure(parser)
    return template_command.main(parser.parse_args(argv))


@pytest.fixture
def states(tmp_path: Path) -> Path:
    path = tmp_path / "states.yaml"
    path.write_text(dedent(STATES))
    return path


def test_renders_with_states_from_a_file(states: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = (
        "Tank at {{ (states('sensor.tank_1_level') | float * 100) | int }} "
        "{{ state_attr('sensor.tank_1_level', 'unit_of_measurement') }}"
    )
    assert run(["--states", str(states), template]) == 0
    assert capsys.readouterr().out == "Tank at 120 m\n"


def test_numbers_lists_and_booleans_print_as_json(
    states: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--states", str(states), "{{ is_state('binary_sensor.r12_front_door', 'on') }}"]) == 0
    assert run(["{{ [1, 2.5, 'a'] }}"]) == 0
    assert run(["{{ 40 + 2 }}"]) == 0
    assert capsys.readouterr().out.splitlines() == ["true", '[1, 2.5, "a"]', "42"]


def test_at_sets_now_in_the_hub_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--at", "2026-07-01T21:30:00", "{{ now().isoformat() }} {{ now().hour }}"]) == 0
    assert capsys.readouterr().out == "2026-07-01T21:30:00+03:00 21\n"


def test_the_configuration_gives_the_time_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "hub.yaml").write_text(
        "hub: { name: Lisbon office, latitude: 38.7, longitude: -9.1, time_zone: Europe/Lisbon,"
        " rules: rules }\n"
    )
    assert run(["-c", str(tmp_path), "--at", "2026-07-01T21:30:00", "{{ now().isoformat() }}"]) == 0
    assert capsys.readouterr().out == "2026-07-01T21:30:00+01:00\n"


def test_an_error_is_printed_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["{{ states('sensor.missing') | float }}"]) == 1
    err = capsys.readouterr().err
    assert "float got invalid input 'unknown' and no default was given" in err


def test_a_syntax_error_shows_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["{{ 1 + }}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: template syntax error")
    assert "  {{ 1 + }}" in err


def test_a_sandbox_escape_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["{{ ''.__class__.__mro__ }}"]) == 1
    assert "not allowed" in capsys.readouterr().err


def test_a_bad_states_file_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "states.yaml"
    path.write_text("sensor.a: 1\nsensor.b: [1, 2]\n")
    assert run(["--states", str(path), "{{ 1 }}"]) == 1
    assert "states.yaml:2: a state is a string or a number" in capsys.readouterr().err
