"""template: sensors and binary sensors computed from other states by templates (a tank's
volume from its level, "any pump running"), rendered again when what they read changes and
at the start of every minute if they read the time.

```yaml
template:
  - sensor:
      - name: Tank 1 volume
        unit_of_measurement: m³
        state_class: measurement
        state: "{{ (states('sensor.tank_1_level') | float(0) * 12.5) | round(1) }}"
        availability: "{{ has_value('sensor.tank_1_level') }}"
        attributes:
          percent: "{{ (states('sensor.tank_1_level') | float(0) / 4 * 100) | round }}"
    binary_sensor:
      - name: Tank 1 low
        device_class: problem
        state: "{{ states('sensor.tank_1_level') | float(9) < 1.2 }}"
        delay_on: "00:00:30"     # a duration or a template
        delay_off: { minutes: 2 }
```

The entity id comes from the name (`sensor.tank_1_volume`). A template that fails to render
makes its entity `unavailable` (the error is logged once); an `availability` template that
renders false does too. Templates see `this`, the entity's current state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.helper_base import HelperSetup

from .entities import TemplateBinarySensor, TemplateEntity, TemplateSensor
from .schema import TemplateSection

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "template"
KIND = "helper"
CONFIG_SCHEMA = TemplateSection


async def async_setup(hub: Hub, config: TemplateSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities: list[TemplateEntity] = []
        for block in config.root:
            entities += [TemplateSensor(hub, c) for c in block.sensor]
            entities += [TemplateBinarySensor(hub, c) for c in block.binary_sensor]
        for entity in entities:
            setup.add_entity(entity)
            setup.on_stop(entity.stop)
        for entity in entities:
            entity.start()

    return await HelperSetup.run(hub, build)
