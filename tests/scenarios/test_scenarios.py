"""Every scenario file under tests/scenarios/ is a test of its own.

A scenario runs the rules of its configuration (`config:`, under configs/) on simulated time
and checks what they did; a failure shows what was expected, what happened and the traces of
the rules that ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.testing import render_result, run_scenario
from kozani_hub.testing.discover import find_scenarios

HERE = Path(__file__).parent
SCENARIOS = find_scenarios([HERE])


@pytest.mark.parametrize("path", SCENARIOS, ids=[str(p.relative_to(HERE)) for p in SCENARIOS])
async def test_scenario(path: Path) -> None:
    result = await run_scenario(path)
    assert result.passed, "\n" + render_result(result)
