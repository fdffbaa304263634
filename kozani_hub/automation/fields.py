"""Field types shared by the schemas of triggers, conditions and actions.

The pydantic models check the shape of what a rule wrote and give `kozani-hub schema` its
JSON Schema; each field's description doubles as the "expected ..." of an error message.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

REF = "x-kozani-ref"
"""Marks a place in a field's JSON Schema that `schema.py` turns into a $ref."""

ENTITY_IDS = "an entity id or a list of entity ids"
TEMPLATE = "a template such as \"{{ states('sensor.x') | float(0) > 20 }}\""
DURATION = 'a duration such as "00:05:00", 300 (seconds), {minutes: 5} or a template'
STATE_VALUE = 'a state such as "on", a list of states, or null for any'
NUMBER_OR_ENTITY = "a number, or the entity id of a sensor holding one"

EntityIds = Annotated[
    str | list[str],
    Field(description=ENTITY_IDS),
]
Duration = Annotated[
    str | int | float | dict[str, Any],
    Field(description=DURATION),
]
StateValue = Annotated[
    str | int | float | bool | list[str | int | float | bool] | None,
    Field(description=STATE_VALUE),
]
AnyValue = Annotated[
    str | int | float | bool | list[Any] | dict[str, Any] | None,
    Field(description="a value, or a list of values"),
]
NumberOrEntity = Annotated[float | str, Field(description=NUMBER_OR_ENTITY)]
TemplateText = Annotated[str, Field(description=TEMPLATE)]

Actions = Annotated[
    Any,
    WithJsonSchema({REF: "actions"}),
    Field(description="an action or a list of actions"),
]
Conditions = Annotated[
    Any,
    WithJsonSchema({REF: "conditions"}),
    Field(description="a condition or a list of conditions"),
]
Triggers = Annotated[
    Any,
    WithJsonSchema({REF: "triggers"}),
    Field(description="a trigger or a list of triggers"),
]
VariablesMap = Annotated[
    dict[str, Any],
    Field(description="a mapping of variable names to values or templates"),
]


class Model(BaseModel):
    """Base of every rule schema: unknown keys are errors, names as the YAML writes them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    label: ClassVar[str] = "item"
    """How a person names this kind of item in an error message ("state trigger")."""

    @classmethod
    def keys(cls) -> list[str]:
        """The keys this item accepts, as written in YAML."""
        return [f.alias or name for name, f in cls.model_fields.items()]
