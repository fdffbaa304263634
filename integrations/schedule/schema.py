"""The `schedule:` section: weekly on/off blocks, as Home Assistant writes them."""

from __future__ import annotations

from datetime import time
from itertools import pairwise
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, RootModel, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from integrations.helper_base.schema import (
    Frozen,
    ObjectId,
    TimeOfDay,
    none_as_empty,
    problem,
    raise_all,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _until(value: Any) -> Any:
    """`to: "24:00:00"` is the end of the day (None here)."""
    if isinstance(value, str) and value.strip() in ("24:00", "24:00:00"):
        return None
    if value is None:
        raise PydanticCustomError("time_of_day", 'expected a time of day such as "15:00"')
    return value


class Block(Frozen):
    """From `from` until `to` (not included); `to: "24:00:00"` runs to midnight."""

    start: TimeOfDay = Field(alias="from")
    end: Annotated[TimeOfDay | None, BeforeValidator(_until)] = Field(alias="to")
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _forward(self) -> Self:
        if self.end is not None and self.end <= self.start:
            raise PydanticCustomError(
                "block",
                "a block must end after it starts: {start} to {end} (use \"24:00:00\" to run "
                "to midnight)",
                {"start": show(self.start), "end": show(self.end)},
            )
        return self


def show(moment: time | None) -> str:
    return "24:00:00" if moment is None else moment.strftime("%H:%M:%S")


class ScheduleConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    monday: tuple[Block, ...] = ()
    tuesday: tuple[Block, ...] = ()
    wednesday: tuple[Block, ...] = ()
    thursday: tuple[Block, ...] = ()
    friday: tuple[Block, ...] = ()
    saturday: tuple[Block, ...] = ()
    sunday: tuple[Block, ...] = ()

    def blocks(self, weekday: int) -> tuple[Block, ...]:
        """The blocks of a weekday (0 is Monday), in time order."""
        found: tuple[Block, ...] = getattr(self, WEEKDAYS[weekday])
        return tuple(sorted(found, key=lambda b: b.start))

    @model_validator(mode="after")
    def _no_overlaps(self) -> Self:
        problems: list[InitErrorDetails] = []
        for day in WEEKDAYS:
            blocks = sorted(getattr(self, day), key=lambda b: b.start)
            for earlier, later in pairwise(blocks):
                if earlier.end is None or earlier.end > later.start:
                    index = getattr(self, day).index(later)
                    problems.append(problem((day, index), f"{day}: the block from "
                                            f"{show(later.start)} overlaps the one from "
                                            f"{show(earlier.start)} to {show(earlier.end)}"))
        raise_all(problems)
        return self


Entry = Annotated[ScheduleConfig, BeforeValidator(none_as_empty)]


class ScheduleSection(RootModel[dict[ObjectId, Entry]]):
    """The `schedule:` section: id -> weekly blocks."""
