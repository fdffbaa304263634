"""Say what a pydantic error means to a technician: what was expected, what was found."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic_core import ErrorDetails

from kozani_hub.config.marked import Input, SecretText

_MAPPING = "a mapping (key: value)"
EXPECTED: dict[str, str] = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "iterable_type": "a list",
    "dict_type": _MAPPING,
    "mapping_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dataclass_type": _MAPPING,
    "none_required": "nothing",
    "time_type": "a time of day (HH:MM or HH:MM:SS)",
    "time_parsing": "a time of day (HH:MM or HH:MM:SS)",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time (YYYY-MM-DDTHH:MM:SS)",
    "datetime_parsing": "a date and time (YYYY-MM-DDTHH:MM:SS)",
    "datetime_from_date_parsing": "a date and time (YYYY-MM-DDTHH:MM:SS)",
    "time_delta_type": "a duration (HH:MM:SS or a number of seconds)",
    "time_delta_parsing": "a duration (HH:MM:SS or a number of seconds)",
    "url_type": "a URL",
    "url_parsing": "a URL",
}
"""The errors that mean 'wrong kind of value', and the kind that was expected."""

_BOUNDS = {
    "greater_than": ("gt", "greater than {}"),
    "greater_than_equal": ("ge", "at least {}"),
    "less_than": ("lt", "less than {}"),
    "less_than_equal": ("le", "at most {}"),
    "multiple_of": ("multiple_of", "a multiple of {}"),
}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def describe(value: Any) -> str:
    """Show a found value the way a person would recognise it in their file."""
    if isinstance(value, SecretText):
        return f"the secret '{value.secret_name}'"
    if isinstance(value, Input):
        return f"'!input {value.name}' (blueprint inputs are only allowed in blueprints)"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | dt.date | dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest of `choices`, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def label(path: Sequence[str | int]) -> str:
    """Name the value at `path` for a message: " for 'port'", " for item 2 of 'tokens'"."""
    if not path:
        return ""
    last = path[-1]
    if isinstance(last, str):
        return f" for '{last}'"
    keys = [part for part in path if isinstance(part, str)]
    return f" for item {last + 1} of '{keys[-1]}'" if keys else f" for item {last + 1}"


def message(error: ErrorDetails, path: Sequence[str | int], keys: Sequence[str]) -> str:
    """Return the message for one error; `keys` are the keys allowed where it happened."""
    kind, ctx, found = error["type"], error.get("ctx", {}), error.get("input")
    where = label(path)
    if kind == "missing":
        return f"missing required key '{error['loc'][-1]}'"
    if kind == "extra_forbidden":
        return _unknown_key(str(error["loc"][-1]), keys)
    if kind in EXPECTED:
        return f"expected {EXPECTED[kind]}{where}, found {describe(found)}"
    if kind in _BOUNDS:
        name, text = _BOUNDS[kind]
        return f"expected {text.format(describe(ctx.get(name)))}{where}, found {describe(found)}"
    if kind in ("literal_error", "enum"):
        return _one_of(str(ctx.get("expected", "")), where, found)
    if kind == "union_tag_invalid":
        return _unknown_tag(ctx)
    if kind == "union_tag_not_found":
        return f"missing required key '{str(ctx.get('discriminator', '')).strip(chr(39))}'"
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return _length(kind, ctx, where, found)
    if kind == "string_pattern_mismatch":
        return f"expected text matching {ctx.get('pattern')}{where}, found {describe(found)}"
    return _fallback(error["msg"], where, found)


def _unknown_key(key: str, keys: Sequence[str]) -> str:
    text = f"unknown key '{key}'"
    hint = suggest(key, keys)
    if hint:
        return text + hint
    if keys:
        return f"{text}; the keys here are {', '.join(keys)}"
    return text


def _one_of(expected: str, where: str, found: Any) -> str:
    choices = _QUOTED.findall(expected)
    hint = suggest(found, choices) if isinstance(found, str) else ""
    return f"expected one of {expected}{where}, found {describe(found)}{hint}"


def _unknown_tag(ctx: dict[str, Any]) -> str:
    key = str(ctx.get("discriminator", "")).strip("'")
    tag = str(ctx.get("tag", ""))
    expected = str(ctx.get("expected_tags", ""))
    hint = suggest(tag, _QUOTED.findall(expected)) or f"; expected one of {expected}"
    return f"unknown {key} '{tag}'{hint}"


def _length(kind: str, ctx: dict[str, Any], where: str, found: Any) -> str:
    text = kind.startswith("string")
    unit = "character" if text else "item"
    bound = ctx.get("min_length") if kind.endswith("short") else ctx.get("max_length")
    size = ctx.get("actual_length")
    if size is None and hasattr(found, "__len__"):
        size = len(found)
    relation = "at least" if kind.endswith("short") else "at most"
    plural = "" if bound == 1 else "s"
    return f"expected {relation} {bound} {unit}{plural}{where}, found {size}"


def _fallback(text: str, where: str, found: Any) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            return text.removeprefix(prefix)
    if text.startswith("Input should be "):
        return f"expected {text.removeprefix('Input should be ')}{where}, found {describe(found)}"
    return f"{text[:1].lower()}{text[1:]}{where}"
