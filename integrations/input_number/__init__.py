"""input_number: setpoints a technician or manager changes at run time (a tank's low level, a
heating setpoint), kept across restarts.

```yaml
input_number:
  tank_1_low_level:
    name: Tank 1 low level
    min: 0
    max: 5
    step: 0.1
    mode: box              # slider (default) or box
    unit_of_measurement: m
    initial: 1.2           # optional: without it, the value before a restart comes back
```

Services: `input_number.set_value` (value), `increment`, `decrement` (by step, within
min..max).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from integrations.helper_base import HelperEntity, HelperSetup, entity_service
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import State

from .schema import InputNumberConfig, InputNumberSection

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "input_number"
KIND = "helper"
CONFIG_SCHEMA = InputNumberSection


class SetValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float


class InputNumber(HelperEntity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: InputNumberConfig) -> None:
        attributes: dict[str, object] = {
            "initial": config.initial,
            "editable": False,
            "min": config.min,
            "max": config.max,
            "step": config.step,
            "mode": config.mode,
        }
        if config.unit_of_measurement:
            attributes["unit_of_measurement"] = config.unit_of_measurement
        super().__init__(
            f"{DOMAIN}.{object_id}",
            name=config.name,
            icon=config.icon,
            attributes=attributes,
            restore=config.initial is None,
        )
        self.config = config
        self.value: float | None = config.initial

    @property
    def state_value(self) -> object:
        return self.value

    def take_saved(self, state: State) -> bool:
        try:
            value = float(state.state)
        except ValueError:
            return False
        if not self.config.min <= value <= self.config.max:
            return False
        self.value = value
        return True

    def take_default(self) -> None:
        self.value = self.config.min

    def set_value(self, value: float, call: ServiceCall) -> None:
        low, high = self.config.min, self.config.max
        if not low <= value <= high:
            raise ValueError(f"{_show(value)} is outside the range {_show(low)}..{_show(high)}")
        self.value = round(value, 9)  # 0.1 + 0.2 shows as 0.3
        self.settled = True
        self.write_state(call.context)

    def step_by(self, steps: int, call: ServiceCall) -> None:
        current = self.value if self.value is not None else self.config.min
        target = current + steps * self.config.step
        self.set_value(min(max(target, self.config.min), self.config.max), call)


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


async def async_setup(hub: Hub, config: InputNumberSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [InputNumber(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        setup.on_stop(
            entity_service(
                hub, DOMAIN, "set_value", InputNumber,
                lambda e, call: e.set_value(float(call.data["value"]), call),
                schema=SetValue, description="Set the value",
            )
        )
        setup.on_stop(
            entity_service(hub, DOMAIN, "increment", InputNumber, lambda e, c: e.step_by(1, c))
        )
        setup.on_stop(
            entity_service(hub, DOMAIN, "decrement", InputNumber, lambda e, c: e.step_by(-1, c))
        )
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)
