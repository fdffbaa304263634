"""Polling: merged reads (counted at the server), profiles, holes in a device's address map."""

from __future__ import annotations

from integrations.modbus.client import Table
from integrations.modbus.codec import DataType, encode

from .conftest import HubFactory, ServerProcess, link, shown, wait_state

READ_INPUT = 4
READ_HOLDING = 3


def float_regs(value: float) -> list[int]:
    return encode(value, DataType.FLOAT32)


async def test_an_energy_meter_profile_reads_in_three_requests_instead_of_thirteen(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(3, Table.INPUT, 0x00, float_regs(230.1) + float_regs(229.8))
    shared_server.set(3, Table.INPUT, 0x0C, float_regs(1250.0))
    shared_server.set(3, Table.INPUT, 0x46, float_regs(50.01) + float_regs(12345.678))
    shared_server.clear()
    device = {"name": "Town hall meter", "profile": "eastron_sdm630", "device_id": 3,
              "scan_interval": 60}
    hub = await modbus_hub(link(shared_server.port, devices=[device]))

    await wait_state(hub, "sensor.town_hall_meter_energy_export", "0.0")
    assert shared_server.requests() == [
        (3, READ_INPUT, 0x00, 18),
        (3, READ_INPUT, 0x34, 2),
        (3, READ_INPUT, 0x46, 6),
    ]
    assert shown(hub, "sensor.town_hall_meter_voltage_l1").state == "230.1"
    assert shown(hub, "sensor.town_hall_meter_voltage_l2").state == "229.8"
    assert shown(hub, "sensor.town_hall_meter_power_l1").state == "1250"
    assert shown(hub, "sensor.town_hall_meter_frequency").state == "50.01"
    energy = shown(hub, "sensor.town_hall_meter_energy_import")
    assert energy.state == "12345.678"
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert len(hub.states.entity_ids("sensor")) == 13


async def test_a_single_phase_meter_profile_makes_its_sensors(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(4, Table.INPUT, 0x00, float_regs(231.0))
    device = {"name": "Library meter", "profile": "eastron_sdm120", "device_id": 4}
    hub = await modbus_hub(link(shared_server.port, devices=[device]))

    await wait_state(hub, "sensor.library_meter_voltage", "231.0")
    assert sorted(hub.states.entity_ids("sensor")) == [
        "sensor.library_meter_current",
        "sensor.library_meter_energy_export",
        "sensor.library_meter_energy_import",
        "sensor.library_meter_frequency",
        "sensor.library_meter_power",
        "sensor.library_meter_power_factor",
        "sensor.library_meter_voltage",
    ]


async def test_nearby_sensors_of_a_device_share_requests_and_others_do_not(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    for device in (1, 2):
        shared_server.set(device, Table.HOLDING, 100, list(range(1, 21)))
    shared_server.clear()
    sensors = [
        {"name": f"D{device} R{address}", "device_id": device, "address": 100 + address,
         "scan_interval": 60}
        for device in (1, 2)
        for address in range(0, 20, 2)
    ]
    hub = await modbus_hub(link(shared_server.port, sensors=sensors))

    await wait_state(hub, "sensor.d1_r18", "19")
    await wait_state(hub, "sensor.d2_r18", "19")
    assert sorted(shared_server.requests()) == [
        (1, READ_HOLDING, 100, 19),
        (2, READ_HOLDING, 100, 19),
    ]


async def test_a_hole_in_the_address_map_splits_the_read_and_spares_the_neighbours(
    shared_server: ServerProcess, modbus_hub: HubFactory
) -> None:
    shared_server.set(5, Table.HOLDING, 290, [7])
    shared_server.set(5, Table.HOLDING, 299, [9])
    shared_server.clear()
    sensors = [
        {"name": "Below", "device_id": 5, "address": 290, "scan_interval": 0.1},
        {"name": "Last", "device_id": 5, "address": 299, "scan_interval": 0.1},
        {"name": "Missing", "device_id": 5, "address": 305, "scan_interval": 0.1},
    ]
    hub = await modbus_hub(link(shared_server.port, sensors=sensors))

    await wait_state(hub, "sensor.missing", "unavailable")
    assert shown(hub, "sensor.below").state == "7"
    assert shown(hub, "sensor.last").state == "9"
    requests = shared_server.requests()
    assert requests[:4] == [
        (5, READ_HOLDING, 290, 16),
        (5, READ_HOLDING, 290, 1),
        (5, READ_HOLDING, 299, 1),
        (5, READ_HOLDING, 305, 1),
    ]
    assert (5, READ_HOLDING, 290, 16) not in requests[4:], "the merged read is not retried"
