"""What every condition is: a compiled, immutable test of the hub's state at one moment.

`evaluate()` runs a condition, records its result in the trace, and turns an error into
`false` with the reason written in the trace, as the issue asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kozani_hub.config.marked import Mark

from ..fields import Model

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env
    from ..trace import Trace

Variables = Mapping[str, Any]


class ConditionConfig(Model):
    """Keys every condition accepts."""

    alias: str | None = None
    enabled: bool = True


class Condition:
    """A compiled condition."""

    __slots__ = ("enabled", "path")
    kind: ClassVar[str]
    Config: ClassVar[type[ConditionConfig]]

    def __init__(self, path: str, enabled: bool) -> None:
        self.path = path
        self.enabled = enabled

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        """Turn a checked config into the runtime condition (raise Invalid on problems)."""
        raise NotImplementedError

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        """Whether the condition holds; may raise (an error counts as false)."""
        raise NotImplementedError

    def why(self, env: Env, variables: Variables) -> str | None:
        """Why the condition is false, in a few words (called only when it is)."""
        return None


class ConditionError(Exception):
    """A condition could not be decided (it counts as false)."""


def check(condition: Condition, env: Env, variables: Variables, trace: Trace | None) -> bool | None:
    """Test a condition and record it: True, False, or None when it failed with an error."""
    if not condition.enabled:
        if trace is not None:
            trace.condition(condition.path, condition.kind, True, "disabled")
        return True
    try:
        result = condition.test(env, variables, trace)
    except Exception as err:
        if trace is not None:
            trace.condition(condition.path, condition.kind, False, f"error: {err}")
        return None
    if trace is not None:
        why = None
        if not result:
            try:
                why = condition.why(env, variables)
            except Exception as err:
                why = f"error: {err}"
        trace.condition(condition.path, condition.kind, result, why)
    return result


def evaluate(condition: Condition, env: Env, variables: Variables, trace: Trace | None) -> bool:
    """Whether a condition holds; an error counts as false (and says why in the trace)."""
    return check(condition, env, variables, trace) is True


def evaluate_all(
    conditions: tuple[Condition, ...], env: Env, variables: Variables, trace: Trace | None
) -> bool:
    """Whether every condition holds (stops at the first that does not)."""
    for condition in conditions:  # noqa: SIM110 (a loop: no generator made for each run)
        if check(condition, env, variables, trace) is not True:
            return False
    return True
