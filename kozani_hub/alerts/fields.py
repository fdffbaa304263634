"""Value types of the `alerts:` section: durations, times of day, ids, templates, closed sets."""

from __future__ import annotations

import re
from datetime import time, timedelta
from enum import StrEnum
from typing import Annotated, Any

import jinja2
from pydantic import BaseModel, BeforeValidator, ConfigDict

from kozani_hub.automation.durations import parse_duration, parse_time_of_day
from kozani_hub.core.states import valid_entity_id

_ID = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_PARSER = jinja2.Environment(autoescape=False)


class Section(BaseModel):
    """A validated, frozen part of the section that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Severity(StrEnum):
    """How urgent an alert is, most urgent first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


class Category(StrEnum):
    """What an alert is about; the report counts alarm rates per category."""

    CARE = "care"
    WATER = "water"
    ENERGY = "energy"
    LIGHTING = "lighting"
    MAINTENANCE = "maintenance"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


def _duration(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value
    return parse_duration(value)


def _time_of_day(value: Any) -> Any:
    return parse_time_of_day(value)


def _identifier(value: Any) -> Any:
    if isinstance(value, str) and not _ID.fullmatch(value):
        raise ValueError(
            f"expected an id of lower-case letters, digits and single underscores (such as "
            f"'resident_r01_sos'), found {value!r}"
        )
    return value


def _entity_id(value: Any) -> Any:
    if isinstance(value, str) and not valid_entity_id(value):
        raise ValueError(f"expected an entity id such as 'sensor.tank_north_level', found {value!r}")
    return value


def _template(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        _PARSER.parse(value)
    except jinja2.TemplateSyntaxError as err:
        raise ValueError(f"template syntax error: {err.message} (template line {err.lineno})") \
            from None
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]
Identifier = Annotated[str, BeforeValidator(_identifier)]
EntityId = Annotated[str, BeforeValidator(_entity_id)]
TemplateText = Annotated[str, BeforeValidator(_template)]
Names = Annotated[tuple[str, ...], BeforeValidator(_one_or_many)]
