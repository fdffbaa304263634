"""Home Assistant's older and shorter ways of writing things, turned into the current form.

Legacy keys (`platform:`, `service:`, `data_template:`, `trigger:` / `condition:` / `action:`
as rule lists) are renamed, and the shorthands (one item instead of a list, a template string
as a condition) are expanded. Marks are kept, so errors still point at the user's lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kozani_hub.config.marked import Mark, MarkedDict, MarkedList

from .problems import Invalid, mark_of


def as_list(data: Any) -> list[Any]:
    """A single item as a list of one; None as an empty list."""
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, MarkedDict):
        wrapped = MarkedList(data.file, data.line)
        wrapped.put(data, (data.file, data.line))
        return wrapped
    return [data]


def item_mark(items: Any, index: int, fallback: Mark) -> Mark:
    """Where item `index` of a list was written."""
    item = items[index]
    if isinstance(item, MarkedDict) and item.line is not None:
        return (item.file, item.line)
    return mark_of(items, index, fallback)


def rename(data: dict[Any, Any], renames: dict[str, str], mark: Mark, what: str) -> dict[Any, Any]:
    """`data` with legacy keys renamed to their current names, marks kept."""
    if renames.keys().isdisjoint(data):
        return data
    for old, new in renames.items():
        if old in data and new in data:
            raise Invalid(
                mark_of(data, old, mark),
                f"a {what} has both '{old}' and '{new}'; '{old}' is the older name of "
                f"'{new}': keep only '{new}'",
            )
    result = MarkedDict(*mark_of(data, None, mark))
    for key, value in data.items():
        result.put(renames.get(key, key), value, mark_of(data, key, mark))
    return result


def with_key(data: dict[Any, Any], key: str, value: Any, mark: Mark) -> MarkedDict:
    """A copy of `data` with `key` set to `value` (and its marks)."""
    result = MarkedDict(*mark_of(data, None, mark))
    for k, v in data.items():
        result.put(k, v, mark_of(data, k, mark))
    result.put(key, value, mark)
    return result


def without(data: Mapping[Any, Any], *keys: str) -> MarkedDict:
    """A copy of `data` without `keys` (marks kept)."""
    mark = mark_of(data)
    result = MarkedDict(*mark)
    for k, v in data.items():
        if k not in keys:
            result.put(k, v, mark_of(data, k, mark))
    return result
