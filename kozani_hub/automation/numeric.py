"""The numeric_state check shared by the trigger and the condition: is a value within range?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.config.marked import Mark
from kozani_hub.core.states import STATE_UNAVAILABLE, STATE_UNKNOWN, State, valid_entity_id

from .problems import Invalid, mark_of, show

if TYPE_CHECKING:
    from kozani_hub.templates import Template

    from .compiler import Compiler
    from .env import Env


class NumericError(Exception):
    """The value could not be read as a number; the text says why."""


class Bound:
    """`above:` or `below:`: a number, or an entity holding one."""

    __slots__ = ("entity_id", "number")

    def __init__(self, number: float | None, entity_id: str | None) -> None:
        self.number = number
        self.entity_id = entity_id

    @classmethod
    def parse(cls, value: Any, mark: Mark, what: str) -> Bound | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls(float(value), None)
        text = str(value).strip()
        try:
            return cls(float(text), None)
        except ValueError:
            pass
        if valid_entity_id(text.lower()):
            return cls(None, text.lower())
        raise Invalid(mark, f"'{what}' must be a number or an entity id, got {show(value)}")

    def resolve(self, env: Env) -> float:
        if self.number is not None:
            return self.number
        assert self.entity_id is not None
        state = env.states.get(self.entity_id)
        if state is None:
            raise NumericError(f"the limit {self.entity_id} does not exist")
        try:
            return float(state.state)
        except ValueError:
            raise NumericError(
                f"the limit {self.entity_id} is {state.state!r}, not a number"
            ) from None

    def __str__(self) -> str:
        return self.entity_id or f"{self.number:g}"


class NumericCheck:
    """Reads a number from a state (its state, an attribute, or a template) and checks a range."""

    __slots__ = ("above", "attribute", "below", "description", "value_template")

    def __init__(
        self,
        above: Bound | None,
        below: Bound | None,
        attribute: str | None,
        value_template: Template | None,
    ) -> None:
        self.above = above
        self.below = below
        self.attribute = attribute
        self.value_template = value_template
        parts = [f"above {above}" if above is not None else "",
                 f"below {below}" if below is not None else ""]
        self.description = " and ".join(part for part in parts if part)
        """'above 50', 'below sensor.limit', 'above 10 and below 20'."""

    @classmethod
    def build(
        cls, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark, what: str
    ) -> NumericCheck:
        """The check of a numeric_state trigger or condition (`what`) from its configuration:
        `above`, `below`, `attribute` and `value_template`."""
        if config.above is None and config.below is None:
            raise Invalid(mark, f"a numeric_state {what} needs 'above', 'below' or both")
        template = None
        if config.value_template is not None:
            template = compiler.template(
                config.value_template, mark_of(data, "value_template", mark), "value_template"
            )
        return cls(
            Bound.parse(config.above, mark_of(data, "above", mark), "above"),
            Bound.parse(config.below, mark_of(data, "below", mark), "below"),
            compiler.text(config.attribute) if config.attribute else None,
            template,
        )

    def value(
        self, env: Env, entity_id: str, state: State | None, variables: Mapping[str, Any]
    ) -> float:
        """The number to compare; NumericError when there is none."""
        if state is None:
            raise NumericError(f"{entity_id} does not exist")
        raw: Any
        if self.value_template is not None:
            raw = self.value_template.render({**variables, "state": state})
        elif self.attribute is not None:
            raw = state.attributes.get(self.attribute)
            if raw is None:
                raise NumericError(f"{entity_id} has no attribute {self.attribute!r}")
        else:
            raw = state.state
            if raw in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                raise NumericError(f"{entity_id} is {raw}")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise NumericError(f"{entity_id} is {raw!r}, not a number") from None
        if math.isnan(number):
            raise NumericError(f"{entity_id} is not a number")
        return number

    def in_range(self, env: Env, number: float) -> bool:
        above, below = self.above, self.below
        if above is not None:
            limit = above.number if above.number is not None else above.resolve(env)
            if number <= limit:
                return False
        if below is not None:
            limit = below.number if below.number is not None else below.resolve(env)
            if number >= limit:
                return False
        return True

    def check(
        self, env: Env, entity_id: str, state: State | None, variables: Mapping[str, Any]
    ) -> bool:
        return self.in_range(env, self.value(env, entity_id, state, variables))

    def describe(self) -> str:
        return self.description

    def why_not(
        self, env: Env, entity_id: str, state: State | None, variables: Mapping[str, Any]
    ) -> str:
        """Why `check` is false, in words."""
        try:
            number = self.value(env, entity_id, state, variables)
        except Exception as err:
            return str(err)
        return f"{entity_id} is {number:g}, not {self.describe()}"
