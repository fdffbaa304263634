"""Plain Python data that remembers the file and line it was read from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

Mark: TypeAlias = tuple[str, int | None]
"""Where a value was written: (file, line); the line counts from 1 and is None when unknown."""

NO_MARK: Mark = ("", None)


class MarkedDict(dict[Any, Any]):
    """A mapping read from YAML: knows its own file and line, and the line of each key.

    `lines` maps each key to the line it was written on; `files` names the file of the keys
    that came from another file than the mapping's own (merged includes), and is None when
    there are none, which is nearly always.
    """

    __slots__ = ("file", "files", "line", "lines")

    def __init__(self, file: str = "", line: int | None = None) -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.lines: dict[Any, int | None] = {}
        self.files: dict[Any, str] | None = None

    def mark(self, key: Any = None) -> Mark:
        """Return where `key` was written, or where this mapping starts."""
        if key not in self.lines:
            return (self.file, self.line)
        file = self.file if self.files is None else self.files.get(key, self.file)
        return (file, self.lines[key])

    @property
    def marks(self) -> dict[Any, Mark]:
        """Where each key was written, as (file, line)."""
        return {key: self.mark(key) for key in self.lines}

    def put(self, key: Any, value: Any, mark: Mark) -> None:
        """Set `key` to `value`, remembering where it was written."""
        self[key] = value
        self.lines[key] = mark[1]
        if mark[0] != self.file:
            if self.files is None:
                self.files = {}
            self.files[key] = mark[0]

    def subset(self, keys: Iterable[Any]) -> MarkedDict:
        """Return a mapping with only those of `keys` present here, marks kept."""
        result = MarkedDict(self.file, self.line)
        for key in keys:
            if key in self:
                result.put(key, self[key], self.mark(key))
        return result


class MarkedList(list[Any]):
    """A sequence read from YAML: knows its own file and line, and the line of each item.

    `lines` holds the line of each item; `files` names the file of the items that came
    from another file than the sequence's own, and is None when there are none.
    """

    __slots__ = ("file", "files", "line", "lines")

    def __init__(self, file: str = "", line: int | None = None) -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.lines: list[int | None] = []
        self.files: dict[int, str] | None = None

    def mark(self, index: int | None = None) -> Mark:
        """Return where item `index` was written, or where this sequence starts."""
        count = len(self.lines)
        if index is None or not -count <= index < count:
            return (self.file, self.line)
        index %= count
        file = self.file if self.files is None else self.files.get(index, self.file)
        return (file, self.lines[index])

    @property
    def marks(self) -> list[Mark]:
        """Where each item was written, as (file, line)."""
        return [self.mark(index) for index in range(len(self.lines))]

    def put(self, value: Any, mark: Mark) -> None:
        """Append `value`, remembering where it was written."""
        if mark[0] != self.file:
            if self.files is None:
                self.files = {}
            self.files[len(self.lines)] = mark[0]
        self.append(value)
        self.lines.append(mark[1])


class SecretText(str):
    """A value from secrets.yaml; error messages name the secret, never show its value."""

    secret_name: str
    file: str
    line: int | None

    def __repr__(self) -> str:
        return f"<secret {self.secret_name}>"


def secret_text(value: str, name: str, mark: Mark) -> SecretText:
    """Return `value` as the secret `name`, asked for at `mark`."""
    text = SecretText(value)
    text.secret_name = name
    text.file, text.line = mark
    return text


@dataclass(frozen=True, slots=True)
class Input:
    """`!input NAME` in a blueprint: a placeholder that the blueprint's user fills in."""

    name: str
    file: str = field(default="", compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"!input {self.name}"


def own_mark(value: Any) -> Mark | None:
    """Return where `value` itself was written, if it remembers."""
    if isinstance(value, MarkedDict | MarkedList | SecretText | Input):
        return (value.file, value.line)
    return None


_NOTHING: Any = object()


def locate(data: Any, loc: Sequence[str | int], target: Any = _NOTHING) -> Mark:
    """Walk a pydantic error location down marked data; return the deepest known file and line.

    Parts of `loc` that name no key or item (the tags pydantic adds for union members, such
    as 'state' or 'function-after[...]') are stepped over. When `target` is given (the
    error's input), the walk that ends on that very object wins.
    """
    return locate_path(data, loc, target)[0]


def locate_path(
    data: Any, loc: Sequence[str | int], target: Any = _NOTHING
) -> tuple[Mark, tuple[str | int, ...]]:
    """Like `locate`, and also return the parts of `loc` that named keys or items in `data`."""
    best_score: tuple[bool, int] = (False, -1)
    best: tuple[Mark, tuple[str | int, ...]] = (own_mark(data) or NO_MARK, ())
    for value, mark, path in _walks(data, tuple(loc), best[0], ()):
        score = (target is not _NOTHING and value is target, len(path))
        if score > best_score:
            best_score, best = score, (mark, path)
    return best


def _walks(
    value: Any, loc: tuple[str | int, ...], mark: Mark, path: tuple[str | int, ...]
) -> Iterator[tuple[Any, Mark, tuple[str | int, ...]]]:
    """Yield (value, mark, parts matched) for every way of following `loc` into `value`."""
    yield value, mark, path
    for index, part in enumerate(loc):
        step = _step(value, part, mark)
        if step is not None:
            child, child_mark = step
            yield from _walks(child, loc[index + 1 :], child_mark, (*path, part))
        if not isinstance(part, str):
            return  # only the names of union members are ever stepped over


def _step(value: Any, part: str | int, mark: Mark) -> tuple[Any, Mark] | None:
    if isinstance(value, dict):
        try:
            child = value[part]
        except (KeyError, TypeError):
            return None
        key_mark = value.mark(part) if isinstance(value, MarkedDict) else None
        return child, _known(key_mark, mark)
    if isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
        item_mark = value.mark(part) if isinstance(value, MarkedList) else None
        return value[part], _known(item_mark, mark)
    return None


def _known(mark: Mark | None, fallback: Mark) -> Mark:
    if mark is None or mark[1] is None:
        return fallback
    return mark
