"""The `utility_meter:` section, as Home Assistant writes it, and the reset schedule of a cycle."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal, Self

from apscheduler.triggers.cron import CronTrigger
from pydantic import BeforeValidator, RootModel, model_validator

from integrations.helper_base.schema import (
    Duration,
    EntityId,
    Frozen,
    ObjectId,
    fail,
    none_as_empty,
)
from kozani_hub.core.scheduler import crontab_trigger

Cycle = Literal[
    "quarter-hourly", "hourly", "daily", "weekly", "monthly", "bimonthly", "quarterly", "yearly"
]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TARIFF = re.compile(r"^[a-z0-9_]+$")


class UtilityMeterConfig(Frozen):
    source: EntityId
    name: str | None = None
    cycle: Cycle | None = None
    offset: Duration = timedelta(0)
    cron: str | None = None
    tariffs: tuple[str, ...] = ()
    net_consumption: bool = False
    delta_values: bool = False
    periodically_resetting: bool = True
    always_available: bool = False
    unique_id: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.cycle is not None and self.cron is not None:
            fail("cron", "give cycle or cron, not both")
        if self.cron is not None:
            try:
                cron_trigger(self.cron, None)
            except ValueError as err:
                fail(
                    "cron",
                    f"not a cron schedule ({err}); expected five fields such as '0 6 * * mon-fri'",
                    self.cron,
                )
        if (
            self.offset
            and self.cycle in ("quarter-hourly", "hourly")
            and self.offset >= timedelta(minutes=15 if self.cycle == "quarter-hourly" else 60)
        ):
            fail("offset", f"an offset of {self.offset} is longer than a {self.cycle} cycle")
        for index, tariff in enumerate(self.tariffs):
            if not _TARIFF.match(tariff):
                fail(
                    ("tariffs", index),
                    f"tariff '{tariff}' becomes part of an entity id: use "
                    "lower-case letters, digits and '_'",
                    tariff,
                )
        if len(set(self.tariffs)) != len(self.tariffs):
            fail("tariffs", "tariffs must differ")
        return self


def cycle_fields(cycle: str, offset: timedelta) -> dict[str, Any]:
    """APScheduler cron fields for a cycle's resets, moved by `offset` (as Home Assistant)."""
    minute = offset.seconds % 3600 // 60
    hour = offset.seconds // 3600
    fields: dict[str, Any] = {"second": 0, "minute": minute}
    if cycle == "quarter-hourly":
        fields["minute"] = f"{minute}/15"
        return fields
    if cycle != "hourly":
        fields["hour"] = hour
    if cycle == "weekly":
        fields["day_of_week"] = WEEKDAYS[offset.days % 7]
    elif cycle in ("monthly", "bimonthly", "quarterly", "yearly"):
        fields["day"] = offset.days + 1
        fields["month"] = {"monthly": "*", "bimonthly": "*/2", "quarterly": "*/3", "yearly": "1"}[
            cycle
        ]
    return fields


def cron_trigger(expression: str, tz: Any) -> CronTrigger:
    """A five-field crontab schedule; weekdays count from Sunday = 0 as in crontab."""
    return crontab_trigger(expression, tz)


Entry = Annotated[UtilityMeterConfig, BeforeValidator(none_as_empty)]


class UtilityMeterSection(RootModel[dict[ObjectId, Entry]]):
    """The `utility_meter:` section: id -> meter."""
