"""How much one template may do, and the bookkeeping of the render in progress."""

from __future__ import annotations

import math
from collections.abc import ItemsView, Iterable, KeysView, ValuesView
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType, NoneType
from typing import Any

from jinja2.utils import Cycler, Namespace

KIB = 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep a hostile or careless template from stalling or exhausting the hub."""

    render_timeout: float = 1.0
    """Seconds of wall time one render (or one compile) may take."""
    max_output: int = 256 * KIB
    """Characters of rendered text; also the longest string a template may build."""
    max_items: int = 256 * KIB
    """Items in one list or tuple a template builds."""
    max_range: int = 100_000
    """Items `range()` may produce (as in Home Assistant)."""
    max_call_depth: int = 40
    """Nested calls: a macro calling itself stops here."""
    max_int_bits: int = 128
    """Bits of an integer built with `*` or `**` (about 38 decimal digits)."""
    work_budget: int = 16 * 1024 * KIB
    """Characters all the text and lists built during one render may add up to."""
    max_source: int = 256 * KIB
    """Characters of template source."""


class RenderScope:
    """The render in progress: its deadline, what is left of its budget, what it read."""

    __slots__ = ("all_states", "budget", "deadline", "depth", "domains", "entities", "uses_now")

    def __init__(self, deadline: float, budget: int) -> None:
        self.deadline = deadline
        self.budget = budget
        self.depth = 0
        self.entities: set[str] = set()
        self.domains: set[str] = set()
        self.all_states = False
        self.uses_now = False

    @classmethod
    def idle(cls) -> RenderScope:
        """The scope in force between renders: helpers called outside a render are not limited."""
        return cls(math.inf, 1 << 62)


_MAPPING_LIKE = (dict, MappingProxyType, Namespace)
_NUMBERS = frozenset({int, float, bool, NoneType})
_ITERABLES = (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView)
SCALARS = (str, int, float, NoneType, datetime, date, time, timedelta)


def weight(value: Any, limit: int) -> int:
    """Roughly how many characters `str(value)` makes, counted only up to just past `limit`.

    Walks nested lists, dicts and namespaces without recursion and stops as soon as the count
    passes `limit`, so a list that repeats one huge string a million times (or nests itself
    forty times over) costs almost nothing to measure, however much its text would take.
    The same count bounds what comparing or hashing the value may cost.
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 3
        elif isinstance(item, _ITERABLES):
            total += 16 + 2 * len(item)
            if total > limit:
                return total
            total += _flat_weight(item, stack)
        elif isinstance(item, _MAPPING_LIKE):
            mapping = item._Namespace__attrs if isinstance(item, Namespace) else item
            total += 16 + 4 * len(mapping)
            if total > limit:
                return total
            total += _flat_weight(mapping.keys(), stack) + _flat_weight(mapping.values(), stack)
        elif isinstance(item, Cycler):
            stack.append(item.items)
        else:
            total += 8
        if total > limit:
            return total
    return total


def _flat_weight(items: Iterable[Any], stack: list[Any]) -> int:
    """The weight of the text and numbers among `items`; nested containers go on `stack`."""
    total = 0
    for item in items:
        kind = type(item)
        if kind is str:
            total += len(item) + 3
        elif kind in _NUMBERS:
            total += 8
        else:
            stack.append(item)
    return total
