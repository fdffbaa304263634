"""A scenario's outcome as text: one line when it passed; when it failed, the step, what was
expected, what happened, the differences, the rules that ran and the hub's warnings."""

from __future__ import annotations

from kozani_hub.config.errors import display_path

from .expectations import Failure
from .render import local_time
from .result import ScenarioResult, StepFailure

INDENT = "  "


def render_result(result: ScenarioResult) -> str:
    where = display_path(result.path)
    if result.passed:
        return f"ok    {result.name}  ({where}, {result.steps_total} steps)"
    lines = [f"FAIL  {result.name}  ({where})"]
    if result.problem is not None:
        lines.extend(_indent(result.problem.splitlines(), 1))
    if result.failure is not None:
        lines.extend(_indent(render_failure(result.failure), 1))
    return "\n".join(lines)


def render_failure(failure: StepFailure) -> list[str]:
    step = failure.step
    lines = [
        f"step {failure.index + 1} ({step.kind}) at {step.where}, "
        f"simulated time {local_time(failure.when, failure.tz)}"
    ]
    if failure.error is not None:
        lines.extend(_indent([f"error: {failure.error}"], 1))
    for found in failure.failures:
        lines.extend(_indent(_render_check(found), 1))
    lines.append("rules that ran since the previous expect:")
    lines.extend(_indent(list(failure.traces) or ["(none)"], 1))
    if failure.log:
        lines.append("hub warnings and errors since the previous expect:")
        lines.extend(_indent(list(failure.log), 1))
    return lines


def _render_check(found: Failure) -> list[str]:
    lines = [found.summary, "expected:"]
    lines.extend(_indent(found.expected.splitlines(), 1))
    lines.append("happened:")
    lines.extend(_indent(found.happened.splitlines(), 1))
    if found.differences:
        lines.append("differences:")
        lines.extend(_indent(list(found.differences), 1))
    return lines


def _indent(lines: list[str], depth: int) -> list[str]:
    pad = INDENT * depth
    return [pad + line if line else line for line in lines]


def summary_line(passed: int, failed: int) -> str:
    """The last line of `kozani-hub test`."""
    return f"{passed} passed, {failed} failed"
