"""The `template:` section: blocks of template sensors and binary sensors, as Home Assistant's
modern template YAML writes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, RootModel, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from integrations.helper_base.schema import (
    Frozen,
    TemplateText,
    check_template,
    problem,
    raise_all,
    slugify,
)
from kozani_hub.automation.durations import parse_duration
from kozani_hub.templates import is_template_string


def _delay(value: Any) -> Any:
    """A delay is a duration, or a template that renders one when it is needed."""
    if isinstance(value, str) and is_template_string(value):
        return check_template(value)
    try:
        return parse_duration(value)
    except ValueError as err:
        raise PydanticCustomError("delay", "{error}", {"error": str(err)}) from None


Delay = Annotated[timedelta | str, BeforeValidator(_delay)]


class TemplateEntityConfig(Frozen):
    name: str = Field(min_length=1)
    unique_id: str | None = None
    state: TemplateText
    availability: TemplateText | None = None
    icon: TemplateText | None = None
    attributes: dict[str, TemplateText] = Field(default_factory=dict)
    device_class: str | None = None


class TemplateSensorConfig(TemplateEntityConfig):
    unit_of_measurement: str | None = None
    state_class: Literal["measurement", "total", "total_increasing"] | None = None


class TemplateBinarySensorConfig(TemplateEntityConfig):
    delay_on: Delay | None = None
    delay_off: Delay | None = None


class TemplateBlock(Frozen):
    sensor: tuple[TemplateSensorConfig, ...] = ()
    binary_sensor: tuple[TemplateBinarySensorConfig, ...] = ()


def _blocks(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class TemplateSection(RootModel[Annotated[tuple[TemplateBlock, ...], BeforeValidator(_blocks)]]):
    """The `template:` section: a list of blocks, each with `sensor:` and `binary_sensor:`."""

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        seen: set[str] = set()
        problems: list[InitErrorDetails] = []
        for index, block in enumerate(self.root):
            for domain in ("sensor", "binary_sensor"):
                configs: tuple[TemplateEntityConfig, ...] = getattr(block, domain)
                for position, config in enumerate(configs):
                    entity_id = f"{domain}.{slugify(config.name)}"
                    loc = (index, domain, position, "name")
                    if entity_id == f"{domain}.":
                        problems.append(problem(loc, f"the name '{config.name}' gives no "
                                                "entity id: use Latin letters or digits"))
                    elif entity_id in seen:
                        problems.append(problem(loc, f"a second {entity_id}: names must "
                                                "differ within sensors and binary sensors"))
                    seen.add(entity_id)
        raise_all(problems)
        return self
