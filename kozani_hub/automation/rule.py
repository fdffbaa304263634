"""A rule as loaded: its schema, and the frozen definition compiled from it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kozani_hub.config.marked import Mark

from .actions import Step, compile_steps
from .conditions import Condition, compile_conditions
from .controls import Control, Controls, compile_controls
from .fields import Actions, Conditions, Model, Triggers, VariablesMap
from .normalize import rename
from .problems import Invalid, mark_of, show
from .triggers import Trigger, compile_triggers
from .values import Value

if TYPE_CHECKING:
    from .compiler import Compiler


class Mode(StrEnum):
    """What a new trigger does while the rule is still running."""

    SINGLE = "single"
    RESTART = "restart"
    QUEUED = "queued"
    PARALLEL = "parallel"


class Missed(StrEnum):
    """What a scheduled trigger due while the hub was down does at the next start."""

    RUN_ONCE = "run_once"
    SKIP = "skip"


LOG_LEVELS = {
    "critical": logging.CRITICAL,
    "fatal": logging.CRITICAL,
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "notset": logging.NOTSET,
}


class TraceOptions(Model):
    label = "trace options"
    stored_traces: int = Field(10, ge=0, description="how many runs of this rule to keep")


class RuleConfig(Model):
    """A rule in Home Assistant's automation syntax."""

    label = "rule"
    id: str | int | None = Field(None, description="a unique id; the entity is automation.<id>")
    alias: str | None = Field(None, description="a name for people")
    description: str | None = None
    mode: Mode = Field(Mode.SINGLE, description="single, restart, queued or parallel")
    max: int = Field(10, ge=1, description="runs at once (queued, parallel)")
    max_exceeded: str = Field(
        "warning", description="silent, or the log level of a refused run: warning, error, ..."
    )
    initial_state: bool | None = Field(None, description="on or off at start (else restored)")
    trace: TraceOptions | None = None
    variables: VariablesMap | None = None
    trigger_variables: VariablesMap | None = None
    triggers: Triggers
    conditions: Conditions = None
    actions: Actions
    missed: Missed = Field(
        Missed.RUN_ONCE,
        description="run_once (default): a scheduled trigger that fell due while the hub was down runs once at start; skip: it does not",
    )
    controls: Controls = None


_LEGACY = {"trigger": "triggers", "condition": "conditions", "action": "actions"}


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A validated, compiled rule: everything needed to run it, nothing mutable."""

    id: str
    entity_id: str
    alias: str | None
    description: str | None
    mode: Mode
    max_runs: int
    max_exceeded: int | None  # a log level, or None for silent
    initial_state: bool | None
    trace_runs: int | None
    variables: tuple[tuple[str, Value], ...]
    trigger_variables: tuple[tuple[str, Value], ...]
    triggers: tuple[Trigger, ...]
    conditions: tuple[Condition, ...]
    actions: tuple[Step, ...]
    missed: Missed
    file: str
    line: int | None
    step_file: str
    lines: Mapping[str, int]
    digest: str
    blueprint: str | None = None
    controls: tuple[Control, ...] = ()  # the loads it acts on, for the energy review

    @property
    def name(self) -> str:
        return self.alias or self.id


def slug(text: str) -> str:
    """An entity object id from any text: lower case, words joined by underscores."""
    value = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return re.sub(r"_+", "_", value) or "rule"


def digest(data: Any) -> str:
    """A short hash of a rule's definition (marks excluded: a moved rule is the same rule)."""
    try:
        text = json.dumps(data, sort_keys=True, default=repr, ensure_ascii=False)
    except TypeError:
        text = repr(data)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def compile_rule(
    compiler: Compiler,
    data: Any,
    *,
    file: str,
    mark: Mark,
    fallback_id: str,
    blueprint: str | None = None,
    step_file: str | None = None,
) -> Rule:
    """Check and compile one rule; raise Invalid with every problem found."""
    if not isinstance(data, dict):
        raise Invalid(
            mark, f"expected a rule as a mapping with triggers and actions, got {show(data)}"
        )
    data = rename(data, _LEGACY, mark, "rule")
    cfg = compiler.check(RuleConfig, data, mark)
    compiler.begin_rule()
    problems: list[tuple[Mark, str]] = []
    triggers: tuple[Trigger, ...] = ()
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Step, ...] = ()
    try:
        triggers = compile_triggers(
            compiler, data["triggers"], "trigger", mark_of(data, "triggers", mark)
        )
    except Invalid as error:
        problems.extend(error.problems)
    try:
        conditions = compile_conditions(
            compiler, data.get("conditions"), "condition", mark_of(data, "conditions", mark)
        )
    except Invalid as error:
        problems.extend(error.problems)
    try:
        actions = compile_steps(compiler, data["actions"], "action", mark_of(data, "actions", mark))
        if not actions:
            raise Invalid(mark, "a rule needs at least one action")
    except Invalid as error:
        problems.extend(error.problems)
    variables = _variables(compiler, data, "variables", mark, problems)
    trigger_variables = _variables(compiler, data, "trigger_variables", mark, problems)
    level = _level(cfg.max_exceeded, mark_of(data, "max_exceeded", mark), problems)
    controls: tuple[Control, ...] = ()
    try:
        controls = compile_controls(data.get("controls"), mark_of(data, "controls", mark))
    except Invalid as error:
        problems.extend(error.problems)
    if problems:
        raise Invalid.many(problems)
    rule_id = str(cfg.id) if cfg.id is not None else (slug(cfg.alias) if cfg.alias else fallback_id)
    return Rule(
        id=rule_id,
        entity_id=f"automation.{slug(rule_id)}",
        alias=cfg.alias,
        description=cfg.description,
        mode=cfg.mode,
        max_runs=cfg.max,
        max_exceeded=level,
        initial_state=cfg.initial_state,
        trace_runs=cfg.trace.stored_traces if cfg.trace is not None else None,
        variables=variables,
        trigger_variables=trigger_variables,
        triggers=triggers,
        conditions=conditions,
        actions=actions,
        missed=cfg.missed,
        file=file,
        line=mark[1],
        step_file=step_file or file,
        lines=compiler.line_table(),
        digest=digest(data),
        blueprint=blueprint,
        controls=controls,
    )


def _variables(
    compiler: Compiler,
    data: Mapping[str, Any],
    key: str,
    mark: Mark,
    problems: list[tuple[Mark, str]],
) -> tuple[tuple[str, Value], ...]:
    raw = data.get(key)
    if not raw:
        return ()
    result = []
    for name, value in raw.items():
        try:
            result.append(
                (
                    compiler.text(name),
                    compiler.value(value, mark_of(raw, name, mark), f"{key} {name}"),
                )
            )
        except Invalid as error:
            problems.extend(error.problems)
    return tuple(result)


def _level(value: str, mark: Mark, problems: list[tuple[Mark, str]]) -> int | None:
    text = str(value).strip().lower()
    if text == "silent":
        return None
    if text in LOG_LEVELS:
        return LOG_LEVELS[text]
    problems.append(
        (
            mark,
            f"'max_exceeded' must be silent or a log level ({', '.join(LOG_LEVELS)})"
            f", got {show(value)}",
        )
    )
    return logging.WARNING
