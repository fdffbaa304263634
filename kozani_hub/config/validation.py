"""Validate marked data against pydantic schemas; report each problem at its own line."""

from __future__ import annotations

import os
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from kozani_hub.config.errors import ConfigError, ConfigIssue
from kozani_hub.config.marked import Mark, locate_path
from kozani_hub.config.messages import EXPECTED, message
from kozani_hub.config.schema_keys import allowed_keys

M = TypeVar("M")


def try_validate(
    schema: type[M] | TypeAdapter[M],
    data: Any,
    *,
    file: str | os.PathLike[str],
    line: int | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[M | None, list[ConfigIssue]]:
    """Validate `data`; return (model, []) or (None, every issue found).

    `schema` is a pydantic model class or a TypeAdapter (build one TypeAdapter and reuse it:
    building is slow). `file` and `line` say where `data` was written, for the problems
    that the data's own marks cannot place.
    """
    try:
        return _run(schema, data, context), []
    except ValidationError as error:
        return None, issues_from_error(error, data, file=file, line=line, schema=_type(schema))


def validate(
    schema: type[M] | TypeAdapter[M],
    data: Any,
    *,
    file: str | os.PathLike[str],
    line: int | None = None,
    context: dict[str, Any] | None = None,
) -> M:
    """Validate `data` and return the model; raise ConfigError listing every problem."""
    try:
        return _run(schema, data, context)
    except ValidationError as error:
        issues = issues_from_error(error, data, file=file, line=line, schema=_type(schema))
        raise ConfigError(issues) from None


def _run(schema: type[M] | TypeAdapter[M], data: Any, context: dict[str, Any] | None) -> M:
    if isinstance(schema, TypeAdapter):
        return schema.validate_python(data, context=context)
    if issubclass(schema, BaseModel):
        return schema.model_validate(data, context=context)
    return TypeAdapter(schema).validate_python(data, context=context)


def _type(schema: Any) -> Any:
    # A TypeAdapter keeps its type privately; it is only needed for key suggestions.
    return getattr(schema, "_type", None) if isinstance(schema, TypeAdapter) else schema


def issues_from_error(
    error: ValidationError,
    data: Any,
    *,
    file: str | os.PathLike[str],
    line: int | None = None,
    schema: Any = None,
) -> list[ConfigIssue]:
    """Turn each error of a pydantic ValidationError into an issue at its file and line.

    Errors about one value from the members of a union ("expected a number", "expected
    text") are merged into one issue ("expected a number or text").
    """
    default = (os.fspath(file), line)
    located = [
        _locate(details, data, default)
        for details in error.errors(include_url=False)
        if not _is_echo(details)
    ]
    # Paths some error reached beyond: a union member accepted the value there.
    entered = {item[2][:size] for item in located for size in range(len(item[2]))}
    issues: dict[tuple[Any, ...], tuple[ConfigIssue, list[str]]] = {}
    for details, where, path in located:
        kind = details["type"]
        if kind in EXPECTED:
            if path in entered and isinstance(details.get("input"), dict | list):
                continue  # "expected text, found a list" while the list member says more
            key = ("expected", where, path, id(details.get("input")))
            if key in issues:
                _merge_expected(issues, key, details)
            else:
                text = message(details, path, ())
                issues[key] = (ConfigIssue(where[0], where[1], text), [EXPECTED[kind]])
            continue
        keys = allowed_keys(schema, details["loc"][:-1]) if kind == "extra_forbidden" else ()
        text = message(details, path, keys)
        issues.setdefault(("other", where, text), (ConfigIssue(where[0], where[1], text), []))
    # Stable: problems on one line keep the schema's order of fields.
    return sorted((issue for issue, _ in issues.values()), key=lambda i: (i.file, i.line or 0))


def _locate(
    details: ErrorDetails, data: Any, default: Mark
) -> tuple[ErrorDetails, Mark, tuple[str | int, ...]]:
    """Return the error with where it happened and the part of its location found in data."""
    mark, path = locate_path(data, details["loc"], details.get("input"))
    where = mark if mark[0] else default
    if details["type"] in ("union_tag_invalid", "union_tag_not_found"):
        where = _tag_mark(details, where)
    return details, where, path


def _merge_expected(
    issues: dict[tuple[Any, ...], tuple[ConfigIssue, list[str]]],
    key: tuple[Any, ...],
    details: ErrorDetails,
) -> None:
    issue, kinds = issues[key]
    expected = EXPECTED[details["type"]]
    if expected in kinds:
        return
    kinds.append(expected)
    joined = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    text = message(details, key[2], ()).replace(f"expected {expected}", f"expected {joined}", 1)
    issues[key] = (ConfigIssue(issue.file, issue.line, text), kinds)


def _is_echo(details: ErrorDetails) -> bool:
    """Tell whether a too-short error only echoes items already reported as invalid.

    pydantic counts a list's length after dropping its invalid items: one bad token of one
    would also say "expected at least 1 item, found 0".
    """
    found, minimum = details.get("input"), details.get("ctx", {}).get("min_length")
    return (details["type"] == "too_short" and isinstance(minimum, int)
            and hasattr(found, "__len__") and len(found) >= minimum)


def _tag_mark(details: ErrorDetails, where: Mark) -> Mark:
    """Point at the discriminating key itself ('trigger: stat'), when it was written."""
    found = details.get("input")
    key = str(details.get("ctx", {}).get("discriminator", "")).strip("'")
    mark = getattr(found, "mark", None)
    if isinstance(found, dict) and key in found and callable(mark):
        file, line = mark(key)
        return (file or where[0], line)
    return where

