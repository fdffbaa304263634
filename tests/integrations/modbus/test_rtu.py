"""RTU framing: over a TCP socket (a transparent RS-485 gateway) and through the serial path."""

from __future__ import annotations

from integrations.modbus.client import Table
from integrations.modbus.codec import DataType, encode

from .conftest import HubFactory, ServerProcess, link, shown, wait_state


async def test_rtu_over_tcp_reads_and_writes_several_units(
    rtu_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    rtu_server.set(1, Table.HOLDING, 0, [1234])
    rtu_server.set(2, Table.INPUT, 10, encode(3.25, DataType.FLOAT32))
    rtu_server.set(3, Table.DISCRETE_INPUT, 5, [1])
    config = link(
        rtu_server.port,
        type="rtuovertcp",
        message_wait_ms=5,
        sensors=[
            {"name": "Tank 3 level", "device_id": 1, "address": 0, "scale": 0.001},
            {"name": "Flow 3", "device_id": 2, "address": 10, "input_type": "input",
             "data_type": "float32"},
        ],
        binary_sensors=[
            {"name": "Pump 3 fault", "device_id": 3, "address": 5, "input_type": "discrete_input"},
        ],
    )
    hub = await modbus_hub(config)

    await wait_state(hub, "sensor.tank_3_level", "1.234")
    await wait_state(hub, "sensor.flow_3", "3.25")
    await wait_state(hub, "binary_sensor.pump_3_fault", "on")

    await hub.services.call("modbus", "write_register", {"device_id": 2, "address": 3,
                                                         "value": 77})
    assert rtu_server.get(2, Table.HOLDING, 3) == [77]


async def test_a_serial_link_speaks_rtu(
    rtu_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    rtu_server.set(1, Table.HOLDING, 4, [0b1010])
    config = link(rtu_server.port, type="serial", host=None, baudrate=19200)
    config["port"] = f"socket://127.0.0.1:{rtu_server.port}"  # pyserial's URL for a serial port
    config.update(
        binary_sensors=[
            {"name": "Valve open", "address": 4, "input_type": "holding", "bit": 1},
            {"name": "Valve closed", "address": 4, "input_type": "holding", "bit": 2},
        ],
    )
    hub = await modbus_hub(config)

    await wait_state(hub, "binary_sensor.valve_open", "on")
    assert shown(hub, "binary_sensor.valve_closed").state == "off"
