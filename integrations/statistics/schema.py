"""A `statistics:` sensor, as Home Assistant's statistics sensor is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Self

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from integrations.helper_base.schema import Duration, EntityId, Frozen, fail

from .characteristics import ALIASES, CHARACTERISTICS


class StatisticsConfig(Frozen):
    entity_id: EntityId
    name: str = Field(min_length=1)
    state_characteristic: str
    max_age: Duration | None = None
    sampling_size: int | None = Field(default=None, ge=1)
    precision: int = Field(default=2, ge=0, le=12)
    percentile: float = Field(default=50, gt=0, lt=100)
    keep_last_sample: bool = False

    @field_validator("state_characteristic", mode="before")
    @classmethod
    def _known(cls, value: Any) -> Any:
        name = ALIASES.get(value, value) if isinstance(value, str) else value
        if isinstance(name, str) and name not in CHARACTERISTICS:
            raise PydanticCustomError(
                "characteristic",
                "unknown characteristic '{value}'; expected one of {known}",
                {"value": value, "known": ", ".join([*CHARACTERISTICS, *ALIASES])},
            )
        return name

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.max_age is None and self.sampling_size is None:
            fail("state_characteristic", "a statistics sensor needs max_age, sampling_size or "
                 "both, to say which samples it keeps")
        if self.max_age is not None and self.max_age <= timedelta(0):
            fail("max_age", "max_age must be longer than zero", str(self.max_age))
        if self.keep_last_sample and self.max_age is None:
            fail("keep_last_sample", "keep_last_sample needs max_age")
        return self
