"""`calls:` (each listed call, in order, others may come between) and `no_calls:`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..matching import Mismatch, first_match, match
from ..model import Where
from ..recording import RecordedCall
from ..render import clock_time, flow
from .base import Failure, Observation, fail, item_where, key_where, unknown_key, where_of

CALL_KEYS = ("action", "service", "target", "data", "entity_id")


@dataclass(frozen=True, slots=True)
class ExpectedCall:
    where: Where
    pattern: Mapping[str, Any]

    @property
    def action(self) -> str:
        return str(self.pattern["action"])

    def text(self) -> str:
        rest = {k: v for k, v in self.pattern.items() if k != "action"}
        return f"{self.action} {flow(rest)}" if rest else self.action


def parse_call(value: Any, where: Where) -> ExpectedCall:
    """One expected call: `action` (or `service`), and optional `target`, `data`, `entity_id`."""
    if isinstance(value, str):
        value = {"action": value}
    if not isinstance(value, Mapping):
        fail(where, f"an expected call is a mapping with 'action', got {value!r}")
    for key in value:
        if key not in CALL_KEYS:
            fail(key_where(value, key, where), unknown_key(str(key), CALL_KEYS, "an expected call"))
    action = value.get("action", value.get("service"))
    if not isinstance(action, str) or "." not in action:
        fail(where, f"an expected call needs 'action: domain.service', got {action!r}")
    pattern: dict[str, Any] = {"action": action}
    target = dict(value.get("target") or {})
    data = dict(value.get("data") or {})
    # Services receive the entity ids as their target, wherever the rule wrote them.
    for source in (value, data):
        if "entity_id" in source:
            target.setdefault("entity_id", source["entity_id"])
    data.pop("entity_id", None)
    if target:
        pattern["target"] = target
    if "data" in value:
        pattern["data"] = data
    return ExpectedCall(where, pattern)


def describe_calls(calls: Sequence[RecordedCall], seen: Observation) -> str:
    if not calls:
        return "no service calls"
    lines = []
    for number, call in enumerate(calls, 1):
        who = "  (the scenario's own call)" if call.by_scenario else ""
        target = f" {', '.join(call.entity_ids)}" if call.entity_ids else ""
        data = f" {flow(call.data)}" if call.data else ""
        when = clock_time(call.when, seen.hub.tz)
        lines.append(f"{number}. {when}  {call.action}{target}{data}{who}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CallsExpectation:
    """Each listed call must appear, in the listed order; other calls may come between."""

    where: Where
    expected: tuple[ExpectedCall, ...]
    key: str = "calls"

    @classmethod
    def parse(cls, value: Any, where: Where) -> CallsExpectation:
        if not isinstance(value, list) or not value:
            fail(where, f"'calls' is a list of expected calls, got {value!r}")
        calls = tuple(
            parse_call(item, item_where(value, index, where)) for index, item in enumerate(value)
        )
        return cls(where, calls)

    def check(self, seen: Observation) -> Failure | None:
        made = [c for c in seen.calls if not c.by_scenario]
        position = 0
        for index, want in enumerate(self.expected):
            found = _first_match(want, made, position)
            if found is None:
                return self._missing(index, want, made, position, seen)
            position = found + 1
        return None

    def _missing(
        self,
        index: int,
        want: ExpectedCall,
        made: Sequence[RecordedCall],
        position: int,
        seen: Observation,
    ) -> Failure:
        ordinal = f"call {index + 1} of {len(self.expected)}"
        earlier = _first_match(want, made, 0)
        if earlier is not None and earlier < position:
            summary = f"{ordinal} ({want.action}, line {want.where.line}) happened, but before the call listed above it"
            differences: tuple[str, ...] = ()
        else:
            summary = f"{ordinal} was not made: {want.text()}"
            differences = _closest(want, made)
        return Failure(
            summary=summary,
            expected="\n".join(f"{n}. {c.text()}" for n, c in enumerate(self.expected, 1)),
            happened=describe_calls(seen.calls, seen),
            differences=differences,
        )


def _first_match(want: ExpectedCall, made: Sequence[RecordedCall], start: int) -> int | None:
    return first_match(want.pattern, [call.as_dict() for call in made], start)


def _closest(want: ExpectedCall, made: Sequence[RecordedCall]) -> tuple[str, ...]:
    """The differences to the most similar call made, when one is close."""
    best: tuple[int, list[Mismatch]] | None = None
    for number, call in enumerate(made, 1):
        if call.action != want.action:
            continue
        found = match(want.pattern, call.as_dict())
        if best is None or len(found) < len(best[1]):
            best = (number, found)
    if best is None:
        return ()
    return tuple(f"closest is call {best[0]}: {m}" for m in best[1])


@dataclass(frozen=True, slots=True)
class NoCallsExpectation:
    """`no_calls: true`: no rule called any service; a list names the calls that must not happen."""

    where: Where
    forbidden: tuple[ExpectedCall, ...] | None
    key: str = "no_calls"

    @classmethod
    def parse(cls, value: Any, where: Where) -> NoCallsExpectation:
        if value is True:
            return cls(where, None)
        if isinstance(value, list) and value:
            calls = tuple(
                parse_call(item, item_where(value, i, where)) for i, item in enumerate(value)
            )
            return cls(where, calls)
        fail(
            where_of(value, where),
            f"'no_calls' is true, or a list of calls that must not happen; got {value!r}",
        )

    def check(self, seen: Observation) -> Failure | None:
        made = [c for c in seen.calls if not c.by_scenario]
        if self.forbidden is None:
            bad = made
            summary = f"expected no service calls, but {len(made)} were made"
        else:
            bad = [
                c for c in made if any(not match(f.pattern, c.as_dict()) for f in self.forbidden)
            ]
            summary = f"{len(bad)} call(s) were made that the scenario says must not happen"
        if not bad:
            return None
        expected = (
            "no service calls"
            if self.forbidden is None
            else "none of:\n" + "\n".join(f"- {c.text()}" for c in self.forbidden)
        )
        return Failure(summary, expected, describe_calls(seen.calls, seen))
