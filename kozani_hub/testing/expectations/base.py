"""What every kind of expectation shares: what it sees, how it fails, how it is parsed."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.marked import Mark, MarkedDict, MarkedList, own_mark
from kozani_hub.core.events import Event

from ..model import Where
from ..recording import RecordedCall

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


@dataclass(frozen=True, slots=True)
class Observation:
    """What an expect step looks at: the hub now, and what happened since the previous expect."""

    hub: Hub
    calls: Sequence[RecordedCall]
    events: Sequence[Event]
    since: datetime


@dataclass(frozen=True, slots=True)
class Failure:
    """An expectation that did not hold, told as a person would read it."""

    summary: str
    expected: str
    happened: str
    differences: tuple[str, ...] = ()


class Expectation(Protocol):
    """One entry of an `expect:` step, validated when the scenario is read."""

    @property
    def key(self) -> str:
        """The key it was written under in `expect:`."""

    @property
    def where(self) -> Where:
        """Where it was written."""

    def check(self, seen: Observation) -> Failure | None:
        """Return None when it holds, or what differs."""


ExpectationParser = Callable[[Any, Where], Expectation]
"""Reads the value written under an expectation's key; raises ConfigError with file and line."""


def where_of(value: Any, fallback: Where) -> Where:
    """Where `value` was written, when the loader remembered; else `fallback`."""
    mark = own_mark(value)
    return fallback if mark is None else _where(mark, fallback)


def key_where(mapping: Any, key: Any, fallback: Where) -> Where:
    """Where `key` of a mapping was written."""
    if isinstance(mapping, MarkedDict):
        return _where(mapping.mark(key), fallback)
    return where_of(mapping, fallback)


def item_where(sequence: Any, index: int, fallback: Where) -> Where:
    """Where item `index` of a sequence was written."""
    if isinstance(sequence, MarkedList):
        return _where(sequence.mark(index), fallback)
    return where_of(sequence, fallback)


def _where(mark: Mark, fallback: Where) -> Where:
    if mark[1] is None:
        return fallback
    return Where(mark[0] or fallback.file, mark[1])


def fail(where: Where, message: str) -> NoReturn:
    """Stop reading the scenario with `FILE:LINE: message`."""
    raise ConfigError.single(where.file, where.line, message)


def unknown_key(key: str, known: Sequence[str], what: str) -> str:
    """`unknown key 'stat' in an expected state; did you mean 'state'? (expected one of: ...)`."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' in {what}{hint} (expected one of: {', '.join(known)})"
