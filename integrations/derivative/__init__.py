"""derivative: a sensor's rate of change (a tank's level in m/h, a meter's kWh into kW),
averaged over a time window as Home Assistant's derivative sensor does.

```yaml
derivative:
  - source: sensor.tank_1_level
    name: Tank 1 level rate
    unit_time: h             # s, min, h (default) or d
    time_window: "00:10:00"  # average the rate over this window (default: none)
    round: 3                 # decimals (default 2)
    unit_prefix: k           # optional: n, µ, m, k, M, G, T
    unit: m/h                # optional: default is the source's unit per unit_time
    max_sub_interval: "00:05:00"   # optional: a source quiet this long counts as unchanged
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import RootModel

from integrations.helper_base import HelperSetup

from .entity import DerivativeConfig, DerivativeSensor

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "derivative"
KIND = "helper"


class DerivativeSection(RootModel[tuple[DerivativeConfig, ...]]):
    """The `derivative:` section: a list of derivative sensors."""


CONFIG_SCHEMA = DerivativeSection


async def async_setup(hub: Hub, config: DerivativeSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        for item in config.root:
            sensor = DerivativeSensor(item)
            setup.add_entity(sensor)
            sensor.start()
            setup.on_stop(sensor.stop)

    return await HelperSetup.run(hub, build)
