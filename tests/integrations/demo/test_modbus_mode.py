"""The demo's water station served over Modbus TCP on the loopback interface."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from pymodbus.client import AsyncModbusTcpClient

from integrations.demo import DemoDistrict
from integrations.demo.config import DemoConfig, ModbusServer
from integrations.demo.modbus_station import modbus_link
from integrations.modbus import CONFIG_SCHEMA as MODBUS_SCHEMA
from integrations.modbus import async_setup as modbus_setup
from integrations.modbus.link_schema import LinkConfig
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import RealClock
from kozani_hub.hub import Hub

from .conftest import QUIET, StartDemo

UNIT = 1
NORTH, SOUTH = 0, 1
WAIT_S = 5.0
CONFIG_DIR = Path(__file__).parents[3] / "config"


def serving(port: int = 0, **extra: object) -> dict[str, object]:
    return {**QUIET, "float_switches": False, "modbus": {"port": port}, **extra}


Connect = Callable[[int], Awaitable[AsyncModbusTcpClient]]


@pytest.fixture
async def client_of() -> AsyncIterator[Connect]:
    clients: list[AsyncModbusTcpClient] = []

    async def connect(port: int) -> AsyncModbusTcpClient:
        client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0)
        clients.append(client)
        assert await client.connect()
        return client

    yield connect
    for client in clients:
        client.close()


def district_of(hub: Hub) -> DemoDistrict:
    instance = hub.integrations["demo"]
    assert isinstance(instance, DemoDistrict)
    return instance


async def read_level_mm(client: AsyncModbusTcpClient, tank: int) -> int:
    reply = await client.read_input_registers(tank, count=1, device_id=UNIT)
    assert not reply.isError(), reply
    return int(reply.registers[0])


async def test_a_client_reads_a_tank_level_and_a_pump_it_starts_fills_the_tank(
    start_demo: StartDemo, client_of: Connect
) -> None:
    run = await start_demo(serving())
    district = run.district
    assert district.modbus is not None
    client = await client_of(district.modbus.port)

    north = district.water.tanks["north"]
    before = await read_level_mm(client, NORTH)
    assert before == round(north.level_m * 1000)
    assert "sensor.tank_north_level" not in run.hub.states
    assert "switch.pump_north_1" not in run.hub.states

    reply = await client.write_coil(NORTH, True, device_id=UNIT)
    assert not reply.isError(), reply
    assert north.pump_on
    running = await client.read_discrete_inputs(NORTH, count=1, device_id=UNIT)
    assert running.bits[0] is True

    await run.advance(3600)
    assert await read_level_mm(client, NORTH) > before
    south = await read_level_mm(client, SOUTH)
    assert south == round(district.water.tanks["south"].level_m * 1000)


async def test_the_second_pumps_sit_on_coils_2_and_3_with_their_currents_in_registers(
    start_demo: StartDemo, client_of: Connect
) -> None:
    run = await start_demo(serving())
    district = run.district
    assert district.modbus is not None
    client = await client_of(district.modbus.port)

    reply = await client.write_coil(3, True, device_id=UNIT)  # pump south 2
    assert not reply.isError(), reply
    assert district.water.tanks["south"].pumps_on == [False, True]
    running = await client.read_discrete_inputs(0, count=4, device_id=UNIT)
    assert running.bits[:4] == [False, False, False, True]
    currents = await client.read_input_registers(2, count=4, device_id=UNIT)
    assert currents.registers == [0, 0, 0, 220]  # tenths of an ampere


async def test_the_modbus_integration_reads_the_station_as_hub_yaml_configures_it() -> None:
    hub = Hub(clock=RealClock(), integration_configs={"demo": serving(update_interval=1)})
    await hub.start()
    modbus = None
    try:
        district = district_of(hub)
        assert district.modbus is not None
        server = ModbusServer(port=district.modbus.port)
        link = modbus_link(server, scan_interval=0.2)
        modbus = await modbus_setup(hub, MODBUS_SCHEMA.model_validate([link]))

        level = await wait_for_state(hub, "sensor.tank_north_level")
        assert abs(float(level) - district.water.tanks["north"].level_m) < 0.002
        assert await wait_for_state(hub, "switch.pump_north_1") == "off"

        await hub.services.call("switch", "turn_on", target={"entity_id": "switch.pump_north_1"})
        assert district.water.tanks["north"].pump_on
        assert await wait_for_state(hub, "switch.pump_north_1", "on") == "on"
    finally:
        if modbus is not None:
            await modbus.async_stop()
        await hub.stop()


async def wait_for_state(hub: Hub, entity_id: str, expected: str | None = None) -> str:
    """The entity's state once it has a reading (or `expected`), waiting at most WAIT_S."""
    async with asyncio.timeout(WAIT_S):
        while True:
            state = hub.states.get(entity_id)
            shown = state.state if state is not None else "unknown"
            wanted = shown == expected if expected is not None else True
            if shown not in ("unknown", "unavailable") and wanted:
                return shown
            await asyncio.sleep(0.02)


async def test_a_port_already_in_use_leaves_the_rest_of_the_district_running(
    start_demo: StartDemo, caplog: pytest.LogCaptureFixture
) -> None:
    first = await start_demo(serving())
    assert first.district.modbus is not None
    port = first.district.modbus.port

    second = await start_demo(serving(port))
    assert second.district.modbus is None
    assert f"cannot serve the water station over Modbus on 127.0.0.1:{port}" in caplog.text
    assert len(second.hub.states.entity_ids("light")) == 60
    assert "sensor.tank_north_level" not in second.hub.states
    await second.advance(3600)


def register_map(link: LinkConfig) -> dict[str, object]:
    """What must agree between the demo's registers and the link that reads them."""
    return {
        "endpoint": (link.host, link.port),
        "sensors": [(s.object_id, s.device_id, s.table, s.address, s.data_type, s.scale)
                    for s in link.sensors],
        "switches": [(s.object_id, s.device_id, s.address, s.write_type, s.verify)
                     for s in link.switches],
    }  # fmt: skip


def test_hub_yaml_reads_the_registers_the_demo_serves() -> None:
    loaded = load_hub_config(CONFIG_DIR)
    demo, issues = loaded.validate_integration("demo", DemoConfig)
    assert not issues and demo is not None and demo.modbus is not None
    links, issues = loaded.validate_integration("modbus", MODBUS_SCHEMA)
    assert not issues and links is not None
    station = next(link for link in links.links if link.name == "Water station")
    expected = MODBUS_SCHEMA.model_validate([modbus_link(demo.modbus)]).links[0]
    assert register_map(station) == register_map(expected)
