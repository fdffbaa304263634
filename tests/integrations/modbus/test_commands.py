"""Pumps, valves and setpoints: what a switch or number command does on the device."""

from __future__ import annotations

import pytest

from integrations.modbus.client import Table
from kozani_hub.core.services import ServiceError

from .conftest import HubFactory, ServerProcess, link, shown, wait_state


async def test_a_pump_switch_writes_its_coil_and_shows_the_read_back(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(1, Table.COIL, 10, [0])
    pump = {"name": "Pump 1", "address": 10, "verify": {"delay": 0.05}, "scan_interval": 60}
    hub = await modbus_hub(link(shared_server.port, switches=[pump]))
    await wait_state(hub, "switch.pump_1", "off")

    await hub.services.call("switch", "turn_on", target={"entity_id": "switch.pump_1"})
    assert shared_server.get(1, Table.COIL, 10) == [1]
    assert shown(hub, "switch.pump_1").state == "on"

    await hub.services.call("switch", "turn_off", target={"entity_id": "switch.pump_1"})
    assert shared_server.get(1, Table.COIL, 10) == [0]
    assert shown(hub, "switch.pump_1").state == "off"


async def test_a_pump_that_does_not_start_stays_off(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(2, Table.COIL, 11, [0])
    shared_server.set(2, Table.DISCRETE_INPUT, 11, [0])
    pump = {
        "name": "Pump 2", "device_id": 2, "address": 11, "scan_interval": 0.1,
        "verify": {"input_type": "discrete_input", "delay": 0.05},
    }
    hub = await modbus_hub(link(shared_server.port, switches=[pump]))
    await wait_state(hub, "switch.pump_2", "off")

    await hub.services.call("switch", "turn_on", target={"entity_id": "switch.pump_2"})
    assert shared_server.get(2, Table.COIL, 11) == [1], "the command reached the device"
    assert shown(hub, "switch.pump_2").state == "off", "but its running contact says off"

    shared_server.set(2, Table.DISCRETE_INPUT, 11, [1])  # the motor starts after all
    await wait_state(hub, "switch.pump_2", "on")


async def test_a_valve_in_a_holding_register_uses_its_commands(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(3, Table.HOLDING, 40, [0x00AA])
    valve = {
        "name": "Inlet valve", "device_id": 3, "address": 40, "write_type": "holding",
        "command_on": 0x0055, "command_off": 0x00AA, "verify": {}, "scan_interval": 60,
    }
    hub = await modbus_hub(link(shared_server.port, switches=[valve]))
    await wait_state(hub, "switch.inlet_valve", "off")

    await hub.services.call("switch", "turn_on", target={"entity_id": "switch.inlet_valve"})
    assert shared_server.get(3, Table.HOLDING, 40) == [0x0055]
    assert shown(hub, "switch.inlet_valve").state == "on"


async def test_a_switch_without_verify_shows_the_command_it_sent(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(4, Table.COIL, 3, [0])
    light = {"name": "Pump house light", "device_id": 4, "address": 3}
    hub = await modbus_hub(link(shared_server.port, switches=[light]))
    assert shown(hub, "switch.pump_house_light").state == "unknown"

    await hub.services.call("switch", "turn_on", target={"entity_id": "switch.pump_house_light"})
    state = shown(hub, "switch.pump_house_light")
    assert state.state == "on"
    assert state.attributes["assumed_state"] is True
    assert shared_server.get(4, Table.COIL, 3) == [1]


async def test_a_setpoint_is_written_scaled_and_kept_within_its_range(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(1, Table.HOLDING, 60, [150])
    setpoint = {
        "name": "Tank 1 start level", "address": 60, "scale": 0.01, "min_value": 0.5,
        "max_value": 4.0, "step": 0.05, "unit_of_measurement": "m", "scan_interval": 0.1,
    }
    hub = await modbus_hub(link(shared_server.port, numbers=[setpoint]))
    await wait_state(hub, "number.tank_1_start_level", "1.5")

    await hub.services.call(
        "number", "set_value", {"value": 2.35}, target={"entity_id": "number.tank_1_start_level"}
    )
    assert shared_server.get(1, Table.HOLDING, 60) == [235]
    assert shown(hub, "number.tank_1_start_level").state == "2.35"

    with pytest.raises(ServiceError, match="outside"):
        await hub.services.call(
            "number", "set_value", {"value": 9}, target={"entity_id": "number.tank_1_start_level"}
        )
    assert shared_server.get(1, Table.HOLDING, 60) == [235]

    shared_server.set(1, Table.HOLDING, 60, [300])  # changed on the panel
    await wait_state(hub, "number.tank_1_start_level", "3.0")


async def test_raw_write_services_reach_registers_and_coils(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    hub = await modbus_hub(link(shared_server.port))

    await hub.services.call(
        "modbus", "write_register", {"device_id": 5, "address": 70, "value": [1, 2, 3]}
    )
    await hub.services.call("modbus", "write_register", {"link": "water", "device_id": 5,
                                                         "address": 80, "value": 65535})
    await hub.services.call("modbus", "write_coil", {"device_id": 5, "address": 20, "value": True})
    await hub.services.call(
        "modbus", "write_coil", {"device_id": 5, "address": 30, "value": [True, False, True]}
    )

    assert shared_server.get(5, Table.HOLDING, 70, 3) == [1, 2, 3]
    assert shared_server.get(5, Table.HOLDING, 80) == [65535]
    assert shared_server.get(5, Table.COIL, 20) == [1]
    assert shared_server.get(5, Table.COIL, 30, 3) == [1, 0, 1]

    with pytest.raises(ServiceError, match="no Modbus link 'sewer'; links: water"):
        await hub.services.call(
            "modbus", "write_register", {"link": "sewer", "device_id": 5, "address": 1, "value": 1}
        )
    with pytest.raises(ServiceError, match="exception 2"):
        await hub.services.call(
            "modbus", "write_register", {"device_id": 5, "address": 299, "value": [1, 2]}
        )
