"""`condition: and / or / not` — combine conditions (also written `and: [...]` for short)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from kozani_hub.config.marked import Mark

from ..fields import Conditions
from ..problems import mark_of
from .base import Condition, ConditionConfig, ConditionError, Variables, check

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env
    from ..trace import Trace


class AndConditionConfig(ConditionConfig):
    label = "and condition"
    condition: Literal["and"]
    conditions: Conditions


class OrConditionConfig(ConditionConfig):
    label = "or condition"
    condition: Literal["or"]
    conditions: Conditions


class NotConditionConfig(ConditionConfig):
    label = "not condition"
    condition: Literal["not"]
    conditions: Conditions


class _Group(Condition):
    __slots__ = ("children",)

    def __init__(self, path: str, enabled: bool, children: tuple[Condition, ...]) -> None:
        super().__init__(path, enabled)
        self.children = children

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        from . import compile_conditions  # noqa: PLC0415 - conditions hold conditions

        children = compile_conditions(
            compiler, config.conditions, f"{path}/conditions", mark_of(data, "conditions", mark)
        )
        return cls(path, config.enabled, children)


class AndCondition(_Group):
    kind = "and"
    Config = AndConditionConfig
    __slots__ = ()

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        failed = 0
        for child in self.children:
            result = check(child, env, variables, trace)
            if result is False:
                return False
            failed += result is None
        if failed:
            raise ConditionError(f"{failed} of its conditions could not be decided")
        return True


class OrCondition(_Group):
    kind = "or"
    Config = OrConditionConfig
    __slots__ = ()

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        enabled = [c for c in self.children if c.enabled]
        if not enabled:
            return True
        failed = 0
        for child in enabled:
            result = check(child, env, variables, trace)
            if result is True:
                return True
            failed += result is None
        if failed:
            raise ConditionError(f"{failed} of its conditions could not be decided")
        return False

    def why(self, env: Env, variables: Variables) -> str | None:
        return "none of its conditions holds"


class NotCondition(_Group):
    kind = "not"
    Config = NotConditionConfig
    __slots__ = ()

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        failed = 0
        for child in self.children:
            if not child.enabled:
                continue
            result = check(child, env, variables, trace)
            if result is True:
                return False
            failed += result is None
        if failed:
            raise ConditionError(f"{failed} of its conditions could not be decided")
        return True

    def why(self, env: Env, variables: Variables) -> str | None:
        return "one of its conditions holds"
