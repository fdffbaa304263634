"""`condition: template` (also a bare template string) and `condition: trigger` (by trigger id)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark

from ..fields import TemplateText
from ..problems import mark_of
from ..watch import truthy
from .base import Condition, ConditionConfig, Variables

if TYPE_CHECKING:
    from kozani_hub.templates import Template

    from ..compiler import Compiler
    from ..env import Env
    from ..trace import Trace


class TemplateConditionConfig(ConditionConfig):
    label = "template condition"
    condition: Literal["template"]
    value_template: TemplateText


class TemplateCondition(Condition):
    kind = "template"
    Config = TemplateConditionConfig
    __slots__ = ("template",)

    def __init__(self, path: str, enabled: bool, template: Template) -> None:
        super().__init__(path, enabled)
        self.template = template

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: TemplateConditionConfig = config
        template = compiler.template(cfg.value_template, mark_of(data, "value_template", mark),
                                     "value_template")
        return cls(path, cfg.enabled, template)

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        return truthy(self.template.render_raw(variables))

    def why(self, env: Env, variables: Variables) -> str | None:
        result = self.template.render(variables, parse_result=False)
        text = str(result)
        return f"rendered {text[:60]!r}"


class TriggerConditionConfig(ConditionConfig):
    label = "trigger condition"
    condition: Literal["trigger"]
    id: str | int | list[str | int] = Field(description="a trigger id, or a list of them")


class TriggerCondition(Condition):
    kind = "trigger"
    Config = TriggerConditionConfig
    __slots__ = ("ids",)

    def __init__(self, path: str, enabled: bool, ids: frozenset[str]) -> None:
        super().__init__(path, enabled)
        self.ids = ids

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: TriggerConditionConfig = config
        ids = cfg.id if isinstance(cfg.id, list) else [cfg.id]
        return cls(path, cfg.enabled, frozenset(str(i) for i in ids))

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        trigger = variables.get("trigger")
        if not isinstance(trigger, Mapping):
            return False
        return str(trigger.get("id")) in self.ids

    def why(self, env: Env, variables: Variables) -> str | None:
        trigger = variables.get("trigger")
        got = trigger.get("id") if isinstance(trigger, Mapping) else None
        return f"the trigger id is {got!r}, wanted {', '.join(sorted(self.ids))}"
