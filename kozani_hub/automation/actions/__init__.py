"""Actions: the registry of step types, and compiling a step or a list of steps.

A step's type is the key that names it (`action:`, `delay:`, `choose:` ...), looked up in
`ACTIONS` in order, as Home Assistant does.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.config.marked import Mark

from ..normalize import as_list, item_mark, rename
from ..problems import Invalid, mark_of, one_of, show
from .base import (
    NotResumable,
    RunCancelled,
    Scope,
    Step,
    StepConfig,
    StepFailed,
    StopRun,
    resume_steps,
    run_steps,
)
from .blocks import EventStep, ParallelStep, RepeatStep, SequenceStep, VariablesStep
from .flow import ChooseStep, ConditionStep, IfStep, StopStep
from .service import ServiceStep
from .wait import DelayStep, WaitForTriggerStep, WaitTemplateStep

if TYPE_CHECKING:
    from ..compiler import Compiler

ACTIONS: Mapping[str, type[Step]] = {
    "action": ServiceStep,
    "delay": DelayStep,
    "wait_template": WaitTemplateStep,
    "wait_for_trigger": WaitForTriggerStep,
    "event": EventStep,
    "condition": ConditionStep,
    "choose": ChooseStep,
    "if": IfStep,
    "repeat": RepeatStep,
    "parallel": ParallelStep,
    "sequence": SequenceStep,
    "variables": VariablesStep,
    "stop": StopStep,
}
"""Every step type by the key that names it."""

_LEGACY = {"service": "action", "service_template": "action", "data_template": "data",
           "event_data_template": "event_data"}
_CONDITION_SHORTHANDS = ("and", "or", "not")
_COMMON = ("alias", "enabled", "continue_on_error")

__all__ = [
    "ACTIONS",
    "NotResumable",
    "RunCancelled",
    "Scope",
    "Step",
    "StepConfig",
    "StepFailed",
    "StopRun",
    "compile_step",
    "compile_steps",
    "resume_steps",
    "run_steps",
]


def compile_steps(compiler: Compiler, data: Any, prefix: str, mark: Mark) -> tuple[Step, ...]:
    """Compile a step or a list of steps; raise Invalid with every problem found."""
    items = as_list(data)
    steps: list[Step] = []
    problems: list[tuple[Mark, str]] = []
    for index, item in enumerate(items):
        where = item_mark(items, index, mark)
        try:
            steps.append(compile_step(compiler, item, f"{prefix}/{index}", where))
        except Invalid as error:
            problems.extend(error.problems)
    if problems:
        raise Invalid.many(problems)
    return tuple(steps)


def compile_step(compiler: Compiler, data: Any, path: str, mark: Mark) -> Step:
    """Compile one step, whatever its type."""
    if not isinstance(data, dict):
        raise Invalid(mark, f"expected an action as a mapping such as 'action: light.turn_on', "
                      f"got {show(data)}")
    data = rename(data, _LEGACY, mark, "step")
    cls = step_type(data, mark)
    path = compiler.at(path, mark)
    if cls is ConditionStep:
        return cls.build(path, None, compiler, data, mark)
    if cls is ServiceStep and not isinstance(data.get("action"), str):
        raise Invalid(mark_of(data, "action", mark), "'action' in a step names a service such "
                      f"as light.turn_on, got {show(data.get('action'))}; to group actions, use "
                      "'sequence:'")
    config = compiler.check(cls.Config, data, mark)
    return cls.build(path, config, compiler, data, mark)


def step_type(data: Mapping[str, Any], mark: Mark) -> type[Step]:
    """The step type of a step mapping, from the key that names it."""
    for key, cls in ACTIONS.items():
        if key in data:
            return cls
    if any(key in data for key in _CONDITION_SHORTHANDS):
        return ConditionStep
    keys = [str(k) for k in data if k not in _COMMON]
    hint = ""
    for key in keys:
        close = difflib.get_close_matches(key, [*ACTIONS, *_LEGACY], n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{close[0]}' instead of '{key}'?"
            break
    found = f" (it has {', '.join(repr(k) for k in keys)})" if keys else ""
    return _unknown(mark, f"unknown kind of action{found}{hint}; an action is one of "
                    f"{one_of(ACTIONS)}")


def _unknown(mark: Mark, message: str) -> type[Step]:
    raise Invalid(mark, message)
