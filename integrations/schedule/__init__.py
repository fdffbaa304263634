"""schedule: weekly timetables (a school's heating hours, a hall's opening hours) that are on
inside a block and off outside, with `next_event` for the next change.

```yaml
schedule:
  school_heating:
    name: School heating hours
    monday:
      - from: "06:30:00"
        to: "15:00:00"
        data: { setpoint: 21 }     # shown as attributes while the block is on
    tuesday:
      - { from: "06:30", to: "15:00" }
    saturday:
      - { from: "20:00", to: "24:00:00" }   # up to midnight
```

Service: `schedule.get_schedule` answers each targeted schedule's weekly blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from integrations.helper_base import HelperSetup, NoData
from kozani_hub.core.services import ServiceCall

from .entity import Schedule
from .schema import ScheduleSection

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "schedule"
KIND = "helper"
CONFIG_SCHEMA = ScheduleSection


async def async_setup(hub: Hub, config: ScheduleSection) -> HelperSetup:
    def get_schedule(call: ServiceCall) -> dict[str, Any]:
        found: list[Schedule] = hub.entities.targets(call, Schedule)
        return {entity.entity_id: entity.timetable() for entity in found}

    async def build(setup: HelperSetup) -> None:
        for object_id, item in config.root.items():
            entity = Schedule(object_id, item)
            setup.add_entity(entity, write=False)
            entity.start()
            setup.on_stop(entity.stop)
        setup.on_stop(
            hub.services.register(DOMAIN, "get_schedule", get_schedule, NoData,
                                  "The weekly blocks of schedules")
        )

    return await HelperSetup.run(hub, build)
