"""light.*, switch.* and number.set_value reach the entity objects they target."""

from __future__ import annotations

import pytest

from kozani_hub.core.context import Context
from kozani_hub.core.services import ServiceError
from kozani_hub.entities import (
    DuplicateEntity,
    LightEntity,
    NumberEntity,
    SensorEntity,
    SwitchEntity,
)
from kozani_hub.hub import Hub


class Pump(SwitchEntity):
    def __init__(self, entity_id: str) -> None:
        super().__init__(entity_id)
        self.is_on = False
        self.contexts: list[Context] = []

    async def async_turn_on(self, context: Context) -> None:
        self.contexts.append(context)
        self.is_on = True
        self.write_state(context)

    async def async_turn_off(self, context: Context) -> None:
        self.is_on = False
        self.write_state(context)


class Lamp(LightEntity):
    def __init__(self, entity_id: str) -> None:
        super().__init__(entity_id, attributes={"rated_watts": 90})
        self.is_on = False
        self.transitions: list[float | None] = []

    async def async_turn_on(
        self, context: Context, *, brightness: int | None = None, transition: float | None = None
    ) -> None:
        self.is_on = True
        self.brightness = 255 if brightness is None else brightness
        self.transitions.append(transition)
        self.write_state(context)

    async def async_turn_off(self, context: Context, *, transition: float | None = None) -> None:
        self.is_on = False
        self.write_state(context)


class Setpoint(NumberEntity):
    async def async_set_value(self, value: float, context: Context) -> None:
        self.value = value
        self.write_state(context)


async def test_switch_services_drive_the_pump(hub: Hub) -> None:
    pump = Pump("switch.pump_north_1")
    hub.entities.add(pump)
    assert hub.states.get("switch.pump_north_1").state == "off"  # type: ignore[union-attr]
    await hub.services.call("switch", "turn_on", target={"entity_id": "switch.pump_north_1"})
    assert hub.states.get("switch.pump_north_1").state == "on"  # type: ignore[union-attr]
    await hub.services.call("switch", "toggle", target={"entity_id": "switch.pump_north_1"})
    assert hub.states.get("switch.pump_north_1").state == "off"  # type: ignore[union-attr]
    await hub.services.call("switch", "turn_off", {"entity_id": "switch.pump_north_1"})
    assert pump.is_on is False
    assert len(pump.contexts) == 1


async def test_light_brightness_pct_and_transition(hub: Hub) -> None:
    lamps = [Lamp(f"light.dimokratias_0{i}") for i in (1, 2)]
    for lamp in lamps:
        hub.entities.add(lamp)
    await hub.services.call(
        "light",
        "turn_on",
        {"brightness_pct": 50, "transition": 30},
        target={"entity_id": ["light.dimokratias_01", "light.dimokratias_02"]},
    )
    state = hub.states.get("light.dimokratias_02")
    assert state is not None and state.state == "on"
    assert state.attributes["brightness"] == 128 and state.attributes["rated_watts"] == 90
    assert lamps[0].transitions == [30]
    await hub.services.call("light", "toggle", target={"entity_id": "light.dimokratias_01"})
    assert hub.states.get("light.dimokratias_01").state == "off"  # type: ignore[union-attr]


async def test_wrong_or_missing_targets_are_clear_errors(hub: Hub) -> None:
    hub.entities.add(Pump("switch.pump_north_1"))
    with pytest.raises(ServiceError, match="needs a target entity_id"):
        await hub.services.call("switch", "turn_on")
    with pytest.raises(ServiceError, match="no light entity switch.pump_north_1"):
        await hub.services.call("light", "turn_on", target={"entity_id": "switch.pump_north_1"})


async def test_number_respects_min_max_and_step(hub: Hub) -> None:
    hub.entities.add(Setpoint("number.tank_north_start_level", minimum=0.5, maximum=3.0, step=0.1))
    await hub.services.call(
        "number", "set_value", {"value": 1.2}, target={"entity_id": "number.tank_north_start_level"}
    )
    assert hub.states.get("number.tank_north_start_level").state == "1.2"  # type: ignore[union-attr]
    with pytest.raises(ServiceError, match="outside 0.5..3.0"):
        await hub.services.call(
            "number",
            "set_value",
            {"value": 9},
            target={"entity_id": "number.tank_north_start_level"},
        )


async def test_entities_are_unique_and_show_unavailable(hub: Hub) -> None:
    sensor = SensorEntity("sensor.tank_north_level", unit="m", state_class="measurement")
    hub.entities.add(sensor)
    with pytest.raises(DuplicateEntity):
        hub.entities.add(SensorEntity("sensor.tank_north_level"))
    sensor.update(2.41)
    assert hub.states.get("sensor.tank_north_level").attributes["unit_of_measurement"] == "m"  # type: ignore[union-attr]
    sensor.available = False
    sensor.write_state()
    assert hub.states.get("sensor.tank_north_level").state == "unavailable"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="ids start with 'sensor.'"):
        SensorEntity("light.not_a_sensor")
