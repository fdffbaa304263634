"""The traces of the rules that ran since the previous expect, as a technician reads them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kozani_hub.automation.engine import AutomationEngine
from kozani_hub.automation.trace import Outcome, Trace, describe_result, describe_trigger

from .render import clock_time

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

MAX_SHOWN = 20


def engine_of(hub: Hub) -> AutomationEngine | None:
    """The hub's rules engine, when its configuration has one."""
    return next((c for c in hub.components if isinstance(c, AutomationEngine)), None)


class TraceWatch:
    """Remembers which rule runs were already checked by an expect, to show only the new ones."""

    def __init__(self) -> None:
        self._checked: set[Trace] = set()

    def attach(self, hub: Hub) -> None:
        """A new hub (at the start, or after a restart) has no runs checked yet."""
        self._checked = set()

    def mark(self, hub: Hub) -> None:
        """Every run until now was checked by an expect."""
        engine = engine_of(hub)
        self._checked = set(engine.all_traces()) if engine is not None else set()

    def since_mark(self, hub: Hub) -> list[str]:
        """The runs since the last mark, oldest first, each as a few lines."""
        engine = engine_of(hub)
        if engine is None:
            return ["(this hub has no rules engine)"]
        fresh = [t for t in engine.all_traces() if t not in self._checked]
        lines: list[str] = []
        for trace in fresh[-MAX_SHOWN:]:
            lines.extend(render_trace(trace, hub))
        if len(fresh) > MAX_SHOWN:
            lines.insert(0, f"... {len(fresh) - MAX_SHOWN} earlier runs not shown")
        return lines


def render_trace(trace: Trace, hub: Hub) -> list[str]:
    """A rule run: where the rule is, what triggered it, each condition, each step, the end."""
    run = trace.as_dict()
    head = f"{run['rule_id']} ({trace.where()}) at {clock_time(trace.started, hub.tz)}"
    lines = [head, f"  trigger: {describe_trigger(trace.trigger)}"]
    for item in run["conditions"]:
        kind = f" {item['kind']}" if item.get("kind") else ""
        text = f"  {item['path']}{kind} ({trace.where(item['path'])}): "
        text += "true" if item["result"] else "false"
        lines.append(text + (f" - {item['why']}" if item.get("why") else ""))
    for item in run["steps"]:
        when = datetime.fromisoformat(item["at"])
        where = f"  {item['path']} ({trace.where(item['path'])}) at {clock_time(when, hub.tz)}"
        if item.get("error") is not None:
            lines.append(f"{where}: error: {item['error']}")
        else:
            outcome = describe_result(item.get("result"))
            lines.append(where + (f": {outcome}" if outcome else ""))
    if trace.omitted:
        lines.append(f"  ... {trace.omitted} more steps")
    ending = str(run["outcome"])
    if run.get("error"):
        ending += f": {run['error']}"
        if run.get("error_path"):
            ending += f" at {run['error_path']}"
    elif run.get("reason"):
        ending += f": {run['reason']}"
    if trace.outcome is not Outcome.FINISHED or run.get("error") or run.get("reason"):
        lines.append(f"  -> {ending}")
    return lines
