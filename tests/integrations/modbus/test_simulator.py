"""The simulator the demo district runs: register banks, write callbacks, request log."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from integrations.modbus.client import ClientParams, LinkType, ModbusClient, Table
from integrations.modbus.codec import DataType, Swap
from integrations.modbus.errors import ModbusExceptionResponse
from integrations.modbus.simulator import ModbusSimulator, RequestRecord, WriteEvent


@pytest.fixture
async def sim() -> AsyncIterator[ModbusSimulator]:
    simulator = ModbusSimulator([1, 7], size=50)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def client(sim: ModbusSimulator) -> AsyncIterator[ModbusClient]:
    modbus = ModbusClient(ClientParams(LinkType.TCP, port=sim.port, timeout=1))
    await modbus.connect()
    yield modbus
    modbus.close()


async def test_it_listens_on_a_free_port_of_loopback(sim: ModbusSimulator) -> None:
    assert sim.host == "127.0.0.1"
    assert sim.port > 0
    assert sim.device_ids == [1, 7]


async def test_a_client_reads_what_the_bank_holds(
    sim: ModbusSimulator, client: ModbusClient
) -> None:
    tank = sim.device(7)
    tank.set_holding(0, [120, 340])
    tank.set_input(5, 9)
    tank.set_coil(3, True)
    tank.set_discrete(49, [True])
    tank.set_value(Table.INPUT, 10, 231.5, DataType.FLOAT32, swap=Swap.WORD)

    assert await client.read(Table.HOLDING, 7, 0, 2) == [120, 340]
    assert await client.read(Table.INPUT, 7, 5, 1) == [9]
    assert await client.read(Table.COIL, 7, 0, 5) == [0, 0, 0, 1, 0]
    assert await client.read(Table.DISCRETE_INPUT, 7, 49, 1) == [1]
    assert await client.read(Table.INPUT, 7, 10, 2) == [0x8000, 0x4367]
    assert tank.get_value(Table.INPUT, 10, DataType.FLOAT32, swap=Swap.WORD) == 231.5
    assert await client.read(Table.HOLDING, 1, 0, 2) == [0, 0], "units are separate"


async def test_writes_reach_the_bank_and_the_callback(
    sim: ModbusSimulator, client: ModbusClient
) -> None:
    seen: list[WriteEvent] = []
    unsubscribe = sim.on_write(seen.append)

    await client.write_coils(1, 4, [True])
    await client.write_registers(1, 20, [5, 6])
    assert sim.device(1).get_coil(4) is True
    assert sim.device(1).get_holding(20, 2) == [5, 6]
    assert seen == [
        WriteEvent(1, Table.COIL, 4, (1,)),
        WriteEvent(1, Table.HOLDING, 20, (5, 6)),
    ]

    unsubscribe()
    await client.write_registers(1, 20, [7])
    assert len(seen) == 2


async def test_a_physics_model_can_answer_a_pump_command(
    sim: ModbusSimulator, client: ModbusClient
) -> None:
    def pump_physics(event: WriteEvent) -> None:
        if event.table is Table.COIL and event.address == 0:
            sim.device(event.device_id).set_discrete(0, bool(event.values[0]))

    sim.on_write(pump_physics)
    await client.write_coils(7, 0, [True])
    assert await client.read(Table.DISCRETE_INPUT, 7, 0, 1) == [1]


async def test_addresses_beyond_the_bank_answer_illegal_address(
    sim: ModbusSimulator, client: ModbusClient
) -> None:
    with pytest.raises(ModbusExceptionResponse) as caught:
        await client.read(Table.HOLDING, 1, 49, 2)
    assert caught.value.code == 2
    with pytest.raises(IndexError, match=r"outside 0\.\.49"):
        sim.device(1).set_holding(50, 1)
    with pytest.raises(ValueError, match=r"0\.\.65535"):
        sim.device(1).set_holding(0, 70000)


async def test_every_request_is_logged_in_order(
    sim: ModbusSimulator, client: ModbusClient
) -> None:
    sim.clear_requests()
    await client.read(Table.INPUT, 7, 3, 4)
    await client.write_registers(1, 2, [1])
    assert sim.requests == [RequestRecord(7, 4, 3, 4), RequestRecord(1, 6, 2, 1)]
