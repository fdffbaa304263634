"""String methods and formatting, with the size of every result checked before it is built.

`'a'.center(10**9)`, `'{:999999999}'.format(1)` and `'%999999999d' % 1` each ask for a gigabyte
in one call; here each is refused with a message instead. `str.format` also looks fields up
through the sandbox, so `'{0.__class__}'.format(x)` is refused like `x.__class__`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jinja2.sandbox import SandboxedFormatter
from markupsafe import EscapeFormatter, Markup

from .errors import TemplateError
from .guard import Guard, describe

if TYPE_CHECKING:
    from jinja2 import Environment

# [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?\Z", re.S)
_PAREN_DEPTH = {"(": 1, ")": -1}
_CODECS = frozenset(
    {
        "utf-8",
        "ascii",
        "iso8859-1",
        "iso8859-7",
        "cp1252",
        "cp1253",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
    }
)


def spec_size(spec: str) -> int:
    """The width plus precision a format spec asks for (0 when it names none)."""
    match = _FORMAT_SPEC.match(spec)
    if match is None:
        return 0
    width, precision = match.groups()
    return int(width or 0) + int(precision or 0)


class GuardedFormatter(SandboxedFormatter):
    """`str.format` for templates: fields through the sandbox, widths and length bounded."""

    def __init__(self, env: Environment, guard: Guard, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self._guard = guard
        self._length = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        guard = self._guard
        guard.check_length(spec_size(format_spec), f"the format spec {format_spec!r}")
        guard.measure(value, "str.format()")
        text = super().format_field(value, format_spec)
        self._length += len(text)
        guard.check_length(self._length, "str.format()")
        return text


class GuardedEscapeFormatter(GuardedFormatter, EscapeFormatter):
    """The same for `Markup.format`, which escapes what it inserts."""


def format_method(env: Environment, guard: Guard, text: str, map_only: bool) -> Callable[..., str]:
    """The sandboxed `text.format` (or `text.format_map` when `map_only`)."""
    formatter: GuardedFormatter
    if isinstance(text, Markup):
        formatter = GuardedEscapeFormatter(env, guard, escape=text.escape)
    else:
        formatter = GuardedFormatter(env, guard)
    kind = type(text)

    def format_(*args: Any, **kwargs: Any) -> str:
        if map_only:
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one mapping")
            return kind(formatter.vformat(text, (), args[0]))
        return kind(formatter.vformat(text, args, kwargs))

    return format_


def percent_sizes(template: str) -> Iterator[int]:
    """The width plus precision of each `%[(key)][flags][width][.precision]type` in `template`.

    A plain scan rather than a regular expression: a pattern for the `(key)` part backtracks
    quadratically on a template made of many unclosed `%(`.
    """
    length = len(template)
    start = template.find("%")
    while start != -1:
        pos = start + 1
        if pos < length and template[pos] == "(":
            depth, pos = 1, pos + 1
            while pos < length and depth:
                depth += _PAREN_DEPTH.get(template[pos], 0)
                pos += 1
        while pos < length and template[pos] in "-#0 +":
            pos += 1
        width, pos = _number(template, pos)
        precision = 0
        if pos < length and template[pos] == ".":
            precision, pos = _number(template, pos + 1)
        yield width + precision
        start = template.find("%", pos + 1)


def _number(text: str, pos: int) -> tuple[int, int]:
    """The decimal number at `pos` (0 when there is none) and the position after it."""
    if pos < len(text) and text[pos] == "*":
        raise TemplateError(
            "'*' widths in '%' formatting are not available in templates; "
            "write the width as a number"
        )
    end = pos
    while end < len(text) and text[end].isdigit():
        end += 1
    return (int(text[pos:end]) if end > pos else 0), end


def percent_format(guard: Guard, template: Any, values: Any) -> Any:
    """`template % values`, refused when its widths or values would make too long a string."""
    if isinstance(template, bytes):
        raise TemplateError("'%' formatting of bytes is not available in templates")
    if not isinstance(template, str):
        return template % values
    total = sum(percent_sizes(template))
    guard.check_length(total, f"the format {describe(template)}")
    guard.measure(values, "'%' formatting")
    result = template % values
    guard.check_length(len(result), "'%' formatting")
    guard.charge(len(result))
    return result


# --- the string methods that can grow a string ----------------------------------------------


def _padded(name: str) -> Callable[..., Any]:
    def pad(guard: Guard, text: Any, width: Any, *args: Any) -> Any:
        if isinstance(width, int):
            guard.check_length(width, f"{name}({width})")
        return getattr(text, name)(width, *args)

    return pad


def _replace(guard: Guard, text: Any, old: Any, new: Any, count: Any = -1) -> Any:
    kind = type(text)
    if isinstance(old, kind) and isinstance(new, kind) and isinstance(count, int):
        found = text.count(old)
        if count >= 0:
            found = min(found, count)
        guard.check_length(len(text) + found * (len(new) - len(old)), "replace()")
    return text.replace(old, new, count)


def _expandtabs(guard: Guard, text: Any, tabsize: Any = 8) -> Any:
    if isinstance(tabsize, int):
        tab = "\t" if isinstance(text, str) else b"\t"
        guard.check_length(len(text) + text.count(tab) * max(tabsize, 0), "expandtabs()")
    return text.expandtabs(tabsize)


def _join(guard: Guard, separator: Any, items: Iterable[Any]) -> Any:
    parts: list[Any] = []
    length = 0
    limit = guard.limits.max_output
    for index, item in enumerate(items):
        if index & 1023 == 0:
            guard.check()
        if isinstance(item, str | bytes):
            length += len(item) + len(separator)
            if length > limit:
                guard.check_length(length, "join()")
        parts.append(item)
    return separator.join(parts)


def _translate(guard: Guard, text: Any, table: Any, *args: Any) -> Any:
    if isinstance(text, str):
        if not isinstance(table, Mapping):
            raise TemplateError("str.translate() in templates needs a dict, as str.maketrans makes")
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        guard.check_length(len(text) * longest, "translate()")
    return text.translate(table, *args)


def _codec(encoding: Any) -> None:
    try:
        name = codecs.lookup(str(encoding)).name
    except LookupError:
        raise TemplateError(f"unknown text encoding {describe(encoding)}") from None
    if name not in _CODECS:
        raise TemplateError(
            f"the encoding {describe(encoding)} is not available in templates; "
            f"use one of {', '.join(sorted(_CODECS))}"
        )


def _encode(guard: Guard, text: Any, encoding: Any = "utf-8", *args: Any, **kwargs: Any) -> Any:
    _codec(encoding)
    return text.encode(encoding, *args, **kwargs)


def _decode(guard: Guard, data: Any, encoding: Any = "utf-8", *args: Any, **kwargs: Any) -> Any:
    _codec(encoding)
    return data.decode(encoding, *args, **kwargs)


STRING_METHODS: dict[str, Callable[..., Any]] = {
    "center": _padded("center"),
    "ljust": _padded("ljust"),
    "rjust": _padded("rjust"),
    "zfill": _padded("zfill"),
    "replace": _replace,
    "expandtabs": _expandtabs,
    "join": _join,
    "translate": _translate,
    "encode": _encode,
    "decode": _decode,
}


def guarded_method(
    env: Environment, guard: Guard, obj: str | bytes, name: str
) -> Callable[..., Any] | None:
    """The guarded version of `obj.name` when that method can grow a string, else None.

    Returned as a plain closure (not a functools.partial, whose `.func` and `.args` would be
    reachable from the template).
    """
    if name in ("format", "format_map"):
        if isinstance(obj, str):
            return format_method(env, guard, obj, name == "format_map")
        return None
    method = STRING_METHODS.get(name)
    if method is None:
        return None

    def bound(*args: Any, **kwargs: Any) -> Any:
        return method(guard, obj, *args, **kwargs)

    return bound


def format_filter(guard: Guard) -> Callable[..., Any]:
    """The `format` filter: `'%s - %s'|format(a, b)`, through the guarded `%`."""

    def format_(value: Any, *args: Any, **kwargs: Any) -> Any:
        if args and kwargs:
            raise TemplateError("the 'format' filter takes either positional or keyword arguments")
        values: Sequence[Any] | Mapping[str, Any] = kwargs or args
        return percent_format(guard, guard.text(value, "the 'format' filter"), values)

    return format_
