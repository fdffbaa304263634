"""Run values as plain JSON data and back, so pending work can outlive a restart.

States, instants, durations and events become tagged mappings (`{"__state__": {...}}`);
values that cannot be written as JSON are left out and named, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from kozani_hub.core.context import Context
from kozani_hub.core.events import Event
from kozani_hub.core.states import State

_DROP: Any = object()


def to_plain(value: Any) -> Any:
    """A JSON-able form of `value`; parts that have none are left out."""
    result = _plain(value, 0)
    return None if result is _DROP else result


def _plain(value: Any, depth: int) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if depth > 20:
        return _DROP
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, timedelta):
        return {"__timedelta__": value.total_seconds()}
    if isinstance(value, State):
        return {"__state__": _state_dict(value)}
    if isinstance(value, Event):
        return {
            "__event__": {
                "event_type": value.event_type,
                "data": _plain(dict(value.data), depth + 1),
                "time_fired": value.time_fired.isoformat() if value.time_fired else None,
                "context": value.context.as_dict(),
            }
        }
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            plain = _plain(item, depth + 1)
            if plain is not _DROP and isinstance(key, str):
                out[key] = plain
        return out
    if isinstance(value, list | tuple):
        items = [_plain(v, depth + 1) for v in value]
        return [v for v in items if v is not _DROP]
    return _DROP


def _state_dict(state: State) -> dict[str, Any]:
    return {
        "entity_id": state.entity_id,
        "state": state.state,
        "attributes": _plain(dict(state.attributes), 1),
        "last_changed": state.last_changed.isoformat() if state.last_changed else None,
        "last_updated": state.last_updated.isoformat() if state.last_updated else None,
        "context": state.context.as_dict(),
    }


def unplainable(variables: Mapping[str, Any]) -> list[str]:
    """Names of variables that cannot be saved as JSON."""
    return [k for k, v in variables.items() if _plain(v, 0) is _DROP]


def from_plain(value: Any) -> Any:
    """Undo `to_plain`."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "__datetime__":
            return datetime.fromisoformat(inner)
        if tag == "__timedelta__":
            return timedelta(seconds=inner)
        if tag == "__state__":
            return state_from_dict(inner)
        if tag == "__event__":
            return Event(
                inner["event_type"],
                MappingProxyType(from_plain(inner.get("data") or {})),
                _when(inner.get("time_fired")),
                context_from_dict(inner.get("context")),
            )
    return {k: from_plain(v) for k, v in value.items()}


def state_from_dict(data: Mapping[str, Any]) -> State:
    """A State from its `as_dict()` form."""
    return State(
        data["entity_id"],
        data["state"],
        MappingProxyType(from_plain(data.get("attributes") or {})),
        _when(data.get("last_changed")),
        _when(data.get("last_updated")),
        context_from_dict(data.get("context")),
    )


def context_from_dict(data: Mapping[str, Any] | None) -> Context:
    if not data:
        return Context(origin="restore")
    return Context(
        id=str(data.get("id") or Context().id),
        parent_id=data.get("parent_id"),
        origin=data.get("origin") or "restore",
        user=data.get("user"),
    )


def _when(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None
