"""The restart scenarios under tests/recorder/scenarios/: each is a test of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.testing import render_result, run_scenario
from kozani_hub.testing.discover import find_scenarios

HERE = Path(__file__).parent / "scenarios"
SCENARIOS = find_scenarios([HERE])


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_restart_scenario(path: Path) -> None:
    result = await run_scenario(path)
    assert result.passed, "\n" + render_result(result)
