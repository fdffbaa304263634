"""JSON for the database.

History (attributes, event data) is written leniently: anything JSON does not know becomes a
string, for a record must never fail. Restore payloads are written strictly and reversibly:
datetimes, durations, States and Contexts come back as what they were, and a value that
cannot be brought back is refused with the path to it, so the caller can report it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from enum import Enum
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from types import MappingProxyType
from typing import Any

from kozani_hub.core.context import Context
from kozani_hub.core.states import State


def _lenient(value: Any) -> Any:
    if isinstance(value, State):
        return value.as_dict()
    if isinstance(value, Context):
        return value.as_dict()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, Enum):
        return value.value
    return str(value)


# Encoders built once: json.dumps with options builds a new one for every call, which costs
# more than the encoding of a small mapping. The C encoder is used directly where there is one.
_LENIENT = json.JSONEncoder(default=_lenient, separators=(",", ":"), ensure_ascii=False)
_STRICT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_C_LENIENT: Callable[[Any, int], Sequence[str]] | None = (
    c_make_encoder(None, _lenient, encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None
    else None
)


def dumps_lenient(value: Any) -> str:
    """Compact JSON; unknown objects become their closest JSON form or their str()."""
    if _C_LENIENT is not None:
        try:
            return "".join(_C_LENIENT(value, 0))
        except (RecursionError, ValueError):  # circular: let the checking encoder say so
            pass
    try:
        return _LENIENT.encode(value)
    except ValueError as err:
        return json.dumps(f"<not recordable: {err}>")


class NotSerialisable(TypeError):
    """A restore payload holds a value that cannot be written and read back."""

    def __init__(self, path: str, value: object) -> None:
        self.path = path
        super().__init__(
            f"{path or 'value'} holds a {type(value).__name__}, which cannot be saved for a "
            "restart (expected text, numbers, booleans, lists, mappings, datetimes, durations "
            "or states)"
        )


_TAG = "__kz__"


def _encode(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotSerialisable(f"{path}[{key!r}] (key)", key)
            out[key] = _encode(item, f"{path}.{key}" if path else key)
        if _TAG in out:
            raise NotSerialisable(f"{path}.{_TAG}", value)
        return out
    if isinstance(value, list | tuple):
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {_TAG: "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {_TAG: "timedelta", "v": value.total_seconds()}
    if isinstance(value, Context):
        return {_TAG: "context", "v": value.as_dict()}
    if isinstance(value, State):
        return {_TAG: "state", "v": _encode(value.as_dict(), path)}
    raise NotSerialisable(path, value)


def dumps_strict(value: Mapping[str, Any]) -> str:
    """JSON that `loads_strict` turns back into equal values; raises NotSerialisable."""
    return _STRICT.encode(_encode(value, ""))


def _context(data: Mapping[str, Any]) -> Context:
    return Context(
        id=data["id"], parent_id=data.get("parent_id"), origin=data["origin"], user=data.get("user")
    )


def state_from_dict(data: Mapping[str, Any]) -> State:
    """A State from `State.as_dict()` output."""
    changed, updated = data.get("last_changed"), data.get("last_updated")
    return State(
        data["entity_id"],
        data["state"],
        MappingProxyType(dict(data.get("attributes") or {})),
        datetime.fromisoformat(changed) if changed else None,
        datetime.fromisoformat(updated) if updated else None,
        _context(data["context"]) if data.get("context") else Context(),
    )


def _decode_tagged(tag: str, raw: Any) -> Any:
    if tag == "datetime":
        return datetime.fromisoformat(raw)
    if tag == "date":
        return date.fromisoformat(raw)
    if tag == "time":
        return time.fromisoformat(raw)
    if tag == "timedelta":
        return timedelta(seconds=raw)
    if tag == "context":
        return _context(raw)
    if tag == "state":
        return state_from_dict(raw)
    raise ValueError(f"unknown saved type {tag!r}")


def _hook(obj: dict[str, Any]) -> Any:
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    return _decode_tagged(tag, obj["v"])


def loads_strict(text: str) -> Any:
    """The value `dumps_strict` wrote."""
    return json.loads(text, object_hook=_hook)
