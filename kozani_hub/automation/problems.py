"""Load-time problems in rule files, worded for the technician who reads them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from kozani_hub.config.marked import NO_MARK, Mark, MarkedDict, MarkedList, own_mark


class Invalid(Exception):
    """Problems in one item of a rule, each at a file and line."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.problems: list[tuple[Mark, str]] = [(mark, message)]

    @classmethod
    def many(cls, problems: list[tuple[Mark, str]]) -> Invalid:
        """One exception carrying several problems."""
        error = cls(*problems[0])
        error.problems = list(problems)
        return error


def suggest(word: str, known: Iterable[str]) -> str:
    """'; did you mean X?' when `word` looks like a misspelling of a known word, else ''."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def unknown_kind(what: str, found: Any, known: Iterable[str]) -> str:
    """"unknown trigger type 'stat' (did you mean 'state'?); the trigger types are ..."."""
    names = list(known)
    close = difflib.get_close_matches(str(found), names, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {what} {show(found)}{hint}; the {what}s are {one_of(names)}"


def one_of(known: Iterable[str]) -> str:
    """'a, b or c'."""
    names = sorted(known)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def mark_of(data: Any, key: Any = None, fallback: Mark | None = None) -> Mark:
    """Where `data[key]` (or `data` itself) was written, as precisely as known."""
    if isinstance(data, MarkedDict | MarkedList):
        mark = data.mark(key)
    else:
        mark = own_mark(data) or NO_MARK
    if mark[1] is None and fallback is not None:
        return fallback
    return mark


def value_mark(data: Any, key: Any, fallback: Mark) -> Mark:
    """Where the value under `key` was written: its own mark, else its key's, else fallback."""
    value = data.get(key) if isinstance(data, dict) else None
    own = own_mark(value)
    if own is not None and own[1] is not None:
        return own
    if isinstance(data, MarkedDict) and key in data.lines:
        return data.mark(key)
    return fallback


def show(value: Any) -> str:
    """A value as a person reads it in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
