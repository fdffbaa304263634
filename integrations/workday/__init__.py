"""workday: a binary sensor that is on for working days: weekdays that are not public holidays
(Greece's holidays, with the movable Orthodox ones, from the `holidays` package).

```yaml
workday:
  - name: Workday
    country: GR
    workdays: [mon, tue, wed, thu, fri]     # default
    excludes: [sat, sun, holiday]           # default
    days_offset: 0          # 1: is tomorrow a working day?
    add_holidays:           # local holidays: dates or ranges "first,last"
      - "2026-12-07"        # a local holiday
      - "2026-08-10,2026-08-14"
    remove_holidays:        # dates, or names as the holidays package spells them
      - "2026-01-06"
    language: el            # holiday names in Greek in the `holiday` attribute
```

The state is computed for the local date and again at each local midnight. Service:
`workday.check_date` (check_date) answers `{workday: true|false}` for the targeted sensor.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, RootModel

from integrations.helper_base import HelperSetup
from kozani_hub.core.services import ServiceCall

from .entity import Workday
from .schema import WorkdayConfig

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "workday"
KIND = "helper"


class WorkdaySection(RootModel[tuple[WorkdayConfig, ...]]):
    """The `workday:` section: a list of workday sensors."""


CONFIG_SCHEMA = WorkdaySection


class CheckDate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check_date: date


async def async_setup(hub: Hub, config: WorkdaySection) -> HelperSetup:
    def check_date(call: ServiceCall) -> dict[str, Any]:
        found: list[Workday] = hub.entities.targets(call, Workday)
        day = call.data["check_date"]
        return {entity.entity_id: {"workday": entity.is_workday(day)} for entity in found}

    async def build(setup: HelperSetup) -> None:
        for item in config.root:
            entity = Workday(item)
            setup.add_entity(entity, write=False)
            entity.start()
            setup.on_stop(entity.stop)
        setup.on_stop(
            hub.services.register(DOMAIN, "check_date", check_date, CheckDate,
                                  "Whether a date is a working day")
        )

    return await HelperSetup.run(hub, build)
