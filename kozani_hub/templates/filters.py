"""Jinja's built-in filters, each either proven harmless or guarded.

Every filter that can return text runs under `guarded_filter`: the deadline is checked, a
list or dict it turns into text is measured first, and the text it returns is capped and
charged to the render's budget. Filters whose arguments set a size (`center(10**9)`,
`batch(10**9, 'x')`, `replace` on a huge count, `indent` by a huge string) are replaced by
versions that check the size before building anything.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any, cast

from jinja2 import Environment, pass_context, pass_environment
from jinja2.filters import (
    do_batch,
    do_indent,
    do_wordwrap,
    make_attrgetter,
    sync_do_map,
    sync_do_slice,
)
from jinja2.runtime import Context
from jinja2.utils import _PassArg
from markupsafe import Markup

from .errors import TemplateError
from .guard import Guard
from .strings import format_filter

# Filters that return their input, a number or a bool: no text to measure.
UNGUARDED_FILTERS = frozenset(
    {
        "abs",
        "attr",
        "count",
        "d",
        "default",
        "dictsort",
        "first",
        "float",
        "groupby",
        "int",
        "items",
        "last",
        "length",
        "map",
        "max",
        "min",
        "random",
        "reject",
        "rejectattr",
        "round",
        "select",
        "selectattr",
        "sort",
        "unique",
    }
)

# Filters that turn their input into text: a list or dict is measured before it is converted.
TEXT_INPUT_FILTERS = frozenset(
    {
        "capitalize",
        "e",
        "escape",
        "forceescape",
        "lower",
        "pprint",
        "safe",
        "string",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "wordcount",
        "xmlattr",
    }
)

REMOVED_FILTERS = ("urlize",)  # its target/rel/extra_schemes attributes multiply per link


def guarded_filter(guard: Guard, name: str, func: Callable[..., Any], *, text_input: bool) -> Any:
    """`func` run under the guard: deadline, input measured, text output capped and charged."""
    offset = 1 if _PassArg.from_obj(func) is not None else 0
    what = f"the '{name}' filter"

    @wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        guard.check()
        if text_input and len(args) > offset and not isinstance(args[offset], str):
            guard.measure(args[offset], what)
        result = func(*args, **kwargs)
        if isinstance(result, str):
            guard.check_length(len(result), what)
            guard.charge(len(result))
        return result

    return guarded


def sized_text_filters(guard: Guard) -> dict[str, Callable[..., Any]]:
    """Replacements for the built-in text filters whose arguments set the size of their result."""
    limits = guard.limits

    def center(value: Any, width: int = 80) -> str:
        text = guard.text(value, "the 'center' filter")
        guard.check_length(max(width, len(text)), f"center({width})")
        return text.center(width)

    def indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        text = guard.text(value, "the 'indent' filter")
        pad = len(width) if isinstance(width, str) else int(width)
        lines = len(text.splitlines()) + 1
        guard.check_length(len(text) + lines * max(pad, 0), "the 'indent' filter")
        return do_indent(text, width, first, blank)

    def replace(value: Any, old: str, new: str, count: int | None = None) -> str:
        text = guard.text(value, "the 'replace' filter")
        old, new = str(old), str(new)
        found = text.count(old) if count is None else min(text.count(old), max(count, 0))
        guard.check_length(len(text) + found * (len(new) - len(old)), "the 'replace' filter")
        return text.replace(old, new, -1 if count is None else count)

    @pass_environment
    def wordwrap(  # noqa: PLR0917 - the signature of Jinja's filter
        env: Environment,
        value: Any,
        width: int = 79,
        break_long_words: bool = True,
        wrapstring: str | None = None,
        break_on_hyphens: bool = True,
    ) -> str:
        text = guard.text(value, "the 'wordwrap' filter")
        wrap = env.newline_sequence if wrapstring is None else str(wrapstring)
        breaks = min(len(text), len(text) // max(width, 1) + sum(map(str.isspace, text)) + 1)
        guard.check_length(len(text) + breaks * len(wrap), "the 'wordwrap' filter")
        return do_wordwrap(env, text, width, break_long_words, wrap, break_on_hyphens)

    @pass_environment
    def join(env: Environment, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        items: Iterable[Any] = value
        if attribute is not None:
            items = map(make_attrgetter(env, attribute), items)
        separator = guard.text(d, "the 'join' filter")
        parts: list[str] = []
        length = 0
        for index, item in enumerate(items):
            if index & 1023 == 0:
                guard.check()
            part = guard.text(item, "the 'join' filter")
            length += len(part) + len(separator)
            if length > limits.max_output:
                guard.check_length(length, "the 'join' filter")
            parts.append(part)
        return separator.join(parts)

    return {
        "center": center,
        "format": format_filter(guard),
        "indent": indent,
        "join": join,
        "replace": replace,
        "wordwrap": wordwrap,
    }


def sized_collection_filters(guard: Guard) -> dict[str, Callable[..., Any]]:
    """Replacements for the built-in filters that build lists whose size their arguments set."""
    limits = guard.limits

    def batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Any:
        guard.check_items(linecount, f"batch({linecount})")
        if fill_with is not None:
            guard.charge_weight(fill_with, max(linecount, 0))
        return do_batch(value, linecount, fill_with)

    def slice_(value: Iterable[Any], slices: int, fill_with: Any = None) -> Any:
        guard.check_items(slices, f"slice({slices})")
        if fill_with is not None:
            guard.charge_weight(fill_with, max(slices, 0))
        return sync_do_slice(list(value), slices, fill_with)

    @pass_context
    def map_(context: Context, value: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        items = sync_do_map(context, value, *args, **kwargs)
        if "default" not in kwargs:
            return items
        default = kwargs["default"]
        return _charged_defaults(guard, items, default)

    @pass_environment
    def sum_(
        env: Environment, iterable: Iterable[Any], attribute: Any = None, start: Any = 0
    ) -> Any:
        items: Iterable[Any] = iterable
        if attribute is not None:
            items = map(make_attrgetter(env, attribute), items)
        if not isinstance(start, list | tuple):
            return sum(items, start)
        total = list(start)
        for item in items:
            guard.check()
            if not isinstance(item, type(start)):
                raise TypeError(
                    f"can only concatenate {type(start).__name__} (not {type(item).__name__!r})"
                )
            guard.check_items(len(total) + len(item), "the 'sum' filter")
            total.extend(item)
        guard.charge(len(total))
        return type(start)(total)

    def list_(value: Iterable[Any]) -> list[Any]:
        items = list(itertools.islice(value, limits.max_items + 1))
        guard.check_items(len(items), "the 'list' filter")
        guard.charge(len(items))
        return items

    def tojson(value: Any, indent: int | None = None) -> Markup:
        text = dump_json(guard, value, indent=indent, sort_keys=True, compact=False)
        return Markup(
            text.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("'", "\\u0027")
        )

    return {
        "batch": batch,
        "list": list_,
        "map": map_,
        "slice": slice_,
        "sum": sum_,
        "tojson": tojson,
    }


def _charged_defaults(guard: Guard, items: Iterable[Any], default: Any) -> Iterator[Any]:
    """`map(attribute=..., default=x)`: each use of the default is charged like a copy."""
    for item in items:
        if item is default:
            guard.charge_weight(default)
        yield item


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    as_dict = getattr(type(value), "as_dict", None)
    if callable(as_dict):
        return as_dict(value)
    raise TypeError(f"a {type(value).__name__} cannot be written as JSON")


def dump_json(
    guard: Guard,
    value: Any,
    *,
    indent: int | None = None,
    sort_keys: bool = False,
    compact: bool = True,
    ensure_ascii: bool = False,
) -> str:
    """JSON text of `value`, written piece by piece and stopped as soon as it is too long."""
    encoder = json.JSONEncoder(
        ensure_ascii=ensure_ascii,
        indent=indent,
        sort_keys=sort_keys,
        separators=(",", ":") if compact and indent is None else None,
        default=_json_default,
    )
    limit = guard.limits.max_output
    parts: list[str] = []
    length = 0
    for index, chunk in enumerate(encoder.iterencode(value)):
        if index & 1023 == 0:
            guard.check()
        length += len(chunk)
        if length > limit:
            raise TemplateError(f"the JSON text would be longer than {limit:,} characters")
        parts.append(chunk)
    return "".join(parts)


def install_filters(env: Environment, guard: Guard) -> None:
    """Guard Jinja's built-in filters in place."""
    for name in REMOVED_FILTERS:
        env.filters.pop(name, None)
    env.filters.update(sized_text_filters(guard))
    env.filters.update(sized_collection_filters(guard))
    for name, func in list(env.filters.items()):
        if name not in UNGUARDED_FILTERS:
            env.filters[name] = guarded_filter(
                guard, name, func, text_input=name in TEXT_INPUT_FILTERS
            )
    for name in ("lower", "upper"):
        test = cast(Callable[..., Any], env.tests[name])
        env.tests[name] = guarded_filter(guard, name, test, text_input=True)
