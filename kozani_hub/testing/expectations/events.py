"""`events:` — events fired since the previous expect, in the listed order, as subsets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kozani_hub.core.events import Event

from ..matching import first_match, match
from ..model import Where
from ..render import clock_time, flow, to_plain
from .base import Failure, Observation, fail, item_where, key_where, unknown_key

EVENT_KEYS = ("event_type", "data")


@dataclass(frozen=True, slots=True)
class ExpectedEvent:
    where: Where
    pattern: Mapping[str, Any]

    @property
    def event_type(self) -> str:
        return str(self.pattern["event_type"])

    def text(self) -> str:
        data = self.pattern.get("data")
        return f"{self.event_type} {flow(data)}" if data else self.event_type


def parse_event(value: Any, where: Where) -> ExpectedEvent:
    if isinstance(value, str):
        value = {"event_type": value}
    if not isinstance(value, Mapping):
        fail(where, f"an expected event is a mapping with 'event_type', got {value!r}")
    for key in value:
        if key not in EVENT_KEYS:
            fail(
                key_where(value, key, where), unknown_key(str(key), EVENT_KEYS, "an expected event")
            )
    if not isinstance(value.get("event_type"), str):
        fail(where, f"an expected event needs 'event_type', got {value.get('event_type')!r}")
    data = value.get("data")
    if data is not None and not isinstance(data, Mapping):
        fail(where, f"'data' of an expected event is a mapping, got {data!r}")
    return ExpectedEvent(where, dict(value))


def _as_dict(event: Event) -> dict[str, Any]:
    return {"event_type": event.event_type, "data": to_plain(event.data)}


@dataclass(frozen=True, slots=True)
class EventsExpectation:
    where: Where
    expected: tuple[ExpectedEvent, ...]
    key: str = "events"

    @classmethod
    def parse(cls, value: Any, where: Where) -> EventsExpectation:
        if not isinstance(value, list) or not value:
            fail(where, f"'events' is a list of expected events, got {value!r}")
        return cls(
            where,
            tuple(parse_event(item, item_where(value, i, where)) for i, item in enumerate(value)),
        )

    def check(self, seen: Observation) -> Failure | None:
        fired = [_as_dict(e) for e in seen.events]
        position = 0
        for index, want in enumerate(self.expected):
            found = first_match(want.pattern, fired, position)
            if found is None:
                return Failure(
                    summary=f"event {index + 1} of {len(self.expected)} was not fired: {want.text()}",
                    expected="\n".join(f"{n}. {e.text()}" for n, e in enumerate(self.expected, 1)),
                    happened=_describe(seen.events, {e.event_type for e in self.expected}, seen),
                    differences=_closest(want, seen.events),
                )
            position = found + 1
        return None


def _describe(events: Sequence[Event], types: set[str], seen: Observation) -> str:
    relevant = [e for e in events if e.event_type in types]
    lines = [
        f"{n}. {clock_time(e.time_fired, seen.hub.tz)}  {e.event_type} {flow(e.data)}"
        for n, e in enumerate(relevant, 1)
    ]
    if not lines:
        lines.append(f"no {' or '.join(sorted(types))} events")
    others = Counter(e.event_type for e in events if e.event_type not in types)
    if others:
        lines.append("other events: " + ", ".join(f"{t} x{c}" for t, c in sorted(others.items())))
    return "\n".join(lines)


def _closest(want: ExpectedEvent, events: Sequence[Event]) -> tuple[str, ...]:
    best: list[str] | None = None
    for event in events:
        if event.event_type != want.event_type:
            continue
        found = [str(m) for m in match(want.pattern, _as_dict(event))]
        if best is None or len(found) < len(best):
            best = found
    return tuple(f"closest {want.event_type} event: {d}" for d in best or ())


@dataclass(frozen=True, slots=True)
class NoEventsExpectation:
    """`no_events: [...]`: none of the listed events was fired since the previous expect."""

    where: Where
    forbidden: tuple[ExpectedEvent, ...]
    key: str = "no_events"

    @classmethod
    def parse(cls, value: Any, where: Where) -> NoEventsExpectation:
        if not isinstance(value, list) or not value:
            fail(where, f"'no_events' is a list of events that must not be fired, got {value!r}")
        return cls(
            where,
            tuple(parse_event(item, item_where(value, i, where)) for i, item in enumerate(value)),
        )

    def check(self, seen: Observation) -> Failure | None:
        fired = [
            e for e in seen.events if any(not match(f.pattern, _as_dict(e)) for f in self.forbidden)
        ]
        if not fired:
            return None
        return Failure(
            summary=f"{len(fired)} event(s) were fired that the scenario says must not be",
            expected="none of:\n" + "\n".join(f"- {e.text()}" for e in self.forbidden),
            happened=_describe(fired, {e.event_type for e in fired}, seen),
        )
