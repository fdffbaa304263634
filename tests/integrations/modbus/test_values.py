"""Every data type, byte order, scale, offset and precision, read from a real server."""

from __future__ import annotations

from typing import Any

from integrations.modbus.client import Table

from .conftest import HubFactory, ServerProcess, link, shown, wait_state

# (sensor options, registers the device holds, the state the hub must show)
CASES: list[tuple[dict[str, Any], list[int], str]] = [
    ({"data_type": "int16"}, [0xFFFE], "-2"),
    ({"data_type": "int16", "scale": 0.1}, [2301], "230.1"),
    ({"data_type": "int16", "swap": "byte"}, [0xFEFF], "-2"),
    ({"data_type": "uint16"}, [65534], "65534"),
    ({"data_type": "uint16", "scale": 0.01, "offset": -10}, [1234], "2.34"),
    ({"data_type": "int32"}, [0xFFFF, 0xFFFE], "-2"),
    ({"data_type": "int32", "swap": "word"}, [0xFFFE, 0xFFFF], "-2"),
    ({"data_type": "uint32", "swap": "byte"}, [0x0100, 0x0200], "65538"),
    ({"data_type": "uint32", "swap": "word_byte"}, [0x0200, 0x0100], "65538"),
    ({"data_type": "uint32", "scale": 0.001, "precision": 2}, [0x0001, 0xE240], "123.46"),
    ({"data_type": "int64"}, [0xFFFF, 0xFFFF, 0xFFFF, 0xFF9C], "-100"),
    ({"data_type": "uint64", "swap": "word_byte"}, [0x0000, 0x0100, 0x0000, 0x0000], "65536"),
    ({"data_type": "float32"}, [0x4367, 0x8000], "231.5"),
    ({"data_type": "float32", "swap": "word"}, [0x8000, 0x4367], "231.5"),
    ({"data_type": "float32", "swap": "byte"}, [0x6743, 0x0080], "231.5"),
    ({"data_type": "float32", "swap": "word_byte"}, [0x0080, 0x6743], "231.5"),
    ({"data_type": "float32", "scale": 1000, "precision": 0}, [0x3FC0, 0x0000], "1500"),
    ({"data_type": "float32", "precision": 1}, [0x4366, 0x1F7D], "230.1"),
    ({"data_type": "float64"}, [0x400C, 0x0000, 0x0000, 0x0000], "3.5"),
    ({"data_type": "float64", "swap": "word", "offset": 1}, [0, 0, 0, 0x400C], "4.5"),
    ({"data_type": "string", "count": 3}, [0x5031, 0x204F, 0x4B00], "P1 OK"),
    ({"data_type": "int16", "nan_value": "0x8000"}, [0x8000], "unknown"),
    ({"data_type": "float32"}, [0x7FC0, 0x0000], "unknown"),
    ({"data_type": "int16", "max_value": 100}, [500], "100"),
    ({"data_type": "int16", "min_value": 0}, [0xFFF6], "0"),
]


async def test_every_data_type_reads_as_the_device_means_it(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    sensors = []
    for i, (options, registers, _) in enumerate(CASES):
        address = i * 4
        shared_server.set(1, Table.HOLDING, address, registers)
        sensors.append({"name": f"Value {i}", "address": address, "scan_interval": 0.2, **options})
    shared_server.set(1, Table.INPUT, 7, [42])
    sensors.append({"name": "Input value", "address": 7, "input_type": "input"})
    hub = await modbus_hub(link(shared_server.port, sensors=sensors))

    await wait_state(hub, "sensor.input_value", "42")
    wrong = [
        f"{options} {registers}: expected {expected!r}, shown {state!r}"
        for i, (options, registers, expected) in enumerate(CASES)
        if (state := shown(hub, f"sensor.value_{i}").state) != expected
    ]
    assert not wrong, "\n".join(wrong)


async def test_sensor_attributes_carry_unit_and_classes(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(2, Table.INPUT, 0, [1234])
    sensor = {
        "name": "Tank 1 level", "device_id": 2, "address": 0, "input_type": "input",
        "scale": 0.001, "unit_of_measurement": "m", "device_class": "distance",
        "state_class": "measurement",
    }
    hub = await modbus_hub(link(shared_server.port, sensors=[sensor]))

    state = await wait_state(hub, "sensor.tank_1_level", "1.234")
    assert state.attributes["unit_of_measurement"] == "m"
    assert state.attributes["device_class"] == "distance"
    assert state.attributes["state_class"] == "measurement"
    assert state.attributes["friendly_name"] == "Tank 1 level"
