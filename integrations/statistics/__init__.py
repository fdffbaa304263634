"""statistics: a characteristic of a sensor's recent values (the 15-minute mean power demand of
a building, the highest tank level of the last hour), as Home Assistant's statistics sensor.

```yaml
statistics:
  - entity_id: sensor.town_hall_power
    name: Town hall 15-minute demand
    state_characteristic: mean      # mean, median, average_step, average_linear, value_max
                                    # (max), value_min (min), total (sum), count, change,
                                    # standard_deviation, variance, percentile
    max_age: "00:15:00"             # samples older than this leave the buffer
    sampling_size: 1000             # and at most this many are kept (one of the two needed)
    precision: 1
```

After a restart the buffer is filled again from the recorder's history of the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import RootModel

from integrations.helper_base import HelperSetup, after_restore

from .entity import StatisticsSensor
from .schema import StatisticsConfig

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "statistics"
KIND = "helper"


class StatisticsSection(RootModel[tuple[StatisticsConfig, ...]]):
    """The `statistics:` section: a list of statistics sensors."""


CONFIG_SCHEMA = StatisticsSection


async def async_setup(hub: Hub, config: StatisticsSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        for item in config.root:
            sensor = StatisticsSensor(item)
            setup.add_entity(sensor)
            sensor.start()
            setup.on_stop(sensor.stop)
            setup.on_stop(await after_restore(hub, sensor.load_history))

    return await HelperSetup.run(hub, build)
