"""Conditions: the registry of condition types, and compiling a condition or a list of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.config.marked import Mark
from kozani_hub.templates import is_template_string

from ..normalize import as_list, item_mark, with_key, without
from ..problems import Invalid, mark_of, one_of, show, unknown_kind
from .base import Condition, ConditionConfig, ConditionError, check, evaluate, evaluate_all
from .logic import AndCondition, NotCondition, OrCondition
from .state import NumericStateCondition, StateCondition
from .template import TemplateCondition, TriggerCondition
from .time import SunCondition, TimeCondition

if TYPE_CHECKING:
    from ..compiler import Compiler

CONDITIONS: Mapping[str, type[Condition]] = {
    "and": AndCondition,
    "or": OrCondition,
    "not": NotCondition,
    "state": StateCondition,
    "numeric_state": NumericStateCondition,
    "template": TemplateCondition,
    "time": TimeCondition,
    "sun": SunCondition,
    "trigger": TriggerCondition,
}
"""Every condition type by the name written after `condition:`."""

_SHORTHANDS = ("and", "or", "not")

__all__ = [
    "CONDITIONS",
    "Condition",
    "ConditionConfig",
    "ConditionError",
    "check",
    "compile_condition",
    "compile_conditions",
    "evaluate",
    "evaluate_all",
]


def compile_conditions(
    compiler: Compiler, data: Any, prefix: str, mark: Mark
) -> tuple[Condition, ...]:
    """Compile a condition or a list of conditions; raise Invalid with every problem found."""
    items = as_list(data)
    conditions: list[Condition] = []
    problems: list[tuple[Mark, str]] = []
    for index, item in enumerate(items):
        where = item_mark(items, index, mark)
        try:
            conditions.append(compile_condition(compiler, item, f"{prefix}/{index}", where))
        except Invalid as error:
            problems.extend(error.problems)
    if problems:
        raise Invalid.many(problems)
    return tuple(conditions)


def compile_condition(compiler: Compiler, data: Any, path: str, mark: Mark) -> Condition:
    """Compile one condition, written in full or in one of its short forms."""
    if isinstance(data, str):
        if not is_template_string(data):
            raise Invalid(mark, f"a condition written as text must be a template such as "
                          f"\"{{{{ is_state('light.x', 'on') }}}}\", got {show(data)}")
        data = {"condition": "template", "value_template": data}
    if not isinstance(data, dict):
        raise Invalid(mark, f"expected a condition as a mapping such as 'condition: state', "
                      f"got {show(data)}")
    data = _expand_shorthand(data, mark)
    kind = data.get("condition")
    if kind is None:
        raise Invalid(mark, f"a condition needs 'condition:', one of {one_of(CONDITIONS)}")
    cls = CONDITIONS.get(str(kind))
    if cls is None:
        raise Invalid(mark_of(data, "condition", mark),
                      unknown_kind("condition type", kind, CONDITIONS))
    config = compiler.check(cls.Config, data, mark)
    return cls.build(compiler.at(path, mark), config, compiler, data, mark)


def _expand_shorthand(data: dict[Any, Any], mark: Mark) -> dict[Any, Any]:
    """`condition: "{{ ... }}"` and `and: [...]` / `or:` / `not:` as full conditions."""
    kind = data.get("condition")
    if isinstance(kind, str) and is_template_string(kind):
        expanded = with_key(without(data, "condition"), "value_template", kind, mark)
        expanded.put("condition", "template", mark_of(data, "condition", mark))
        return expanded
    if kind is None:
        found = [key for key in _SHORTHANDS if key in data]
        if len(found) == 1:
            key = found[0]
            expanded = with_key(without(data, key), "conditions", data[key],
                                mark_of(data, key, mark))
            expanded.put("condition", key, mark_of(data, key, mark))
            return expanded
    return data
