"""The `timer:` section and the data of its services."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, RootModel

from integrations.helper_base.schema import (
    Duration,
    Frozen,
    ObjectId,
    SignedDuration,
    none_as_empty,
)


class TimerConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    duration: Duration = timedelta(0)
    restore: bool = True


Entry = Annotated[TimerConfig, BeforeValidator(none_as_empty)]


class TimerSection(RootModel[dict[ObjectId, Entry]]):
    """The `timer:` section: id -> settings."""


class StartData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    duration: Duration | None = None


class ChangeData(BaseModel):
    """`duration` to add to what is left (negative to take away)."""

    model_config = ConfigDict(extra="forbid")
    duration: SignedDuration
