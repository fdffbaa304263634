"""Templates that are one `{{ expression }}`, evaluated as an expression.

Most templates in rules are a single expression (`{{ states('sensor.x') | float > 20 }}`).
Rendering one the usual way turns its value into text and parses the text back; evaluating
the expression gives the value directly. The result is the same: a bool, number or None is
exactly what its text would have parsed back to (`Fast` values below), and anything else is
turned into text through the same `finalize` as a rendered `{{ }}` output, then stripped.

An expression can bind no names of its own, so it reads from the variables and globals only
the names it mentions: a render builds a dict of those few instead of copying every global.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import NoneType
from typing import Any

from jinja2 import Environment, nodes
from jinja2.runtime import Context

FAST_TYPES = frozenset({bool, int, float, NoneType})
"""Result types whose text parses back to themselves (or whose truth is their text's)."""
_MAX_FAST_INT_BITS = 1024  # far below the longest int Python turns into text (4,300 digits)


def expression_of(tree: nodes.Template, environment: Environment) -> nodes.Expr | None:
    """The expression of a template that is one `{{ expression }}` with only whitespace
    around it; None for any other template, and for a constant one (Jinja folds it into its
    text at compile time, so it gains nothing, and would write some constants, such as nan,
    as names it cannot read back)."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    found: nodes.Expr | None = None
    for node in tree.body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            if node.data.strip():
                return None
        elif found is not None:
            return None
        else:
            found = node
    if found is None or _constant(found, environment):
        return None
    return found


def _constant(expression: nodes.Expr, environment: Environment) -> bool:
    try:
        expression.as_const(nodes.EvalContext(environment))
    except Exception:
        return False
    return True


def assign_result(expression: nodes.Expr) -> nodes.Template:
    """A template whose only statement stores the expression's value as `result`."""
    line = expression.lineno
    target = nodes.Name("result", "store", lineno=line)
    return nodes.Template([nodes.Assign(target, expression, lineno=line)], lineno=line)


def names_in(expression: nodes.Expr) -> tuple[str, ...]:
    """The names an expression reads from its context (variables and globals)."""
    found = [expression, *expression.find_all(nodes.Name)]  # find_all skips the node itself
    return tuple(sorted({n.name for n in found if isinstance(n, nodes.Name) and n.ctx == "load"}))


def narrowed(
    names: tuple[str, ...], variables: Mapping[str, Any] | None, globals_: Mapping[str, Any]
) -> dict[str, Any]:
    """The context an expression sees: its names, from the variables first, then globals."""
    parent: dict[str, Any] = {}
    for name in names:
        if variables is not None and name in variables:
            parent[name] = variables[name]
        elif name in globals_:
            parent[name] = globals_[name]
    return parent


class ExpressionContext(Context):
    """The Jinja context of one expression render: what Jinja's own constructor builds, less
    what only statements use (blocks, template globals), and sharing one evaluation context,
    which only statements (`{% autoescape %}`) ever change."""

    def __init__(
        self, environment: Environment, parent: dict[str, Any], eval_ctx: nodes.EvalContext
    ) -> None:
        # Context.__init__ is not called: it would build what is left out on purpose.
        self.parent = parent
        self.vars = {}
        self.environment = environment
        self.eval_ctx = eval_ctx
        self.exported_vars = set()
        self.name = None
        self.globals_keys = set()
        self.blocks = {}


def is_fast(value: Any) -> bool:
    """Whether `value` can stand for its own text (see the module docstring)."""
    kind = type(value)
    if kind is int:
        return bool(value.bit_length() <= _MAX_FAST_INT_BITS)
    return kind in FAST_TYPES


def parsed(value: Any) -> Any:
    """What the text of a fast value parses back to: the value itself, except a float whose
    text has an exponent or is nan/inf, which Home Assistant keeps as text."""
    if type(value) is float:
        text = repr(value)
        if "e" in text or "n" in text:
            return text
    return value
