"""The helpers' shared kit: work after the recorder's restore, states set before setup taken
as values, and scenarios that run helpers for real (bad sections fail them at their line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from integrations.helper_base.restore import RestoreDone
from kozani_hub.integration import load
from kozani_hub.recorder import Recorder
from kozani_hub.testing import run_scenario
from tests.integrations.helper_base.harness import HEADER, HelperHubs

CONFIG = """
input_number:
  level:
    min: 0
    max: 10
"""


async def test_without_a_recorder_defaults_come_at_setup(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    assert hub.states.get("input_number.level").state == "0.0"  # type: ignore[union-attr]
    assert not any(isinstance(c, RestoreDone) for c in hub.components)


async def test_after_restore_runs_right_after_the_recorder(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    names = [type(c).__name__ for c in hub.components]
    index = next(i for i, c in enumerate(hub.components) if isinstance(c, Recorder))
    assert isinstance(hub.components[index + 1], RestoreDone), names


async def test_a_state_set_before_setup_is_taken_as_the_value(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"input_number.level": "4.5"})
    assert hub.states.get("input_number.level").state == "4.5"  # type: ignore[union-attr]
    hub = await hubs.start(CONFIG, recorder=False, states={"input_number.level": "45"})
    assert hub.states.get("input_number.level").state == "0.0"  # type: ignore[union-attr]


async def test_helpers_run_in_scenarios(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "hub.yaml").write_text(HEADER + textwrap.dedent(CONFIG), encoding="utf-8")
    scenario = tmp_path / "level.yaml"
    scenario.write_text(
        textwrap.dedent(
            """
            name: helpers run for real
            config: config
            steps:
              - call: { action: input_number.set_value, target: { entity_id: input_number.level }, data: { value: 3 } }
              - expect: { states: { input_number.level: "3.0" } }
              - restart: {}
              - expect: { states: { input_number.level: "3.0" } }
            """
        ),
        encoding="utf-8",
    )
    result = await run_scenario(scenario)
    assert result.passed, result.problem or result.failure


async def test_a_bad_helper_section_fails_the_scenario_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "hub.yaml").write_text(
        HEADER + "input_number:\n  level:\n    min: 5\n    max: 1\n", encoding="utf-8"
    )
    scenario = tmp_path / "level.yaml"
    scenario.write_text("config: config\nsteps: [ { after: 1 } ]\n", encoding="utf-8")
    result = await run_scenario(scenario)
    assert result.problem is not None
    assert "config/hub.yaml:9: max (1) must be greater than min (5)" in result.problem



HELPERS = (
    "counter", "derivative", "history_stats", "input_boolean", "input_datetime", "input_number",
    "input_select", "schedule", "statistics", "template", "timer", "utility_meter", "workday",
)


def test_every_helper_is_installed_and_marked_as_one() -> None:
    for domain in HELPERS:
        integration = load(domain)
        assert getattr(integration.module, "KIND", None) == "helper", domain
    assert getattr(load("modbus").module, "KIND", None) != "helper"
