"""timer: countdowns rules start and wait for (a pump's cool-down, a corridor light's hold),
on the hub's clock; a running timer survives a restart.

```yaml
timer:
  pump_1_cooldown:
    name: Pump 1 cool-down
    duration: "00:10:00"
    restore: true          # default here (Home Assistant's default is false)
```

Services: `timer.start` (optional duration), `pause`, `cancel`, `finish`, `change`
(duration to add, negative to take away). Events: `timer.started`, `timer.restarted`,
`timer.paused`, `timer.cancelled`, `timer.changed`, `timer.finished` (with `finished_at`).
Attributes: `duration`, `remaining` (when paused or started), `finishes_at` (when active).

After a restart, a running timer goes on to its original finish time; one that fell due
while the hub was down finishes as the hub starts, and `timer.finished` is fired then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.helper_base import HelperSetup, entity_service

from .entity import Timer
from .schema import ChangeData, StartData, TimerSection

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "timer"
KIND = "helper"
CONFIG_SCHEMA = TimerSection


async def async_setup(hub: Hub, config: TimerSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [Timer(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        on_stop = setup.on_stop
        on_stop(
            entity_service(
                hub, DOMAIN, "start", Timer,
                lambda e, c: e.start(c.data.get("duration"), c.context), schema=StartData,
            )
        )
        on_stop(entity_service(hub, DOMAIN, "pause", Timer, lambda e, c: e.pause(c.context)))
        on_stop(entity_service(hub, DOMAIN, "cancel", Timer, lambda e, c: e.cancel(c.context)))
        on_stop(entity_service(hub, DOMAIN, "finish", Timer, lambda e, c: e.finish(c.context)))
        on_stop(
            entity_service(
                hub, DOMAIN, "change", Timer,
                lambda e, c: e.change(c.data["duration"], c.context), schema=ChangeData,
            )
        )
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)
