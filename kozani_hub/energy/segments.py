"""A load's history cut into segments: how long each state lasted and which rule's run set it.

A segment begins where the load's state (on/off, a light's brightness, a setpoint's value)
changes and lasts until the next change; attribute-only updates (a lamp reporting its power)
do not cut it. It belongs to the rule whose run made the change (the state's context), or to
the rule whose run caused that change in turn (the context's parent), if that rule declares
the load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kozani_hub.core.states import State

Interval = tuple[datetime, datetime]
FULL_BRIGHTNESS = 255.0
_SETPOINTS = ("number", "input_number")
_OFF_LIKE = ("off", "closed")


class Kind(StrEnum):
    """What a state means for the load's draw."""

    ON = "on"  # at `level` of its rated power (a dimmed light below 1)
    OFF = "off"
    LOWERED = "lowered"  # a setpoint set lower than it was
    RAISED = "raised"  # a setpoint set higher than (or as high as) it was


@dataclass(frozen=True, slots=True)
class Segment:
    entity_id: str
    start: datetime
    end: datetime
    kind: Kind
    level: float  # the share of rated power drawn: 0 off or lowered, 0..1 on
    rule_id: str | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _key(state: State) -> tuple[Any, ...]:
    """What must change for a new segment to begin."""
    if state.entity_id.startswith("light."):
        return (state.state, state.attributes.get("brightness"))
    return (state.state,)


def _kind(state: State, previous: float | None) -> tuple[Kind, float] | None:
    domain = state.entity_id.partition(".")[0]
    if domain in _SETPOINTS:
        value = _number(state.state)
        if value is None:
            return None
        lowered = previous is not None and value < previous
        return (Kind.LOWERED, 0.0) if lowered else (Kind.RAISED, 0.0)
    if state.state in _OFF_LIKE:
        return Kind.OFF, 0.0
    if state.state != "on":
        return None  # unavailable, unknown: nothing to say about its draw
    brightness = _number(state.attributes.get("brightness")) if domain == "light" else None
    if brightness is None:
        return Kind.ON, 1.0
    return Kind.ON, max(0.0, min(1.0, brightness / FULL_BRIGHTNESS))


Attribute = Callable[[State], "str | None"]


def segments(states: Sequence[State], start: datetime, end: datetime,
             attribute: Attribute) -> list[Segment]:
    """The segments of one load within [start, end), from its states (the first in force at
    start), each credited by `attribute` (a rule id, or None)."""
    out: list[Segment] = []
    previous_value: float | None = None
    current: tuple[datetime, Kind, float, str | None] | None = None
    last_key: tuple[Any, ...] | None = None
    for state in states:
        key = _key(state)
        if key == last_key:
            continue  # an attribute-only update: the segment goes on
        last_key = key
        when = max(state.last_updated or start, start)
        if current is not None and when > current[0]:
            out.append(Segment(state.entity_id, current[0], when, *current[1:]))
        found = _kind(state, previous_value)
        current = None if found is None else (when, found[0], found[1], attribute(state))
        previous_value = _number(state.state)
    if current is not None and end > current[0]:
        out.append(Segment(states[-1].entity_id, current[0], end, *current[1:]))
    return out


def on_intervals(states: Sequence[State], start: datetime, end: datetime) -> list[Interval]:
    """When an on/off entity (a schedule) was on within [start, end)."""
    out: list[Interval] = []
    since: datetime | None = None
    for state in states:
        when = max(state.last_updated or start, start)
        if state.state == "on" and since is None:
            since = when
        elif state.state != "on" and since is not None:
            if when > since:
                out.append((since, when))
            since = None
    if since is not None and end > since:
        out.append((since, end))
    return out


def overlap(start: datetime, end: datetime, intervals: Iterable[Interval]) -> float:
    """Hours of [start, end) inside the intervals."""
    seconds = 0.0
    for low, high in intervals:
        left, right = max(start, low), min(end, high)
        if right > left:
            seconds += (right - left).total_seconds()
    return seconds / 3600


def union_hours(intervals: Iterable[Interval]) -> float:
    """Hours covered by at least one interval."""
    total = timedelta(0)
    reach: datetime | None = None
    for low, high in sorted(intervals):
        if reach is None or low > reach:
            total += high - low
            reach = high
        elif high > reach:
            total += high - reach
            reach = high
    return total.total_seconds() / 3600
