"""input_datetime: a date, a time of day, or both, set at run time (the school's next open
day, the hour street lights dim), kept across restarts.

```yaml
input_datetime:
  street_dim_time:
    name: Street lights dim at
    has_time: true
    initial: "00:30:00"
  school_reopens:
    has_date: true
    has_time: true
```

Service: `input_datetime.set_datetime` with `date` and/or `time`, `datetime`, or
`timestamp`. The state reads `2026-03-25 07:30:00`, `2026-03-25` or `07:30:00`; attributes
give year..second and `timestamp` (local; seconds since midnight for a time alone).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from integrations.helper_base import HelperEntity, HelperSetup, entity_service
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import State

from .schema import (
    DATE_FORMAT,
    TIME_FORMAT,
    InputDatetimeConfig,
    InputDatetimeSection,
    SetDatetime,
    parse_value,
)

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "input_datetime"
KIND = "helper"
CONFIG_SCHEMA = InputDatetimeSection


class InputDatetime(HelperEntity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: InputDatetimeConfig) -> None:
        super().__init__(
            f"{DOMAIN}.{object_id}",
            name=config.name,
            icon=config.icon,
            restore=config.initial is None,
        )
        self.has_date, self.has_time = config.has_date, config.has_time
        self.date: dt.date | None = None
        self.time: dt.time | None = None
        if config.initial is not None:
            self.date, self.time = parse_value(config.initial, self.has_date, self.has_time)

    @property
    def is_set(self) -> bool:
        return (self.date is not None or not self.has_date) and (
            self.time is not None or not self.has_time
        )

    @property
    def state_value(self) -> object:
        if not self.is_set:
            return None
        parts = []
        if self.date is not None:
            parts.append(self.date.strftime(DATE_FORMAT))
        if self.time is not None:
            parts.append(self.time.strftime(TIME_FORMAT))
        return " ".join(parts)

    def state_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {"has_date": self.has_date, "has_time": self.has_time}
        attrs["editable"] = False
        if not self.is_set:
            return attrs
        if self.date is not None:
            attrs.update(year=self.date.year, month=self.date.month, day=self.date.day)
        if self.time is not None:
            attrs.update(hour=self.time.hour, minute=self.time.minute, second=self.time.second)
        attrs["timestamp"] = self._timestamp()
        return attrs

    def _timestamp(self) -> float:
        if self.date is None:
            assert self.time is not None
            return float(self.time.hour * 3600 + self.time.minute * 60 + self.time.second)
        local = dt.datetime.combine(self.date, self.time or dt.time(0), self.hub.tz)
        return local.timestamp()

    def take_saved(self, state: State) -> bool:
        try:
            self.date, self.time = parse_value(state.state, self.has_date, self.has_time)
        except ValueError:
            return False
        return True

    def take_default(self) -> None:
        today = self.hub.now().date()
        self.date = today if self.has_date else None
        self.time = dt.time(0) if self.has_time else None

    def set_datetime(self, data: SetDatetime, call: ServiceCall) -> None:
        date, time = data.date, data.time
        moment: dt.datetime | None = data.datetime
        if data.timestamp is not None:
            moment = dt.datetime.fromtimestamp(data.timestamp, self.hub.tz)
        if moment is not None:
            if moment.tzinfo is not None:
                moment = moment.astimezone(self.hub.tz)
            date, time = moment.date(), moment.time().replace(tzinfo=None)
        if self.has_date and date is not None:
            self.date = date
        if self.has_time and time is not None:
            self.time = time.replace(tzinfo=None, microsecond=0)
        if self.date is None and self.has_date:
            self.date = self.hub.now().date()
        if self.time is None and self.has_time:
            self.time = dt.time(0)
        self.settled = True
        self.write_state(call.context)


def _set(entity: InputDatetime, call: ServiceCall) -> None:
    data = call.model
    if not isinstance(data, SetDatetime):
        data = SetDatetime.model_validate(dict(call.data))
    entity.set_datetime(data, call)


async def async_setup(hub: Hub, config: InputDatetimeSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [InputDatetime(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        setup.on_stop(
            entity_service(
                hub, DOMAIN, "set_datetime", InputDatetime, _set, schema=SetDatetime,
                description="Set the date and/or time",
            )
        )
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)
