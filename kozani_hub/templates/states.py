"""The `states` object and the state helpers, each recording what the render read.

`states('sensor.x')`, `states.sensor.x`, `is_state(...)` and friends note the entity in the
render's scope; iterating `states.light` notes the domain, iterating `states` notes that the
render depends on every state. A template trigger then listens only to what its last render
read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.context import Context
from ..core.states import STATE_UNAVAILABLE, STATE_UNKNOWN, State, valid_entity_id
from .errors import TemplateError
from .guard import Guard, describe

if TYPE_CHECKING:
    from ..core.states import StateMachine

_VALID_DOMAIN = re.compile(r"^(?!.+__)(?!_)[\da-z_]+(?<!_)$")
# Names Jinja and the sandbox probe on callables; never domains.
_RESERVED = frozenset(
    {"jinja_pass_arg", "unsafe_callable", "alters_data", "contextfunction", "environmentfunction"}
)
_FIELDS = frozenset(
    {
        "state",
        "attributes",
        "entity_id",
        "domain",
        "object_id",
        "name",
        "last_changed",
        "last_updated",
        "context",
        "state_with_unit",
    }
)
_SENTINEL: Any = object()


class TemplateState:
    """A state as templates see it: `.state`, `.attributes`, `.name`, `['state']`, ..."""

    __slots__ = ("_state",)

    def __init__(self, state: State) -> None:
        self._state = state

    @property
    def state(self) -> str:
        return self._state.state

    @property
    def attributes(self) -> Mapping[str, Any]:
        return self._state.attributes

    @property
    def entity_id(self) -> str:
        return self._state.entity_id

    @property
    def domain(self) -> str:
        return self._state.domain

    @property
    def object_id(self) -> str:
        return self._state.object_id

    @property
    def name(self) -> str:
        return self._state.name

    @property
    def last_changed(self) -> datetime | None:
        return self._state.last_changed

    @property
    def last_updated(self) -> datetime | None:
        return self._state.last_updated

    @property
    def context(self) -> Context:
        return self._state.context

    @property
    def state_with_unit(self) -> str:
        unit = self._state.attributes.get("unit_of_measurement")
        return f"{self._state.state} {unit}" if unit else self._state.state

    def as_dict(self) -> dict[str, Any]:
        return self._state.as_dict()

    def __getitem__(self, key: str) -> Any:
        if key in _FIELDS:
            return getattr(self, key)
        raise KeyError(key)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TemplateState):
            return self._state == other._state
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._state.entity_id)

    def __repr__(self) -> str:
        attrs = "; ".join(f"{key}={value}" for key, value in self._state.attributes.items())
        changed = self._state.last_changed.isoformat() if self._state.last_changed else "-"
        body = f"{self._state.entity_id}={self._state.state}" + (f"; {attrs}" if attrs else "")
        return f"<template TemplateState(<state {body} @ {changed}>)>"


class StateReader:
    """Reads states for templates and records each read in the guard's render scope."""

    def __init__(self, states: StateMachine, guard: Guard) -> None:
        self._states = states
        self._guard = guard

    def get(self, entity_id: Any) -> TemplateState | None:
        if isinstance(entity_id, TemplateState):
            entity_id = entity_id.entity_id
        if not isinstance(entity_id, str):
            raise TemplateError(f"an entity id must be text, not {describe(entity_id)}")
        entity_id = entity_id.lower()
        self._guard.scope.entities.add(entity_id)
        state = self._states.get(entity_id)
        return None if state is None else TemplateState(state)

    def domain(self, domain: str) -> list[TemplateState]:
        self._guard.scope.domains.add(domain)
        return [TemplateState(s) for s in sorted(self._states.all(domain), key=_by_id)]

    def everything(self) -> list[TemplateState]:
        self._guard.scope.all_states = True
        return [TemplateState(s) for s in sorted(self._states.all(), key=_by_id)]

    def count(self, domain: str | None = None) -> int:
        if domain is None:
            self._guard.scope.all_states = True
        else:
            self._guard.scope.domains.add(domain)
        return len(self._states.entity_ids(domain))


def _by_id(state: State) -> str:
    return state.entity_id


class DomainStates:
    """`states.light`: its entities by attribute (`states.light.x`), or iterated in order."""

    __slots__ = ("_domain", "_reader")

    def __init__(self, reader: StateReader, domain: str) -> None:
        self._reader = reader
        self._domain = domain

    def __getattr__(self, name: str) -> TemplateState | None:
        if name.startswith("_") or name in _RESERVED:
            raise AttributeError(name)
        entity_id = f"{self._domain}.{name}"
        if not valid_entity_id(entity_id):
            raise TemplateError(f"invalid entity id '{entity_id}'")
        return self._reader.get(entity_id)

    def __iter__(self) -> Iterator[TemplateState]:
        return iter(self._reader.domain(self._domain))

    def __len__(self) -> int:
        return self._reader.count(self._domain)

    def __repr__(self) -> str:
        return f"<template DomainStates('{self._domain}')>"


class AllStates:
    """`states`: callable as `states('sensor.x')`, a domain by attribute, or iterated."""

    __slots__ = ("_reader",)

    def __init__(self, reader: StateReader) -> None:
        self._reader = reader

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in _RESERVED:
            raise AttributeError(name)
        if "." in name:
            return self._reader.get(name)
        if not _VALID_DOMAIN.match(name):
            raise TemplateError(f"invalid domain name '{name}'")
        return DomainStates(self._reader, name)

    def __call__(self, entity_id: Any, rounded: Any = _SENTINEL, with_unit: bool = False) -> str:
        state = self._reader.get(entity_id)
        if state is None:
            return STATE_UNKNOWN
        if rounded is _SENTINEL:
            rounded = with_unit
        text = state.state
        if rounded:
            text = _rounded(text, state.attributes)
        if with_unit and (unit := state.attributes.get("unit_of_measurement")):
            text = f"{text} {unit}"
        return text

    def __iter__(self) -> Iterator[TemplateState]:
        return iter(self._reader.everything())

    def __len__(self) -> int:
        return self._reader.count()

    def __repr__(self) -> str:
        return "<template AllStates>"


def _rounded(text: str, attributes: Mapping[str, Any]) -> str:
    precision = attributes.get("display_precision", attributes.get("suggested_display_precision"))
    if not isinstance(precision, int):
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{value:.{max(0, min(precision, 15))}f}"


class StateFunctions:
    """`is_state`, `state_attr`, `is_state_attr`, `has_value`, `expand`."""

    def __init__(self, reader: StateReader, guard: Guard) -> None:
        self._reader = reader
        self._guard = guard

    def is_state(self, entity_id: Any, state: Any) -> bool:
        found = self._reader.get(entity_id)
        if found is None:
            return False
        return found.state == state or (isinstance(state, list) and found.state in state)

    def state_attr(self, entity_id: Any, name: Any) -> Any:
        found = self._reader.get(entity_id)
        return None if found is None else found.attributes.get(name)

    def is_state_attr(self, entity_id: Any, name: Any, value: Any) -> bool:
        attr = self.state_attr(entity_id, name)
        return attr is not None and bool(attr == value)

    def has_value(self, entity_id: Any) -> bool:
        found = self._reader.get(entity_id)
        return found is not None and found.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)

    def expand(self, *args: Any) -> list[TemplateState]:
        """The states of the given entities, groups replaced by their members, sorted by id."""
        search: list[Any] = list(args)
        found: dict[str, TemplateState] = {}
        seen: set[str] = set()
        while search:
            self._guard.check()
            item = search.pop()
            if isinstance(item, str):
                state = self._reader.get(item)
            elif isinstance(item, TemplateState):
                state = self._reader.get(item.entity_id)
            elif isinstance(item, list | tuple | set | frozenset):
                search.extend(item)
                continue
            else:
                continue
            if state is None or state.entity_id in seen:
                continue
            seen.add(state.entity_id)
            members = state.attributes.get("entity_id")
            if isinstance(members, list | tuple) and (
                state.domain == "group" or all(isinstance(m, str) for m in members)
            ):
                search.extend(members)
                continue
            found[state.entity_id] = state
        return [found[key] for key in sorted(found)]
