"""Matching state values as Home Assistant does: a value, a list of values, or anything."""

from __future__ import annotations

from typing import Any

from .problems import Invalid, show
from .values import plain


class AnyValue:
    """Matches every value (the key was given as null)."""

    __slots__ = ()

    def __contains__(self, value: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "any"


ANY = AnyValue()


def state_text(value: Any) -> str:
    """A written state as the state machine stores it: YAML's on/off booleans become 'on'/'off'."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(plain(value))


def matcher(
    value: Any, mark: Any, what: str, *, as_state: bool
) -> frozenset[Any] | tuple[Any, ...] | AnyValue:
    """What a from/to/state key accepts: a set of values, or ANY when null."""
    if value is None:
        return ANY
    items = value if isinstance(value, list) else [value]
    result: list[Any] = []
    for item in items:
        if isinstance(item, dict | list):
            raise Invalid(mark, f"'{what}' must be a state or a list of states, got {show(item)}")
        result.append(state_text(item) if as_state else plain(item))
    try:
        return frozenset(result)
    except TypeError:
        return tuple(result)


def show_matcher(match: frozenset[Any] | tuple[Any, ...] | AnyValue) -> str:
    if isinstance(match, AnyValue):
        return "any"
    items = sorted(match, key=str)
    if len(items) == 1:
        return repr(items[0])
    return "one of " + ", ".join(repr(i) for i in items)
