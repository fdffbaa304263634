"""An alert definition as written in YAML: its condition, delays, texts and who to tell."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from .fields import (
    Category,
    Duration,
    EntityId,
    Identifier,
    Names,
    Section,
    Severity,
    TemplateText,
)

DEFAULT_TITLE = "{{ alert.name }}"
DEFAULT_MESSAGE = (
    "{{ alert.name }}{% if entity_id %}: {{ entity_id }} is {{ value }}{% endif %}"
    " (since {{ since_local }})"
)


class StateCondition(Section):
    """Active while an entity is in one of the given states (`state: "on"`)."""

    type: Literal["state"] = "state"
    entity_id: EntityId
    state: Names = Field(description="the state (or list of states) that is the alarm")
    attribute: str | None = Field(default=None,
                                  description="compare this attribute instead of the state")


class ThresholdCondition(Section):
    """Active while a number is above (or below) a limit; it returns only once the number is
    back past the limit by the deadband, so a level hovering at the limit does not chatter."""

    type: Literal["threshold"] = "threshold"
    entity_id: EntityId
    above: float | None = None
    below: float | None = None
    deadband: float = Field(default=0.0, ge=0,
                            description="how far back past the limit to return")
    attribute: str | None = None

    @model_validator(mode="after")
    def _a_limit(self) -> Self:
        if self.above is None and self.below is None:
            raise ValueError("a threshold needs 'above', 'below', or both")
        if self.above is not None and self.below is not None \
                and self.below + self.deadband >= self.above - self.deadband:
            raise ValueError(
                f"'below' ({self.below:g}) and 'above' ({self.above:g}) leave no normal band "
                f"with a deadband of {self.deadband:g}"
            )
        return self


class TemplateCondition(Section):
    """Active while a template renders true."""

    type: Literal["template"] = "template"
    template: TemplateText


Condition = Annotated[
    StateCondition | ThresholdCondition | TemplateCondition, Field(discriminator="type")
]


def _repeat(value: Any) -> Any:
    return [value] if isinstance(value, str | int | float | dict | timedelta) else value


class Definition(Section):
    """One alert: `alert.<id>`."""

    id: Identifier
    name: str | None = None
    condition: Condition | None = Field(
        default=None,
        description="without one, the alert is raised and cleared by rules (alert.raise)",
    )
    on_delay: Duration = Field(default=timedelta(0),
                               description="how long the condition must hold")
    off_delay: Duration = Field(default=timedelta(0),
                                description="how long it must be gone to return")
    severity: Severity = Severity.MEDIUM
    category: Category = Category.MAINTENANCE
    title: TemplateText = DEFAULT_TITLE
    message: TemplateText = DEFAULT_MESSAGE
    link: TemplateText | None = Field(default=None,
                                      description="a link for the message (template)")
    variables: dict[str, Any] = Field(
        default_factory=dict, description="facts for the templates: resident, site, ..."
    )
    policy: Identifier | None = Field(default=None,
                                      description="the escalation policy: who to tell")
    repeat: Annotated[tuple[Duration, ...], BeforeValidator(_repeat)] = Field(
        default=(),
        description="reminders while unacknowledged: the intervals, the last one repeating",
    )
    latched: bool = Field(default=False,
                          description="stays until alert.reset once the value is normal")
    realarm: Duration | None = Field(
        default=None, description="acknowledged but still active after this long: alarm again"
    )
    group: str | None = Field(default=None,
                              description="alerts with one group key share notifications")
    shelve_max: Duration | None = Field(default=None,
                                        description="the longest shelving allowed")

    @property
    def display_name(self) -> str:
        return self.name or self.id.replace("_", " ").capitalize()

    @property
    def entity_id(self) -> str:
        return f"alert.{self.id}"

    @property
    def source_entity(self) -> str | None:
        condition = self.condition
        if isinstance(condition, StateCondition | ThresholdCondition):
            return condition.entity_id
        return None

    @model_validator(mode="after")
    def _positive_repeats(self) -> Self:
        if any(r <= timedelta(0) for r in self.repeat):
            raise ValueError("'repeat' intervals must be longer than zero")
        if self.realarm is not None and self.realarm <= timedelta(0):
            raise ValueError("'realarm' must be longer than zero")
        return self
