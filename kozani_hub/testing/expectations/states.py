"""`states:` — entities' current states and attributes, as subsets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kozani_hub.core.states import State, state_to_str, valid_entity_id

from ..matching import Mismatch, describe, match, scalar_equal
from ..model import Where
from ..render import flow, local_time
from .base import Failure, Observation, fail, key_where, unknown_key

STATE_KEYS = ("state", "attributes")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ExpectedState:
    entity_id: str
    where: Where
    state: Any = None
    attributes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def differences(self, actual: State | None) -> list[str]:
        if actual is None:
            return [f"{self.entity_id}: no such entity"]
        found: list[Mismatch] = []
        if self.state is not None and not state_matches(self.state, actual.state):
            found.append(Mismatch("state", self.state, actual.state))
        found.extend(match(dict(self.attributes), dict(actual.attributes), "attributes"))
        return [f"{self.entity_id} {m}" for m in found]

    def text(self) -> str:
        parts = [] if self.state is None else [_state_text(self.state)]
        if self.attributes:
            parts.append(flow({"attributes": self.attributes}))
        return f"{self.entity_id}: {' '.join(parts)}"


def _state_text(value: Any) -> str:
    return value if isinstance(value, str) else describe(value)


def state_matches(expected: Any, actual: str) -> bool:
    """A state string matches a number by value (`50` matches '50.0') and a boolean as on/off."""
    if isinstance(expected, bool):
        return actual == state_to_str(expected)
    if isinstance(expected, int | float):
        try:
            return scalar_equal(expected, float(actual))
        except ValueError:
            return False
    return str(expected) == actual


def parse_expected_state(entity_id: Any, value: Any, where: Where) -> ExpectedState:
    if not isinstance(entity_id, str) or not valid_entity_id(entity_id):
        fail(where, f"expected an entity id such as 'light.dimokratias_01', got {entity_id!r}")
    if isinstance(value, Mapping):
        for key in value:
            if key not in STATE_KEYS:
                fail(
                    key_where(value, key, where),
                    unknown_key(str(key), STATE_KEYS, "an expected state"),
                )
        attributes = value.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            fail(where, f"'attributes' of {entity_id} is a mapping, got {attributes!r}")
        state = value.get("state")
        if state is None and not attributes:
            fail(where, f"give {entity_id} a 'state', 'attributes', or both")
        return ExpectedState(entity_id, where, state, MappingProxyType(dict(attributes)))
    if value is None or isinstance(value, list):
        fail(where, f'expected a state for {entity_id} (such as "on" or 21.5), got {value!r}')
    return ExpectedState(entity_id, where, value)


@dataclass(frozen=True, slots=True)
class StatesExpectation:
    """Each listed entity must be in the listed state, with at least the listed attributes."""

    where: Where
    expected: tuple[ExpectedState, ...]
    key: str = "states"

    @classmethod
    def parse(cls, value: Any, where: Where) -> StatesExpectation:
        if not isinstance(value, Mapping) or not value:
            fail(where, f"'states' maps entity ids to their expected states, got {value!r}")
        return cls(
            where,
            tuple(
                parse_expected_state(eid, state, key_where(value, eid, where))
                for eid, state in value.items()
            ),
        )

    def check(self, seen: Observation) -> Failure | None:
        differences: list[str] = []
        wrong: list[ExpectedState] = []
        for want in self.expected:
            found = want.differences(seen.hub.states.get(want.entity_id))
            if found:
                wrong.append(want)
                differences.extend(found)
        if not differences:
            return None
        happened = []
        for want in wrong:
            actual = seen.hub.states.get(want.entity_id)
            if actual is None:
                happened.append(f"{want.entity_id}: (no such entity)")
                continue
            attrs = f" {flow(actual.attributes)}" if actual.attributes else ""
            since = local_time(actual.last_changed, seen.hub.tz)
            happened.append(f"{want.entity_id}: {actual.state}{attrs}  (since {since})")
        names = ", ".join(w.entity_id for w in wrong)
        return Failure(
            summary=f"{len(wrong)} entit{'y is' if len(wrong) == 1 else 'ies are'} not as expected: {names}",
            expected="\n".join(w.text() for w in wrong),
            happened="\n".join(happened),
            differences=tuple(differences),
        )
