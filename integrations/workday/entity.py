"""The workday binary sensor: on for a working day (today plus days_offset, local time)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from integrations.helper_base.schema import slugify
from kozani_hub.core.scheduler import Job
from kozani_hub.core.states import STATE_OFF, STATE_ON
from kozani_hub.entities import Entity

from .calendar import HolidayCalendar
from .schema import WEEKDAYS, WorkdayConfig

_LOGGER = logging.getLogger(__name__)


class Workday(Entity):
    domain = "binary_sensor"

    def __init__(self, config: WorkdayConfig) -> None:
        super().__init__(
            f"binary_sensor.{slugify(config.name)}",
            name=config.name,
            attributes={
                "workdays": list(config.workdays),
                "excludes": list(config.excludes),
                "days_offset": config.days_offset,
            },
        )
        self.config = config
        self.calendar = HolidayCalendar(
            config.country,
            config.province,
            config.language,
            add=[(day, "Added holiday") for day in config.add_holidays],
            remove=config.remove_holidays,
        )
        self.day: date | None = None
        self._midnight: Job | None = None

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a working day under this sensor's rules."""
        weekday = WEEKDAYS[day.weekday()]
        holiday = self.calendar.name(day) is not None
        if weekday in self.config.excludes or (holiday and "holiday" in self.config.excludes):
            return False
        return weekday in self.config.workdays or (holiday and "holiday" in self.config.workdays)

    @property
    def state_value(self) -> object:
        if self.day is None:
            return None
        return STATE_ON if self.is_workday(self.day) else STATE_OFF

    def state_attributes(self) -> dict[str, Any]:
        return {"holiday": self.calendar.name(self.day) if self.day else None}

    def start(self) -> None:
        self._midnight = self.hub.scheduler.cron_fields(
            self.update, name="workday midnight", hour=0, minute=0, second=0
        )
        self.update()
        self._warn_unused_removals()

    def stop(self) -> None:
        if self._midnight is not None:
            self._midnight.cancel()
            self._midnight = None

    def update(self) -> None:
        self.day = self.hub.now().date() + timedelta(days=self.config.days_offset)
        self.write_state()

    def _warn_unused_removals(self) -> None:
        assert self.day is not None
        for year in (self.day.year, self.day.year + 1):
            self.calendar.name(date(year, 1, 1))
        wanted = {r.casefold() for r in self.config.remove_holidays if isinstance(r, str)}
        for name in sorted(wanted - self.calendar.removed_names_found):
            _LOGGER.warning(
                "%s: remove_holidays names '%s', which is no holiday of %s; its holidays are: %s",
                self.entity_id, name, self.config.country,
                ", ".join(self.calendar.english_names(self.day.year)),
            )
