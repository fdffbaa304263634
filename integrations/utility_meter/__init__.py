"""utility_meter: what an energy (or water) meter counted per day, week, month or year, per
building, with tariffs, as Home Assistant's utility_meter.

```yaml
utility_meter:
  town_hall_energy_monthly:
    source: sensor.town_hall_energy      # a total that only grows (kWh)
    name: Town hall energy this month
    cycle: monthly         # quarter-hourly, hourly, daily, weekly, monthly, bimonthly,
                           # quarterly, yearly; or cron: "0 6 * * mon"
    offset: { days: 0 }    # move the reset (e.g. hours: 6 for a day starting at 06:00)
    tariffs: [day, night]  # optional: select.<id> picks the one counting now
    periodically_resetting: true   # a source that drops to 0 was reset: count from there
    net_consumption: false # true: a source going down counts negative
    delta_values: false    # true: the source reports increments, not a total
```

Entities: `sensor.<id>` (or `sensor.<id>_<tariff>` and `select.<id>`), with attributes
`last_period`, `last_reset`, `next_reset`, `status`, `last_valid_state`. Services:
`utility_meter.select_tariff` (tariff), `next_tariff`, `reset`, `calibrate` (value). Each
reset fires `utility_meter_reset` with `entity_id` and `last_period`.

After a restart the cycle's count comes back from the recorder; a cycle that ended while the
hub was down is reset as it starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.helper_base import HelperSetup, after_restore

from .meter import Meter
from .schema import UtilityMeterSection
from .services import register_services

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "utility_meter"
KIND = "helper"
CONFIG_SCHEMA = UtilityMeterSection


async def async_setup(hub: Hub, config: UtilityMeterSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        by_entity: dict[str, Meter] = {}
        for object_id, item in config.root.items():
            meter = Meter(hub, object_id, item)
            for entity in meter.entities():
                setup.add_entity(entity, write=False)  # published once restored
                by_entity[entity.entity_id] = meter
            meter.start()
            setup.on_stop(meter.stop)
            setup.on_stop(await after_restore(hub, meter.restore))
        for remove in register_services(hub, by_entity):
            setup.on_stop(remove)

    return await HelperSetup.run(hub, build)
