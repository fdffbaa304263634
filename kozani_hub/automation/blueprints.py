"""Blueprints: one rule written once with `!input` placeholders, used by many rules.

A blueprint file (in `rules/blueprints/`) has a `blueprint:` header declaring its inputs, with
defaults and selectors, and the rule body. A rule `use_blueprint: {path, input}` gets the body
with each `!input` replaced by its value; its own keys (id, alias, ...) come on top. Inputs
are checked at load: unknown ones, missing ones, and values their selector refuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.loader import try_load_yaml
from kozani_hub.config.marked import Input, Mark, MarkedDict, MarkedList
from kozani_hub.core.states import valid_entity_id

from .durations import parse_duration, parse_time_of_day
from .problems import Invalid, mark_of, one_of, show, suggest

BLUEPRINT_FOLDER = "blueprints"
_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One declared input: its name, default (or none), selector and where it is declared."""

    name: str
    label: str | None
    default: Any
    selector: Mapping[str, Any] | None
    mark: Mark

    @property
    def required(self) -> bool:
        return self.default is _MISSING


@dataclass(frozen=True, slots=True)
class Blueprint:
    path: Path
    name: str
    inputs: Mapping[str, InputSpec]
    body: Mapping[str, Any]


class Blueprints:
    """The blueprints of one load, each read once, found below the rule folders."""

    def __init__(self, dirs: Sequence[Path], roots: Sequence[Path]) -> None:
        self._folders = [Path(d) / BLUEPRINT_FOLDER for d in dirs]
        self._roots = list(roots)
        self._cache: dict[Path, Blueprint | list[ConfigIssue]] = {}

    def find(self, name: str, mark: Mark) -> Path:
        if not name or Path(name).is_absolute() or ".." in Path(name).parts:
            raise Invalid(mark, f"'path' must name a file in {BLUEPRINT_FOLDER}/, got {show(name)}")
        candidates = [name] if name.endswith(".yaml") else [name, f"{name}.yaml"]
        for folder in self._folders:
            for candidate in candidates:
                path = folder / candidate
                if path.is_file():
                    return path
        known = sorted(
            str(p.relative_to(f)) for f in self._folders if f.is_dir() for p in f.rglob("*.yaml")
        )
        hint = suggest(name, known) or (f"; the blueprints are {one_of(known)}" if known else
                                        f"; there is no blueprint in {BLUEPRINT_FOLDER}/ yet")
        raise Invalid(mark, f"no blueprint {name!r}{hint}")

    def load(self, path: Path) -> Blueprint | list[ConfigIssue]:
        cached = self._cache.get(path)
        if cached is None:
            cached = self._read(path)
            self._cache[path] = cached
        return cached

    def _read(self, path: Path) -> Blueprint | list[ConfigIssue]:
        data, issues = try_load_yaml(path, roots=self._roots or [path.parent])
        if issues:
            return issues
        file = str(path)
        try:
            return parse_blueprint(path, data, (file, 1))
        except Invalid as error:
            return [ConfigIssue(m[0] or file, m[1], text) for m, text in error.problems]


def parse_blueprint(path: Path, data: Any, mark: Mark) -> Blueprint:
    """Read a blueprint's header and body."""
    if not isinstance(data, dict) or not isinstance(data.get("blueprint"), dict):
        raise Invalid(mark, "a blueprint file starts with 'blueprint:' (name, domain, input)")
    header = data["blueprint"]
    where = mark_of(header, None, mark)
    domain = header.get("domain", "automation")
    if domain != "automation":
        raise Invalid(mark_of(header, "domain", where),
                      f"this blueprint is for {show(domain)}; rules use 'domain: automation'")
    inputs: dict[str, InputSpec] = {}
    _collect_inputs(header.get("input") or {}, mark_of(header, "input", where), inputs)
    body = MarkedDict(*mark_of(data, None, mark))
    for key, value in data.items():
        if key != "blueprint":
            body.put(key, value, mark_of(data, key, mark))
    _check_placeholders(body, inputs)
    return Blueprint(path, str(header.get("name") or path.stem), inputs, body)


def _collect_inputs(raw: Any, mark: Mark, into: dict[str, InputSpec]) -> None:
    if not isinstance(raw, dict):
        raise Invalid(mark, f"'input' must map input names to their description, got {show(raw)}")
    for name, declared in raw.items():
        where = mark_of(raw, name, mark)
        spec = declared if declared is not None else {}
        if not isinstance(spec, dict):
            raise Invalid(where, f"input {name!r} must be a mapping (name, default, selector)")
        if isinstance(spec.get("input"), dict):  # an input section groups inputs
            _collect_inputs(spec["input"], mark_of(spec, "input", where), into)
            continue
        if name in into:
            raise Invalid(where, f"input {name!r} is declared twice")
        selector = spec.get("selector")
        into[str(name)] = InputSpec(
            str(name), spec.get("name"), spec.get("default", _MISSING),
            selector if isinstance(selector, dict) else None, where,
        )


def _check_placeholders(data: Any, inputs: Mapping[str, InputSpec]) -> None:
    for value in _walk(data):
        if isinstance(value, Input) and value.name not in inputs:
            hint = suggest(value.name, inputs) or f"; the inputs are {one_of(inputs) or 'none'}"
            raise Invalid((value.file, value.line), f"'!input {value.name}' names no declared "
                          f"input{hint}")


def _walk(data: Any) -> Any:
    yield data
    if isinstance(data, dict):
        for value in data.values():
            yield from _walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk(value)


def instantiate(blueprint: Blueprint, rule: Mapping[str, Any], mark: Mark) -> MarkedDict:
    """The rule a `use_blueprint:` rule stands for: the body filled in, the rule's keys on top."""
    use = rule["use_blueprint"]
    given = use.get("input") or {}
    where = mark_of(use, "input", mark)
    if not isinstance(given, dict):
        raise Invalid(where, f"'input' must map input names to values, got {show(given)}")
    problems: list[tuple[Mark, str]] = []
    for name in given:
        if name not in blueprint.inputs:
            hint = suggest(str(name), blueprint.inputs) or \
                f"; its inputs are {one_of(blueprint.inputs) or 'none'}"
            problems.append((mark_of(given, name, where),
                             f"blueprint {blueprint.name!r} has no input {name!r}{hint}"))
    values: dict[str, Any] = {}
    for name, spec in blueprint.inputs.items():
        if name in given:
            value = given[name]
            problem = check_selector(spec, value)
            if problem:
                problems.append((mark_of(given, name, where), f"input {name!r}: {problem}"))
            values[name] = value
        elif spec.required:
            label = f" ({spec.label})" if spec.label else ""
            problems.append((where, f"blueprint {blueprint.name!r} needs input {name!r}{label}"))
        else:
            values[name] = spec.default
    if problems:
        raise Invalid.many(problems)
    result = substitute(blueprint.body, values)
    assert isinstance(result, MarkedDict)
    for key, value in rule.items():
        if key != "use_blueprint":
            result.put(key, value, mark_of(rule, key, mark))
    return result


def substitute(data: Any, values: Mapping[str, Any]) -> Any:
    """A copy of `data` with every `!input` replaced by its value (marks kept)."""
    if isinstance(data, Input):
        return values[data.name]
    if isinstance(data, MarkedDict):
        out = MarkedDict(data.file, data.line)
        for key, value in data.items():
            out.put(key, substitute(value, values), data.mark(key))
        return out
    if isinstance(data, MarkedList):
        items = MarkedList(data.file, data.line)
        for index, value in enumerate(data):
            items.put(substitute(value, values), data.mark(index))
        return items
    if isinstance(data, dict):
        return {k: substitute(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [substitute(v, values) for v in data]
    return data


def check_selector(spec: InputSpec, value: Any) -> str | None:
    """Why `value` does not suit the input's selector, or None when it does."""
    if not spec.selector or value is None:
        return None
    kind, options = next(iter(spec.selector.items()))
    options = options if isinstance(options, dict) else {}
    checker = _SELECTORS.get(str(kind))
    return checker(value, options) if checker is not None else None


def _entity(value: Any, options: Mapping[str, Any]) -> str | None:
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not options.get("multiple"):
        return f"expected one entity id, got a list of {len(value)}"
    domains = _domains(options.get("domain"))
    filters = options.get("filter")
    for found in filters if isinstance(filters, list) else [filters]:
        if isinstance(found, dict):
            domains.extend(_domains(found.get("domain")))
    for item in items:
        text = str(item)
        if not valid_entity_id(text):
            return f"{show(item)} is not an entity id"
        if domains and text.partition(".")[0] not in domains:
            return f"{text} is not a {' or '.join(domains)} entity"
    return None


def _domains(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _number(value: Any, options: Mapping[str, Any]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number, got {show(value)}"
    low, high = options.get("min"), options.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{value} is outside {low} to {high}"
    return None


def _boolean(value: Any, options: Mapping[str, Any]) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {show(value)}"


def _text(value: Any, options: Mapping[str, Any]) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {show(value)}"


def _time(value: Any, options: Mapping[str, Any]) -> str | None:
    try:
        parse_time_of_day(value)
    except ValueError as err:
        return str(err)
    return None


def _duration(value: Any, options: Mapping[str, Any]) -> str | None:
    try:
        parse_duration(value)
    except ValueError as err:
        return str(err)
    return None


def _select(value: Any, options: Mapping[str, Any]) -> str | None:
    choices = [o.get("value") if isinstance(o, dict) else o for o in options.get("options", [])]
    items = value if isinstance(value, list) and options.get("multiple") else [value]
    for item in items:
        if choices and item not in choices:
            return f"{show(item)} is not one of {', '.join(map(str, choices))}"
    return None


_SELECTORS = {
    "entity": _entity,
    "number": _number,
    "boolean": _boolean,
    "text": _text,
    "time": _time,
    "duration": _duration,
    "select": _select,
}


def describe_use(blueprint: Path, rule_mark: Mark) -> str:
    """' (in blueprint X, used by the rule at F:L)'."""
    return (f" (in blueprint {display_path(blueprint)}, used by the rule at "
            f"{display_path(rule_mark[0])}:{rule_mark[1]})")
