"""The `input_number:` section, as Home Assistant writes it."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, RootModel, model_validator

from integrations.helper_base.schema import Frozen, ObjectId, fail, none_as_empty


class InputNumberConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    min: float
    max: float
    step: float = Field(default=1.0, gt=0)
    mode: Literal["slider", "box"] = "slider"
    initial: float | None = None
    unit_of_measurement: str | None = None

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        if self.max <= self.min:
            fail("max", f"max ({_show(self.max)}) must be greater than min ({_show(self.min)})",
                 self.max)
        if self.initial is not None and not self.min <= self.initial <= self.max:
            fail("initial", f"initial value {_show(self.initial)} is outside "
                 f"{_show(self.min)}..{_show(self.max)}", self.initial)
        return self


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


Entry = Annotated[InputNumberConfig, BeforeValidator(none_as_empty)]


class InputNumberSection(RootModel[dict[ObjectId, Entry]]):
    """The `input_number:` section: id -> settings."""
