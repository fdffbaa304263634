"""Schema pieces every helper's YAML uses: ids, durations, times, entity ids and templates.

Problems are raised at the key they concern, so the configuration layer reports them as
`FILE:LINE: message` at the right line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from kozani_hub.automation.durations import parse_duration, parse_time_of_day
from kozani_hub.core.states import valid_entity_id
from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine, TemplateError

_OBJECT_ID = re.compile(r"^(?!_)[a-z0-9_]+(?<!_)$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class Frozen(BaseModel):
    """A validated piece of configuration: unknown keys refused, immutable once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(field: str | tuple[str | int, ...], message: str, value: Any = None) -> InitErrorDetails:
    """A problem located at `field` of the model being validated."""
    loc = (field,) if isinstance(field, str) else field
    return InitErrorDetails(type=PydanticCustomError("helper", message), loc=loc, input=value)


def fail(field: str | tuple[str | int, ...], message: str, value: Any = None) -> NoReturn:
    """Raise a validation error located at `field` of the model being validated."""
    raise ValidationError.from_exception_data("helper", [problem(field, message, value)])


def raise_all(problems: list[InitErrorDetails]) -> None:
    """Raise every problem at once, each at its own place (nothing happens for none)."""
    if problems:
        raise ValidationError.from_exception_data("helper", problems)


def none_as_empty(value: Any) -> Any:
    """`pump_override:` with nothing under it means 'all defaults', as in Home Assistant."""
    return {} if value is None else value


def slugify(text: str) -> str:
    """An object id made from a name: 'Pump 1 run hours' -> 'pump_1_run_hours'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("_", plain.lower()).strip("_")


def _object_id(value: str) -> str:
    if not _OBJECT_ID.match(value) or "__" in value:
        raise PydanticCustomError(
            "object_id",
            "not a valid id (an id becomes the object id of an entity: lower-case letters, "
            "digits and single '_')",
        )
    return value


def _entity_id(value: str) -> str:
    if not valid_entity_id(value):
        raise PydanticCustomError(
            "entity_id",
            "expected an entity id such as sensor.tank_1_level, found '{value}'",
            {"value": value},
        )
    return value


def _duration(value: Any) -> Any:
    try:
        return parse_duration(value)
    except ValueError as err:
        raise PydanticCustomError("duration", str(err)) from None


def _signed_duration(value: Any) -> Any:
    try:
        return parse_duration(value, allow_negative=True)
    except ValueError as err:
        raise PydanticCustomError("duration", str(err)) from None


def format_duration(delta: timedelta) -> str:
    """A duration as Home Assistant shows it in attributes: H:MM:SS."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02}:{rest % 60:02}"


def _time_of_day(value: Any) -> Any:
    try:
        return parse_time_of_day(value)
    except ValueError as err:
        raise PydanticCustomError("time_of_day", str(err)) from None


def check_template(source: str) -> str:
    """Compile `source` in the hub's template sandbox; a syntax error is a config error."""
    engine = TemplateEngine(Hub())  # a bare hub: compiling needs its helpers, no states
    try:
        engine.compile(source)
    except TemplateError as err:
        raise PydanticCustomError("template", "{error}", {"error": str(err)}) from None
    return source


def entity_ids_of(value: Any) -> Any:
    """One entity id or a list of them, as Home Assistant accepts: always a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


ObjectId = Annotated[str, AfterValidator(_object_id)]
EntityId = Annotated[str, AfterValidator(_entity_id)]
EntityIds = Annotated[tuple[EntityId, ...], BeforeValidator(entity_ids_of)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
SignedDuration = Annotated[timedelta, BeforeValidator(_signed_duration)]
TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]
TemplateText = Annotated[str, AfterValidator(check_template)]

