"""A `workday:` sensor, as Home Assistant's workday binary sensor is written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from integrations.helper_base.schema import Frozen, fail

from .calendar import languages_of, supported

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"]
WEEKDAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _dates(value: Any) -> Any:
    """Dates, or ranges written 'first,last'; YAML's own dates kept as they are."""
    if not isinstance(value, list | tuple):
        return value
    out: list[date] = []
    for item in value:
        if isinstance(item, date):
            out.append(item)
            continue
        text = str(item)
        first, _, last = text.partition(",")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise PydanticCustomError(
                "holiday_date", "expected a date such as 2026-08-10 or a range "
                "'2026-08-10,2026-08-14', found '{text}'", {"text": text},
            ) from None
        if end < start:
            raise PydanticCustomError("holiday_date", "the range '{text}' ends before it starts",
                                      {"text": text})
        out += [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return out


def _dates_or_names(value: Any) -> Any:
    if not isinstance(value, list | tuple):
        return value
    out: list[date | str] = []
    for item in value:
        if isinstance(item, date):
            out.append(item)
        elif isinstance(item, str) and item[:1].isdigit():
            out += _dates([item])
        else:
            out.append(str(item))
    return out


class WorkdayConfig(Frozen):
    name: str = Field(default="Workday Sensor", min_length=1)
    country: str
    province: str | None = None
    language: str | None = None
    workdays: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri")
    excludes: tuple[Day, ...] = ("sat", "sun", "holiday")
    days_offset: int = Field(default=0, ge=-3650, le=3650)
    add_holidays: Annotated[tuple[date, ...], BeforeValidator(_dates)] = ()
    remove_holidays: Annotated[tuple[date | str, ...], BeforeValidator(_dates_or_names)] = ()

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in supported():
            raise PydanticCustomError(
                "country", "no public holidays known for country '{value}'; use a two-letter "
                "ISO code such as GR", {"value": value},
            )
        return value.upper()

    @model_validator(mode="after")
    def _known_province_and_language(self) -> Self:
        provinces = supported()[self.country]
        if self.province is not None and self.province not in provinces:
            known = ", ".join(provinces) or "none"
            fail("province", f"'{self.province}' is not a province of {self.country} "
                 f"(known: {known})", self.province)
        languages = languages_of(self.country)
        if self.language is not None and self.language not in languages:
            fail("language", f"holiday names of {self.country} come in "
                 f"{', '.join(languages) or 'one language only'}, not '{self.language}'",
                 self.language)
        return self
