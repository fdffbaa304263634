"""Rule scenarios under simulated time: the runner behind `kozani-hub test` and the test suite.

result = await run_scenario(Path("tests/scenarios/lighting/night_dim.yaml"))
assert result.passed, render_result(result)
"""

from .hubs import HubFactory, ScenarioEnvironment
from .parse import load_scenario
from .report import render_result, summary_line
from .result import ScenarioResult, StepFailure
from .runner import run_scenario

__all__ = [
    "HubFactory",
    "ScenarioEnvironment",
    "ScenarioResult",
    "StepFailure",
    "load_scenario",
    "render_result",
    "run_scenario",
    "summary_line",
]
