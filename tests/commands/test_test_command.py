"""`kozani-hub test`: one line per scenario, failures explained, `N passed, N failed` last."""

from __future__ import annotations

import argparse
from pathlib import Path
from textwrap import dedent

import pytest

from kozani_hub.commands import test as test_command

PASSING = """
name: A lamp switched by hand stays on
states: { light.hall: "off" }
steps:
  - call: { action: light.turn_on, target: { entity_id: light.hall } }
  - expect: { states: { light.hall: "on" } }
"""

FAILING = """
name: A lamp that should be dimmed
states: { light.hall: "off" }
steps:
  - call: { action: light.turn_on, target: { entity_id: light.hall }, data: { brightness: 10 } }
  - expect: { states: { light.hall: { attributes: { brightness: 20 } } } }
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kozani-hub test")
    test_command.configure(parser)
    return test_command.main(parser.parse_args(argv))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "a_pass.yaml").write_text(dedent(PASSING))
    (tmp_path / "scenarios" / "b_fail.yaml").write_text(dedent(FAILING))
    return tmp_path


def test_all_passing_exits_0(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scenarios/a_pass.yaml"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok    A lamp switched by hand stays on")
    assert out[-1] == "1 passed, 0 failed"


def test_a_failure_is_explained_and_exits_1(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scenarios"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  A lamp that should be dimmed  (scenarios/b_fail.yaml)" in out
    assert "step 2 (expect) at scenarios/b_fail.yaml:6" in out
    assert "light.hall attributes.brightness: expected the number 20, got the number 10" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"


def test_a_broken_scenario_file_is_reported_with_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "broken.yaml").write_text("steps:\n  - wait: 5\n")
    assert run(["broken.yaml", "missing.yaml"]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml:2: unknown key 'wait' in a step" in out
    assert "missing.yaml: no such scenario file" in out
    assert out.splitlines()[-1] == "0 passed, 2 failed"


def test_configs_folders_are_not_scenarios(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configs = folder / "scenarios" / "configs" / "lighting"
    configs.mkdir(parents=True)
    (configs / "hub.yaml").write_text("hub: {}\n")
    assert run(["scenarios"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 passed, 1 failed"
