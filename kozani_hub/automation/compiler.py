"""The helpers every trigger, condition and action uses to turn checked YAML into runtime objects.

One `Compiler` serves a whole load. It validates items against their pydantic schema and words
the errors for people, compiles templates (reporting syntax errors at their line), parses
durations and entity ids, records the line of every step for traces, and shares identical
immutable objects between rules so that a thousand similar rules cost little memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import ValidationError

from kozani_hub.config.marked import Mark
from kozani_hub.core.states import valid_entity_id
from kozani_hub.templates import Template, TemplateEngine, TemplateError, is_template_string

from .durations import parse_duration
from .fields import Model
from .problems import Invalid, mark_of, one_of, show, suggest, value_mark
from .values import Static, Value, Variables, compile_value, plain

M = TypeVar("M", bound=Model)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration known at load, or a template rendered when it is needed."""

    fixed: timedelta | None
    value: Value | None = None

    def resolve(self, variables: Variables) -> timedelta:
        """The duration for this run (ValueError or TemplateError when it cannot be had)."""
        if self.fixed is not None:
            return self.fixed
        assert self.value is not None
        return parse_duration(self.value.render(variables))


class LineTable(Mapping[str, int]):
    """Step path → line, for traces and errors. Rules alike in shape share their tables'
    parts, so ten thousand rules made from one blueprint hold little more than one."""

    __slots__ = ("_base", "_offsets", "_paths")

    def __init__(self, paths: tuple[str, ...], base: int, offsets: tuple[int, ...]) -> None:
        self._paths = paths
        self._base = base
        self._offsets = offsets

    def __getitem__(self, path: str) -> int:
        try:
            return self._base + self._offsets[self._paths.index(path)]
        except ValueError:
            raise KeyError(path) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class Compiler:
    """Validation and compilation helpers, shared by one load of many rules."""

    def __init__(self, templates: TemplateEngine) -> None:
        self.templates = templates
        self.lines: dict[str, int] = {}
        self._shared: dict[Hashable, Any] = {}

    def begin_rule(self) -> None:
        """Start collecting the step lines of a new rule."""
        self.lines = {}

    def at(self, path: str, mark: Mark) -> str:
        """Remember that the item at `path` was written at `mark`; return the interned path."""
        path = sys.intern(path)
        if mark[1] is not None:
            self.lines[path] = mark[1]
        return path

    def line_table(self) -> LineTable:
        """The step lines of the rule being compiled, in a compact, shareable form."""
        items = sorted(self.lines.items())
        if not items:
            return self.share(("lines", (), ()), lambda: LineTable((), 0, ()))
        base = min(line for _, line in items)
        paths = tuple(path for path, _ in items)
        offsets = tuple(line - base for _, line in items)
        return LineTable(
            self.share(("paths", paths), lambda: paths), base,
            self.share(("offsets", offsets), lambda: offsets),
        )

    def shared(self, value: T) -> T:
        """`value`, or an equal one already used by another rule (immutable values only)."""
        try:
            return self.share(("value", type(value), value), lambda: value)
        except TypeError:  # not hashable
            return value

    def share(self, key: Hashable, build: Callable[[], T]) -> T:
        """One object for every equal `key` across the load (for immutable values only)."""
        found = self._shared.get(key)
        if found is None:
            found = build()
            self._shared[key] = found
        return found

    # --- schema -----------------------------------------------------------------------

    def check(self, model: type[M], data: Any, mark: Mark) -> M:
        """Validate `data` against `model`; raise Invalid with one message per wrong key."""
        if not isinstance(data, dict):
            raise Invalid(mark, f"expected a {model.label} as a mapping of keys, got {show(data)}")
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise Invalid.many(explain(model, data, mark, error)) from None

    # --- templates and values ---------------------------------------------------------

    def template(self, source: Any, mark: Mark, what: str = "template") -> Template:
        """Compile a template (a plain string is a template that renders to itself)."""
        text = str(source)
        try:
            return self.templates.compile(text, file=mark[0] or None, line=mark[1])
        except TemplateError as error:
            raise Invalid(
                template_mark(error, mark, text), template_message(error, what, text)
            ) from None

    def value(self, data: Any, mark: Mark, what: str = "value") -> Value:
        """Compile a value that may hold templates at any depth.

        A value without templates is shared with every rule that wrote the same value; a
        mapping is then read-only (MappingProxyType), since many rules hold it.
        """

        def make(text: str, where: Mark) -> Template:
            return self.template(text, where, what)

        compiled = compile_value(data, make, mark)
        if not isinstance(compiled, Static):
            return compiled
        value = compiled.value
        key = ("static", repr(value))
        if isinstance(value, dict):
            return self.share(key, lambda: Static(MappingProxyType(value)))
        return self.share(key, lambda: compiled)

    def duration(self, data: Any, mark: Mark, what: str = "duration") -> Duration:
        """A duration (fixed, or a template rendered later)."""
        if _has_template(data):
            return Duration(None, self.value(data, mark, what))
        try:
            return self.share(("duration", parse_duration(plain(data))), lambda: Duration(
                parse_duration(plain(data))
            ))
        except ValueError as error:
            raise Invalid(mark, f"'{what}': {error}") from None

    def entity_ids(self, data: Any, mark: Mark, what: str = "entity_id") -> tuple[str, ...]:
        """Entity ids from a string (comma separated) or a list; lower-cased as HA does."""
        items: list[Any]
        if isinstance(data, str):
            items = [part.strip() for part in data.split(",") if part.strip()]
        elif isinstance(data, list):
            items = list(data)
        else:
            raise Invalid(mark, f"'{what}' must be an entity id or a list, got {show(data)}")
        result: list[str] = []
        for item in items:
            text = str(item).strip().lower() if isinstance(item, str) else None
            if text is None or not valid_entity_id(text):
                raise Invalid(
                    mark,
                    f"'{what}': {show(item)} is not an entity id; expected 'domain.object_id' "
                    "such as 'light.dimokratias_01'",
                )
            result.append(sys.intern(text))
        if not result:
            raise Invalid(mark, f"'{what}' names no entity")
        ids = tuple(dict.fromkeys(result))
        return self.share(("ids", ids), lambda: ids)

    def text(self, value: Any) -> str:
        """A plain, interned string."""
        return sys.intern(str(value))


def _has_template(data: Any) -> bool:
    if isinstance(data, dict):
        return any(_has_template(v) for v in data.values())
    return isinstance(data, str) and is_template_string(data)


def explain(model: type[Model], data: Mapping[str, Any], mark: Mark, error: ValidationError) -> list[
    tuple[Mark, str]
]:
    """Turn pydantic's errors into one message per key, worded for people."""
    problems: list[tuple[Mark, str]] = []
    seen: set[str] = set()
    label = model.label
    keys = model.keys()
    for err in error.errors():
        loc = err["loc"]
        field = str(loc[0]) if loc else ""
        if field in seen:
            continue
        seen.add(field)
        where = value_mark(data, field, mark_of(data, field, mark)) if field in data else mark
        kind = err["type"]
        if kind == "extra_forbidden":
            hint = suggest(field, keys) or f"; a {label} takes {one_of(keys)}"
            problems.append((mark_of(data, field, mark), f"unknown key '{field}' in {label}{hint}"))
        elif kind == "missing":
            problems.append((mark, f"{label} needs '{field}': {_expected(model, field)}"))
        else:
            got = data.get(field) if field in data else err.get("input")
            problems.append(
                (where, f"'{field}' in {label} must be {_expected(model, field)}, got {show(got)}")
            )
    return problems or [(mark, f"invalid {label}")]


def _expected(model: type[Model], field: str) -> str:
    for name, info in model.model_fields.items():
        if field in (name, info.alias):
            return info.description or "something else"
    return "something else"


def template_mark(error: TemplateError, mark: Mark, text: str) -> Mark:
    """The line of a template error: the template's own line, moved down to the bad line."""
    position = getattr(error, "position", None)
    if mark[1] is None or not position or "\n" not in text.rstrip("\n"):
        return mark
    return (mark[0], mark[1] + int(position[0]))


def template_message(error: TemplateError, what: str, text: str) -> str:
    """'invalid template in X: why', the template, and a caret under the position."""
    message = f"invalid {what}: {error.message}"
    position = getattr(error, "position", None)
    lines = text.splitlines() or [text]
    if position:
        line_no, column = int(position[0]), position[1]
        if 1 <= line_no <= len(lines) and "\n" not in error.message:
            message += f"\n    {lines[line_no - 1].strip()}"
            if column:
                indent = len(lines[line_no - 1]) - len(lines[line_no - 1].lstrip())
                message += f"\n    {' ' * max(0, int(column) - 1 - indent)}^"
    elif len(lines) == 1 and text not in error.message:
        message += f"\n    {text}"
    return message
