"""The `input_datetime:` section and the data of `input_datetime.set_datetime`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, RootModel, model_validator

from integrations.helper_base.schema import Frozen, ObjectId, fail, none_as_empty

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M:%S"


def parse_value(text: str, has_date: bool, has_time: bool) -> tuple[dt.date | None, dt.time | None]:
    """A date, a time or both from text as the state shows them; ValueError otherwise."""
    text = text.strip()
    if has_date and has_time:
        moment = dt.datetime.fromisoformat(text)
        return moment.date(), moment.time().replace(tzinfo=None)
    if has_date:
        return dt.date.fromisoformat(text[:10]), None
    return None, dt.time.fromisoformat(text[-8:] if len(text) > 8 else text)


def _expected(has_date: bool, has_time: bool) -> str:
    if has_date and has_time:
        return "a date and time such as '2026-03-25 07:30:00'"
    return "a date such as '2026-03-25'" if has_date else "a time such as '07:30:00'"


class InputDatetimeConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    has_date: bool = False
    has_time: bool = False
    initial: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _initial_as_text(cls, data: object) -> object:
        # YAML reads 2026-03-25 as a date: take it as the text it was written as.
        initial = data.get("initial") if isinstance(data, dict) else None
        if isinstance(initial, int) and not isinstance(initial, bool):
            fail("initial", f"expected a time in quotes, found the number {initial}: unquoted, "
                 "YAML reads a time such as 07:30:00 as a number; write \"07:30:00\"", initial)
        if isinstance(data, dict) and isinstance(initial, dt.date | dt.datetime):
            return {**data, "initial": data["initial"].isoformat(sep=" ")
                    if isinstance(data["initial"], dt.datetime) else data["initial"].isoformat()}
        return data

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not (self.has_date or self.has_time):
            fail("has_date", "an input_datetime needs has_date: true, has_time: true, or both")
        if self.initial is not None:
            try:
                parse_value(self.initial, self.has_date, self.has_time)
            except ValueError:
                fail("initial", f"expected {_expected(self.has_date, self.has_time)}, found "
                     f"'{self.initial}'", self.initial)
        return self


Entry = Annotated[InputDatetimeConfig, BeforeValidator(none_as_empty)]


class InputDatetimeSection(RootModel[dict[ObjectId, Entry]]):
    """The `input_datetime:` section: id -> settings."""


class SetDatetime(BaseModel):
    """`date`, `time` (either or both), or `datetime`, or `timestamp` (seconds since 1970)."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    time: dt.time | None = None
    datetime: dt.datetime | None = None
    timestamp: float | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        given = [k for k in ("date", "time", "datetime", "timestamp") if getattr(self, k) is not None]
        if not given:
            raise ValueError("give date, time, datetime or timestamp")
        if len(given) > 1 and set(given) != {"date", "time"}:
            raise ValueError(f"give only one of datetime, timestamp or date/time; got {', '.join(given)}")
        return self
