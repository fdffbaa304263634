"""Values written in a rule, compiled once at load: static data, or data with templates in it.

`data:` of a service call, `event_data:`, `variables:` and the like may hold templates at any
depth. They are compiled at load into a small tree that renders quickly, and a value with no
template in it renders to itself without any work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.config.marked import NO_MARK, Mark
from kozani_hub.templates import is_template_string

from .problems import mark_of

if TYPE_CHECKING:
    from kozani_hub.templates import Template

Variables = Mapping[str, Any]


def plain(data: Any) -> Any:
    """`data` with the marked YAML types turned into plain dict, list and str."""
    if isinstance(data, str):
        return sys.intern(str(data)) if len(data) <= 64 else str(data)
    if isinstance(data, dict):
        return {plain(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


class Value:
    """A compiled value; `render(variables)` returns its value for one run."""

    __slots__ = ()
    is_static = True

    def render(self, variables: Variables) -> Any:
        raise NotImplementedError

    def templates(self) -> list[Template]:
        """The templates inside, for checks and dependency tracking."""
        return []


class Static(Value):
    """A value with no template in it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def render(self, variables: Variables) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"Static({self.value!r})"


class TemplateValue(Value):
    """A string holding a template: rendered, and the result parsed as Home Assistant does."""

    __slots__ = ("template",)
    is_static = False

    def __init__(self, template: Template) -> None:
        self.template = template

    def render(self, variables: Variables) -> Any:
        return self.template.render(variables)

    def templates(self) -> list[Template]:
        return [self.template]


class DictValue(Value):
    """A mapping with templates somewhere inside (keys may be templates too)."""

    __slots__ = ("items",)
    is_static = False

    def __init__(self, items: tuple[tuple[Value, Value], ...]) -> None:
        self.items = items

    def render(self, variables: Variables) -> Any:
        return {k.render(variables): v.render(variables) for k, v in self.items}

    def templates(self) -> list[Template]:
        return [t for k, v in self.items for t in (*k.templates(), *v.templates())]


class ListValue(Value):
    """A list with templates somewhere inside."""

    __slots__ = ("values",)
    is_static = False

    def __init__(self, values: tuple[Value, ...]) -> None:
        self.values = values

    def render(self, variables: Variables) -> Any:
        return [v.render(variables) for v in self.values]

    def templates(self) -> list[Template]:
        return [t for v in self.values for t in v.templates()]


TemplateFactory = Callable[[str, Mark], "Template"]


def compile_value(data: Any, make_template: TemplateFactory, mark: Mark = NO_MARK) -> Value:
    """Compile `data`: templates become Template objects, the rest stays as plain data.

    `make_template(text, mark)` compiles one template; `mark` is where it was written, as
    precisely as the data's marks tell.
    """
    if not contains_template(data):
        return Static(plain(data))
    if isinstance(data, str):
        return TemplateValue(make_template(data, mark))
    if isinstance(data, dict):
        return DictValue(
            tuple(
                (compile_value(k, make_template, mark),
                 compile_value(v, make_template, mark_of(data, k, mark)))
                for k, v in data.items()
            )
        )
    if isinstance(data, list):
        return ListValue(tuple(
            compile_value(v, make_template, mark_of(data, i, mark)) for i, v in enumerate(data)
        ))
    return Static(plain(data))


def contains_template(data: Any) -> bool:
    """Whether a template string appears anywhere in `data`."""
    if isinstance(data, str):
        return is_template_string(data)
    if isinstance(data, dict):
        return any(contains_template(k) or contains_template(v) for k, v in data.items())
    if isinstance(data, list):
        return any(contains_template(v) for v in data)
    return False
