"""Traces: what each run of a rule did, so a technician can read why it did or did not act.

A trace is a small record filled in as the run goes: the trigger, each condition with its
result, each action step with its result or error, the variables, timing, and where each
item is written. Nothing is deep-copied: the record holds references to the run's own
(immutable or run-private) values. The store keeps the last N traces per rule and a bound on
the memory of all traces together, dropping the oldest first.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from kozani_hub.config.errors import display_path
from kozani_hub.core.states import State


class Source(Protocol):
    """Where a traced rule is written (a Rule)."""

    @property
    def id(self) -> str: ...

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int | None: ...

    @property
    def lines(self) -> Mapping[str, int]: ...

    @property
    def step_file(self) -> str: ...


class Outcome(StrEnum):
    """How a run ended."""

    RUNNING = "running"
    FINISHED = "finished"
    CONDITION_FAILED = "condition failed"
    NOT_RUN = "not run"  # the mode refused it (single and already running, max reached)
    STOPPED = "stopped"
    ERROR = "error"
    CANCELLED = "cancelled"


# What a trace holds, measured roughly: the record, its trigger and variables dicts, the
# states they refer to; and each condition or step recorded with its result.
_BASE_SIZE = 1200
_ITEM_SIZE = 160
MAX_ITEMS = 250
"""Steps recorded per trace; a long loop records its first steps and counts the rest."""


class Trace:
    """One run of one rule."""

    __slots__ = (
        "conditions",
        "context_id",
        "error",
        "error_path",
        "finished",
        "omitted",
        "outcome",
        "reason",
        "size",
        "source",
        "started",
        "steps",
        "trigger",
        "variables",
    )

    def __init__(
        self,
        source: Source,
        trigger: Mapping[str, Any] | None,
        started: datetime,
        context_id: str,
    ) -> None:
        self.source = source
        self.trigger = trigger
        self.started = started
        self.context_id = context_id
        self.finished: datetime | None = None
        self.conditions: list[tuple[str, str, bool, str | None]] = []
        self.steps: list[tuple[str, datetime, Any, str | None]] = []
        self.variables: Mapping[str, Any] | None = None
        self.outcome = Outcome.RUNNING
        self.reason: str | None = None
        self.error: str | None = None
        self.error_path: str | None = None
        self.omitted = 0
        self.size = 0

    @property
    def rule_id(self) -> str:
        return self.source.id

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def line(self) -> int | None:
        return self.source.line

    @property
    def lines(self) -> Mapping[str, int]:
        return self.source.lines

    @property
    def step_file(self) -> str:
        return self.source.step_file

    # --- recording ----------------------------------------------------------------------

    def condition(self, path: str, kind: str, result: bool, why: str | None = None) -> None:
        self.conditions.append((path, kind, result, why))

    def step(self, path: str, at: datetime, result: Any = None, error: str | None = None) -> None:
        if len(self.steps) < MAX_ITEMS:
            self.steps.append((path, at, result, error))
        else:
            self.omitted += 1

    def finish(
        self,
        at: datetime,
        outcome: Outcome,
        variables: Mapping[str, Any] | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        self.finished = at
        self.outcome = outcome
        if variables is not None:
            self.variables = variables
        if reason is not None:
            self.reason = reason

    def fail(self, path: str | None, error: str) -> None:
        self.error = error
        self.error_path = path

    # --- reading ------------------------------------------------------------------------

    @property
    def duration(self) -> timedelta | None:
        return None if self.finished is None else self.finished - self.started

    def where(self, path: str | None = None) -> str:
        """'file:line' of the rule, or of the item at `path`."""
        if path and path in self.lines:
            return f"{display_path(self.step_file)}:{self.lines[path]}"
        file = display_path(self.file) if self.file else "?"
        return f"{file}:{self.line}" if self.line is not None else file

    def estimate(self) -> int:
        """A rough count of the bytes this trace holds on to."""
        return _BASE_SIZE + _ITEM_SIZE * (len(self.conditions) + len(self.steps))

    def summary(self) -> str:
        """One line for people: what triggered, what each condition said, what ran."""
        parts = [f"trigger {describe_trigger(self.trigger)}"]
        for path, kind, result, why in self.conditions:
            text = f"{path} {kind} → {'true' if result else 'false'}"
            if why:
                text += f" ({why})"
            parts.append(text)
        for path, _, result, error in self.steps:
            if error is not None:
                parts.append(f"{path} failed: {error}")
            else:
                parts.append(f"{path} {describe_result(result)}".rstrip())
        if self.omitted:
            parts.append(f"... {self.omitted} more steps")
        verb = "ran" if self.steps else "did not act"
        text = f"rule {self.rule_id} ({self.where()}) {verb}: " + "; ".join(parts)
        if self.outcome not in (Outcome.FINISHED, Outcome.CONDITION_FAILED, Outcome.RUNNING):
            text += f"; {self.outcome.value}"
            if self.reason:
                text += f": {self.reason}"
        elif self.outcome is Outcome.RUNNING:
            text += "; still running"
        return text

    def __str__(self) -> str:
        return self.summary()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (for the HTTP API and `kozani-hub test`)."""
        return {
            "rule_id": self.rule_id,
            "file": self.file,
            "line": self.line,
            "context_id": self.context_id,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "error": self.error,
            "error_path": self.error_path,
            "trigger": to_jsonable(self.trigger),
            "conditions": [
                {"path": p, "kind": k, "line": self.lines.get(p), "result": r, "why": w}
                for p, k, r, w in self.conditions
            ],
            "steps": [
                {
                    "path": p,
                    "line": self.lines.get(p),
                    "at": at.isoformat(),
                    "result": to_jsonable(result),
                    "error": error,
                }
                for p, at, result, error in self.steps
            ],
            "variables": to_jsonable(
                {k: v for k, v in (self.variables or {}).items() if k != "this"}
            ),
            "summary": self.summary(),
        }


def describe_trigger(trigger: Mapping[str, Any] | None) -> str:
    """'state light.x off→on', 'time 07:00', 'event sos_pressed', 'service call'..."""
    if not trigger:
        return "none"
    description = trigger.get("description")
    if isinstance(description, str) and description:
        return description
    return str(trigger.get("platform", "?"))


def describe_result(result: Any) -> str:
    """A step's result in a few words: 'light.turn_on light.x brightness_pct=50'."""
    if result is None:
        return ""
    if isinstance(result, str):
        return result
    if isinstance(result, Mapping) and "action" in result:
        target = result.get("target") or {}
        ids = target.get("entity_id") if isinstance(target, Mapping) else target
        parts = [str(result["action"])]
        if ids:
            parts.append(", ".join(ids) if isinstance(ids, list | tuple) else str(ids))
        data = result.get("data") or {}
        parts.extend(f"{k}={_short(v)}" for k, v in data.items())
        return " ".join(parts)
    if isinstance(result, Mapping):
        return ", ".join(f"{k}={_short(v)}" for k, v in result.items())
    return _short(result)


def _short(value: Any) -> str:
    text = json.dumps(to_jsonable(value), ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def to_jsonable(value: Any, depth: int = 0) -> Any:
    """A JSON-able copy of a value from a run (states, times and events included)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if depth > 12:
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, State):
        return value.as_dict()
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return to_jsonable(as_dict(), depth + 1)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v, depth + 1) for v in value]
    return str(value)


class TraceStore:
    """The last `per_rule` traces of each rule, within `max_bytes` for all rules together.

    A trace is stored when its run starts (so running runs can be read) and counted against
    `max_bytes` when it ends; listeners hear of it when it ends.

    The global age order, needed to drop the oldest trace when memory runs short, is kept as
    a queue of rule ids, not of traces: a trace dropped from its rule's list is freed at once
    instead of lingering in the queue, and the garbage collector is not made to walk it.
    """

    def __init__(self, per_rule: int = 10, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.per_rule = max(0, per_rule)
        self.max_bytes = max_bytes
        self._by_rule: dict[str, list[Trace]] = {}  # lists: ten thousand deques weigh 6 MB
        self._order: deque[str] = deque()  # the rule id of each trace added, oldest first
        self._stale: dict[str, int] = {}  # per rule: how many of its oldest ids were dropped
        self._stale_total = 0
        self.bytes = 0
        self._listeners: list[Callable[[Trace], None]] = []

    def add(self, trace: Trace, limit: int | None = None) -> None:
        """Keep `trace`; drop the rule's oldest beyond `limit` (default `per_rule`)."""
        keep = self.per_rule if limit is None else limit
        if keep <= 0:
            return
        rule_id = trace.rule_id
        traces = self._by_rule.get(rule_id)
        if traces is None:
            self._by_rule[rule_id] = [trace]
        else:
            while len(traces) >= keep:
                self._drop(rule_id, traces.pop(0))
            traces.append(trace)
        self._order.append(rule_id)
        if self._stale_total > len(self._order) // 2 + 64:
            self._compact()

    def ended(self, trace: Trace) -> None:
        """Count what the finished run recorded, and tell the listeners."""
        held = self._by_rule.get(trace.source.id)
        if held and (held[-1] is trace or trace in held):
            size = trace.size = trace.estimate()
            self.bytes += size
            if self.bytes > self.max_bytes:
                self._bound()
        for listener in self._listeners:
            listener(trace)

    def _bound(self) -> None:
        """Drop the oldest traces of all rules until the total is within `max_bytes`."""
        order, stale = self._order, self._stale
        while self.bytes > self.max_bytes and order:
            rule_id = order.popleft()
            if stale.get(rule_id):  # this rule's oldest entry was already dropped
                stale[rule_id] -= 1
                self._stale_total -= 1
                continue
            held = self._by_rule.get(rule_id)
            if held:
                oldest = held.pop(0)
                self.bytes -= oldest.size
                oldest.size = 0

    def _compact(self) -> None:
        """Rebuild the age order without the ids of dropped traces.

        A rule's traces are always dropped oldest first, so its stale entries are its first
        ones in the order: skipping that many of each rule leaves the kept traces, in order.
        """
        stale = self._stale
        order: deque[str] = deque()
        for rule_id in self._order:
            count = stale.get(rule_id)
            if count:
                stale[rule_id] = count - 1
            else:
                order.append(rule_id)
        self._order = order
        self._stale = {}
        self._stale_total = 0

    def _drop(self, rule_id: str, trace: Trace) -> None:
        self.bytes -= trace.size
        trace.size = 0
        self._stale[rule_id] = self._stale.get(rule_id, 0) + 1
        self._stale_total += 1

    def listen(self, listener: Callable[[Trace], None]) -> Callable[[], None]:
        """Call `listener` with every trace when its run ends."""
        self._listeners = [*self._listeners, listener]

        def remove() -> None:
            self._listeners = [x for x in self._listeners if x is not listener]

        return remove

    def of(self, rule_id: str) -> list[Trace]:
        """The kept traces of one rule, oldest first."""
        return list(self._by_rule.get(rule_id, ()))

    def forget(self, rule_id: str) -> None:
        """Drop the traces of a rule that no longer exists."""
        traces = self._by_rule.pop(rule_id, None)
        for trace in traces or ():
            self._drop(rule_id, trace)

    def __iter__(self) -> Iterator[Trace]:
        """Every kept trace, oldest first."""
        traces = [t for ts in self._by_rule.values() for t in ts]
        traces.sort(key=lambda t: t.started)
        return iter(traces)

    def __len__(self) -> int:
        return sum(len(t) for t in self._by_rule.values())
