"""Subset matching of what a scenario expects against what happened.

Everything listed must match; anything not listed is ignored. Numbers compare by value
(`50` matches `50.0`), strings only match strings, and an `entity_id` given as one string
matches that id inside a list (services receive their targets as lists).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ENTITY_KEYS = frozenset({"entity_id", "entity_ids"})


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One place where the expectation and what happened differ."""

    path: str
    expected: Any
    actual: Any
    reason: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        if self.reason:
            return f"{where}{self.reason}"
        return f"{where}expected {describe(self.expected)}, got {describe(self.actual)}"


class _Missing:
    """The value of a key that is not there."""

    def __repr__(self) -> str:
        return "nothing"


MISSING: Any = _Missing()


def describe(value: Any) -> str:
    """A short, typed description of a value, so '50' and 50 read differently."""
    if value is MISSING:
        return "nothing (the key is absent)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "null"
    if isinstance(value, datetime):
        return f"the time {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a mapping " + _brief(dict(value))
    if isinstance(value, list | tuple):
        return "a list " + _brief(list(value))
    return repr(value)


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def match(expected: Any, actual: Any, path: str = "") -> list[Mismatch]:
    """Return every mismatch between `expected` (a subset) and `actual`; empty when it matches."""
    if isinstance(expected, Mapping):
        return _match_mapping(expected, actual, path)
    if isinstance(expected, list | tuple):
        return _match_list(expected, actual, path)
    return [] if scalar_equal(expected, actual) else [Mismatch(path, expected, actual)]


def matches(expected: Any, actual: Any) -> bool:
    return not match(expected, actual)


def first_match(expected: Any, items: Sequence[Any], start: int = 0) -> int | None:
    """The index of the first of `items` from `start` on that `expected` matches, or None."""
    for index in range(start, len(items)):
        if not match(expected, items[index]):
            return index
    return None


def scalar_equal(expected: Any, actual: Any) -> bool:
    """Equality with numbers by value, booleans apart, and ISO strings against datetimes."""
    if is_number(expected) and is_number(actual):
        return float(expected) == float(actual)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(actual, datetime) and isinstance(expected, str | datetime):
        when = _as_datetime(expected)
        return when is not None and when == actual
    if type(expected) is not type(actual) and not (
        isinstance(expected, str) and isinstance(actual, str)
    ):
        return False
    return bool(expected == actual)


def _as_datetime(value: str | datetime) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _match_mapping(expected: Mapping[Any, Any], actual: Any, path: str) -> list[Mismatch]:
    if not isinstance(actual, Mapping):
        return [Mismatch(path, dict(expected), actual)]
    found: list[Mismatch] = []
    for key, want in expected.items():
        sub = f"{path}.{key}" if path else str(key)
        if key not in actual:
            found.append(Mismatch(sub, want, MISSING))
        elif key in ENTITY_KEYS:
            found.extend(_match_entity_ids(want, actual[key], sub))
        else:
            found.extend(match(want, actual[key], sub))
    return found


def _match_list(expected: Sequence[Any], actual: Any, path: str) -> list[Mismatch]:
    if not isinstance(actual, list | tuple):
        return [Mismatch(path, list(expected), actual)]
    if len(expected) != len(actual):
        return [
            Mismatch(
                path,
                list(expected),
                list(actual),
                f"expected {len(expected)} items {_brief(list(expected))}, "
                f"got {len(actual)} items {_brief(list(actual))}",
            )
        ]
    found: list[Mismatch] = []
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        found.extend(match(want, got, f"{path}[{index}]"))
    return found


def _match_entity_ids(expected: Any, actual: Any, path: str) -> list[Mismatch]:
    """Entity ids match as sets: each expected id must be among the actual ones."""
    wanted = _ids(expected)
    got = _ids(actual)
    if wanted is None or got is None:
        return match(expected, actual, path)
    missing = [eid for eid in wanted if eid not in got]
    if not missing:
        return []
    return [
        Mismatch(
            path,
            expected,
            actual,
            f"expected {', '.join(missing)} among the targets, got "
            f"{', '.join(got) if got else 'no entity'}",
        )
    ]


def _ids(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None
