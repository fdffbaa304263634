"""history_stats: how long (or how often) an entity was in a state over a period (a pump's run
hours today, the share of the night a resident's door stood open), from the recorder's history
plus the live states.

```yaml
history_stats:
  - name: Pump 1 run hours today
    entity_id: switch.pump_1
    state: "on"                    # one state or a list
    type: time                     # time (hours), ratio (%) or count (times it began)
    start: "{{ today_at() }}"      # two of start, end and duration
    end: "{{ now() }}"
  - name: Door open last night
    entity_id: binary_sensor.r12_door
    state: "on"
    type: ratio
    end: "{{ today_at('07:00') }}"
    duration: { hours: 9 }
```

Start and end are templates rendered again when what they read changes and every minute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import RootModel

from integrations.helper_base import HelperSetup, after_restore

from .entity import HistoryStatsSensor
from .schema import HistoryStatsConfig

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "history_stats"
KIND = "helper"


class HistoryStatsSection(RootModel[tuple[HistoryStatsConfig, ...]]):
    """The `history_stats:` section: a list of sensors."""


CONFIG_SCHEMA = HistoryStatsSection


async def async_setup(hub: Hub, config: HistoryStatsSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        for item in config.root:
            sensor = HistoryStatsSensor(hub, item)
            setup.add_entity(sensor)
            sensor.start()
            setup.on_stop(sensor.stop)
            setup.on_stop(await after_restore(hub, sensor.load_history))

    return await HelperSetup.run(hub, build)
