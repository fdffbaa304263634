"""`condition: state` and `condition: numeric_state` — what entities show right now."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.states import State

from ..durations import format_duration
from ..fields import Duration, EntityIds, NumberOrEntity, StateValue, TemplateText
from ..matching import AnyValue, matcher, show_matcher
from ..numeric import NumericCheck
from ..problems import Invalid, mark_of
from .base import Condition, ConditionConfig, ConditionError, Variables

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..env import Env
    from ..trace import Trace

# As in Home Assistant, a wanted state may name an input helper whose state is the one wanted.
_INPUT_ENTITY = re.compile(r"^input_(?:select|text|number|boolean|datetime)\.[\da-z_]+$")


class StateConditionConfig(ConditionConfig):
    label = "state condition"
    condition: Literal["state"]
    entity_id: EntityIds
    state: StateValue
    attribute: str | None = Field(None, description="an attribute name")
    for_: Duration | None = Field(None, alias="for")
    match: Literal["all", "any"] = Field("all", description="all or any of the entities")


class StateCondition(Condition):
    kind = "state"
    Config = StateConditionConfig
    __slots__ = ("attribute", "duration", "entity_ids", "match_any", "states")

    def __init__(
        self,
        path: str,
        enabled: bool,
        *,
        entity_ids: tuple[str, ...],
        states: frozenset[Any] | tuple[Any, ...] | AnyValue,
        attribute: str | None,
        duration: DurationSpec | None,
        match_any: bool,
    ) -> None:
        super().__init__(path, enabled)
        self.entity_ids = entity_ids
        self.states = states
        self.attribute = attribute
        self.duration = duration
        self.match_any = match_any

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: StateConditionConfig = config
        if "state" not in cfg.model_fields_set:
            raise Invalid(mark, "a state condition needs 'state': the state (or states) wanted")
        states = compiler.shared(matcher(cfg.state, mark, "state", as_state=cfg.attribute is None))
        duration = compiler.duration(cfg.for_, mark_of(data, "for", mark), "for") \
            if cfg.for_ is not None else None
        return cls(
            path,
            cfg.enabled,
            entity_ids=compiler.entity_ids(cfg.entity_id, mark),
            states=states,
            attribute=compiler.text(cfg.attribute) if cfg.attribute else None,
            duration=duration,
            match_any=cfg.match == "any",
        )

    def _value(self, state: State) -> Any:
        return state.state if self.attribute is None else state.attributes.get(self.attribute)

    def _wanted(self, env: Env, value: Any) -> bool:
        if value in self.states:
            return True
        if isinstance(self.states, AnyValue):
            return True
        for wanted in self.states:
            if isinstance(wanted, str) and _INPUT_ENTITY.match(wanted):
                helper = env.states.get(wanted)
                if helper is not None and helper.state == value:
                    return True
        return False

    def _one(self, env: Env, entity_id: str, variables: Variables) -> bool:
        state = env.states.get(entity_id)
        if state is None:
            raise ConditionError(f"{entity_id} does not exist")
        if not self._wanted(env, self._value(state)):
            return False
        if self.duration is None:
            return True
        period = self.duration.resolve(variables)
        return state.last_changed is None or env.now() - state.last_changed >= period

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        if self.match_any:
            return any(self._one(env, eid, variables) for eid in self.entity_ids)
        return all(self._one(env, eid, variables) for eid in self.entity_ids)

    def why(self, env: Env, variables: Variables) -> str | None:
        for entity_id in self.entity_ids:
            state = env.states.get(entity_id)
            if state is None:
                return f"{entity_id} does not exist"
            value = self._value(state)
            what = entity_id if self.attribute is None else f"{entity_id} {self.attribute}"
            if not self._wanted(env, value):
                return f"{what} is {value!r}, wanted {show_matcher(self.states)}"
            if self.duration is not None and state.last_changed is not None:
                held = env.now() - state.last_changed
                period = self.duration.resolve(variables)
                if held < period:
                    return (f"{what} has been {value!r} for {format_duration(held)}, "
                            f"not yet {format_duration(period)}")
        return None


class NumericStateConditionConfig(ConditionConfig):
    label = "numeric_state condition"
    condition: Literal["numeric_state"]
    entity_id: EntityIds
    above: NumberOrEntity | None = None
    below: NumberOrEntity | None = None
    attribute: str | None = Field(None, description="an attribute name")
    value_template: TemplateText | None = None


class NumericStateCondition(Condition):
    kind = "numeric_state"
    Config = NumericStateConditionConfig
    __slots__ = ("check", "entity_ids")

    def __init__(
        self, path: str, enabled: bool, entity_ids: tuple[str, ...], check: NumericCheck
    ) -> None:
        super().__init__(path, enabled)
        self.entity_ids = entity_ids
        self.check = check

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: NumericStateConditionConfig = config
        check = NumericCheck.build(cfg, compiler, data, mark, "condition")
        return cls(path, cfg.enabled, compiler.entity_ids(cfg.entity_id, mark), check)

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        for entity_id in self.entity_ids:
            try:
                ok = self.check.check(env, entity_id, env.states.get(entity_id), variables)
            except Exception as err:
                raise ConditionError(str(err)) from None
            if not ok:
                return False
        return True

    def why(self, env: Env, variables: Variables) -> str | None:
        for entity_id in self.entity_ids:
            state = env.states.get(entity_id)
            try:
                if not self.check.check(env, entity_id, state, variables):
                    return self.check.why_not(env, entity_id, state, variables)
            except Exception as err:
                return str(err)
        return None
