"""Number helpers with Home Assistant's semantics: `float`, `int` and `bool` take a default
and, without one, fail with a message that says which value they could not convert."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from numbers import Number
from typing import Any, NoReturn

from jinja2 import Environment, Undefined, pass_environment
from jinja2.filters import do_max, do_min

from .errors import TemplateError
from .guard import describe

_SENTINEL: Any = object()
_TRUE = frozenset({"1", "true", "yes", "on", "enable"})
_FALSE = frozenset({"0", "false", "no", "off", "disable"})
MAX_PRECISION = 100


def no_default(function: str, value: Any) -> NoReturn:
    """Fail a conversion that was given no default to fall back on."""
    raise TemplateError(
        f"{function} got invalid input {describe(value)} and no default was given; "
        f"give one to fall back on, as in {function}(0) or {function}(value, 0)"
    )


def to_float(value: Any, default: Any = _SENTINEL) -> Any:
    try:
        return float(value)
    except (ValueError, TypeError):
        if default is _SENTINEL:
            no_default("float", value)
        return default


def to_int(value: Any, default: Any = _SENTINEL, base: int = 10) -> Any:
    try:
        if isinstance(value, str):
            return int(value, base)
        return int(value)
    except (TypeError, ValueError, OverflowError):
        try:
            return int(float(value))  # "42.7" -> 42, as in Jinja
        except (TypeError, ValueError, OverflowError):
            if default is _SENTINEL:
                no_default("int", value)
            return default


def to_bool(value: Any, default: Any = _SENTINEL) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.lower().strip()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    elif isinstance(value, Number):
        number: Any = value
        return number != 0
    if default is _SENTINEL:
        no_default("bool", value)
    return default


def is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (ValueError, TypeError):
        return False


def round_(value: Any, precision: Any = 0, method: str = "common", default: Any = _SENTINEL) -> Any:
    """Round to `precision` digits: 'common', 'ceil', 'floor', or 'half' (to the nearest 0.5)."""
    try:
        if not isinstance(precision, int) or abs(precision) > MAX_PRECISION:
            raise ValueError(f"precision {precision!r}")
        number = float(value)
        scale = 10.0**precision
        if method == "ceil":
            number = math.ceil(number * scale) / scale
        elif method == "floor":
            number = math.floor(number * scale) / scale
        elif method == "half":
            number = round(number * 2) / 2
        else:
            number = round(number, precision)
        return int(number) if precision == 0 else number
    except (ValueError, TypeError, OverflowError):
        if default is _SENTINEL:
            no_default("round", value)
        return default


def multiply(value: Any, amount: Any, default: Any = _SENTINEL) -> Any:
    try:
        return float(value) * amount
    except (ValueError, TypeError):
        if default is _SENTINEL:
            no_default("multiply", value)
        return default


def log(value: Any, base: Any = math.e, default: Any = _SENTINEL) -> Any:
    try:
        return math.log(float(value), float(base))
    except (ValueError, TypeError, ZeroDivisionError):
        if default is _SENTINEL:
            no_default("log", value)
        return default


def _unary(name: str, func: Callable[[float], float]) -> Callable[..., Any]:
    def apply(value: Any, default: Any = _SENTINEL) -> Any:
        try:
            return func(float(value))
        except (ValueError, TypeError, OverflowError):
            if default is _SENTINEL:
                no_default(name, value)
            return default

    apply.__name__ = name
    return apply


def atan2(y: Any, x: Any, default: Any = _SENTINEL) -> Any:
    try:
        return math.atan2(float(y), float(x))
    except (ValueError, TypeError):
        if default is _SENTINEL:
            no_default("atan2", (y, x))
        return default


TRIGONOMETRY: dict[str, Callable[..., Any]] = {
    name: _unary(name, func)
    for name, func in (
        ("sin", math.sin),
        ("cos", math.cos),
        ("tan", math.tan),
        ("asin", math.asin),
        ("acos", math.acos),
        ("atan", math.atan),
        ("sqrt", math.sqrt),
    )
}


def _values(name: str, args: tuple[Any, ...]) -> Iterable[Any]:
    if not args:
        raise TypeError(f"{name} expected at least 1 argument, got 0")
    if len(args) == 1:
        if isinstance(args[0], Iterable):
            return args[0]
        raise TypeError(f"'{type(args[0]).__name__}' object is not iterable")
    return args


def min_max(builtin: Callable[..., Any], name: str) -> Callable[..., Any]:
    """The `min`/`max` globals: `min(1, 2)` or `min([1, 2])`."""

    @pass_environment
    def pick(environment: Environment, *args: Any, **kwargs: Any) -> Any:
        return builtin(environment, _values(name, args), **kwargs)

    return pick


MIN = min_max(do_min, "min")
MAX = min_max(do_max, "max")


def _statistic(name: str, func: Callable[[Any], Any]) -> Callable[..., Any]:
    def compute(*args: Any, default: Any = _SENTINEL) -> Any:
        if not args:
            raise TypeError(f"{name} expected at least 1 argument, got 0")
        if isinstance(args[0], Iterable):
            values = args[0]
            if len(args) > 1 and default is _SENTINEL:
                default = args[1]
        elif len(args) == 1:
            raise TypeError(f"'{type(args[0]).__name__}' object is not iterable")
        else:
            values = args
        try:
            return func(list(values))
        except (TypeError, ValueError, statistics.StatisticsError):
            if default is _SENTINEL:
                no_default(name, values)
            return default

    compute.__name__ = name
    return compute


average = _statistic("average", statistics.fmean)
median = _statistic("median", statistics.median)
statistical_mode = _statistic("statistical_mode", statistics.mode)


def iif(value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = _SENTINEL) -> Any:
    """Immediate if: `if_true` when `value` is truthy, `if_false` when not, `if_none` for None."""
    if value is None and if_none is not _SENTINEL:
        return if_none
    return if_true if value else if_false


def is_defined(value: Any) -> Any:
    """`value`, or an error when it is undefined."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def bitwise_and(first: int, second: int) -> int:
    return first & second


def bitwise_or(first: int, second: int) -> int:
    return first | second


def bitwise_xor(first: int, second: int) -> int:
    return first ^ second


def contains(seq: Any, value: Any) -> bool:
    return value in seq
