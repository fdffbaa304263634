"""Which keys a schema allows at an error's location, to suggest the one a person meant."""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

_SEQUENCES = (list, tuple, set, frozenset, Sequence)


def allowed_keys(schema: Any, loc: Sequence[str | int]) -> list[str]:
    """Return the keys the model at `loc` within `schema` accepts; empty when unknown."""
    current: Any = schema
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _single(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return model_keys(current)
    return []


def model_keys(model: type[BaseModel]) -> list[str]:
    """Return the keys a model accepts: each field's alias, and its name."""
    keys: list[str] = []
    for name, info in model.model_fields.items():
        for key in (info.alias, info.validation_alias, name):
            if isinstance(key, str) and key not in keys:
                keys.append(key)
    return keys


def _step(annotation: Any, part: str | int) -> Any:
    """Return the type found one step down `annotation` at `part`, or None."""
    annotation = _unwrap(annotation)
    members = _union_members(annotation)
    if members is not None:
        tagged = [member for member in members if _is_tagged(member, part)]
        if len(tagged) == 1:
            return tagged[0]  # the part names the union member, not a key
        single = _single(annotation)
        return None if single is annotation else _step(single, part)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias, info.validation_alias):
                return info.annotation
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(part, int) and origin in _SEQUENCES and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return args[part] if part < len(args) else None
        return args[0]
    if isinstance(part, str) and origin in (dict, Mapping) and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _union_members(annotation: Any) -> list[Any] | None:
    if get_origin(annotation) in (Union, types.UnionType):
        return [_unwrap(member) for member in get_args(annotation)]
    return None


def _single(annotation: Any) -> Any:
    """Return X for `X | None`; anything else unchanged."""
    annotation = _unwrap(annotation)
    members = _union_members(annotation)
    if members is None:
        return annotation
    present = [member for member in members if member is not type(None)]
    return present[0] if len(present) == 1 else annotation


def _is_tagged(member: Any, part: str | int) -> bool:
    """Tell whether pydantic names union `member` by `part` in error locations."""
    if not isinstance(part, str):
        return False
    if getattr(member, "__name__", None) == part:
        return True
    if isinstance(member, type) and issubclass(member, BaseModel):
        return any(
            get_origin(info.annotation) is Literal and part in get_args(info.annotation)
            for info in member.model_fields.values()
        )
    return False
