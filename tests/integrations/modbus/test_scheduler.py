"""The link scheduler against a real server: writes first, spacing, retries, one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from integrations.modbus.client import ClientParams, LinkType, ModbusClient, Table
from integrations.modbus.errors import ModbusExceptionResponse
from integrations.modbus.scheduler import LinkScheduler, LinkState, LinkTiming
from kozani_hub.core.clock import RealClock

from .conftest import ServerProcess

WRITE_REGISTER = 6

SchedulerFactory = Callable[..., LinkScheduler]


@pytest.fixture
async def scheduler_for() -> AsyncIterator[SchedulerFactory]:
    made: list[LinkScheduler] = []

    def make(port: int, *, message_wait: float = 0.0, retries: int = 0) -> LinkScheduler:
        client = ModbusClient(ClientParams(LinkType.TCP, port=port, timeout=0.5))
        timing = LinkTiming(message_wait=message_wait, retries=retries)
        scheduler = LinkScheduler(client, RealClock(), timing, "test")
        made.append(scheduler)
        scheduler.start()
        return scheduler

    yield make
    for scheduler in made:
        await scheduler.stop()


async def until_up(scheduler: LinkScheduler) -> None:
    if scheduler.state is LinkState.UP:
        return
    up: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def changed(state: LinkState) -> None:
        if state is LinkState.UP and not up.done():
            up.set_result(None)

    undo = scheduler.on_state(changed)
    try:
        await asyncio.wait_for(up, 5)
    finally:
        undo()


async def test_a_write_overtakes_fifty_queued_polls(
    shared_server: ServerProcess, scheduler_for: SchedulerFactory
) -> None:
    scheduler = scheduler_for(shared_server.port, message_wait=0.005)
    await until_up(scheduler)
    shared_server.clear()
    polls = [
        asyncio.create_task(scheduler.read(Table.HOLDING, 1 + i % 5, i, 1)) for i in range(50)
    ]
    await asyncio.sleep(0)  # the polls are queued
    await asyncio.wait_for(scheduler.write_registers(2, 250, [4321]), 5)

    pending = sum(not p.done() for p in polls)
    assert pending >= 45, f"the write waited for {50 - pending} polls"
    await asyncio.wait_for(asyncio.gather(*polls), 10)
    requests = shared_server.requests()
    write_at = requests.index((2, WRITE_REGISTER, 250, 1))
    assert write_at <= 1
    assert len(requests) == 51
    assert shared_server.get(2, Table.HOLDING, 250) == [4321]


async def test_requests_keep_the_configured_silence_between_them(
    shared_server: ServerProcess, scheduler_for: SchedulerFactory
) -> None:
    scheduler = scheduler_for(shared_server.port, message_wait=0.03)
    await until_up(scheduler)
    clock = RealClock()
    started = clock.monotonic()
    await asyncio.wait_for(
        asyncio.gather(*(scheduler.read(Table.HOLDING, 1, a, 1) for a in range(6))), 5
    )
    assert clock.monotonic() - started >= 5 * 0.03


async def test_an_exception_answer_is_not_retried(
    shared_server: ServerProcess, scheduler_for: SchedulerFactory
) -> None:
    scheduler = scheduler_for(shared_server.port, retries=3)
    await until_up(scheduler)
    shared_server.clear()
    with pytest.raises(ModbusExceptionResponse, match="exception 2 \\(illegal data address\\)"):
        await asyncio.wait_for(scheduler.read(Table.HOLDING, 1, 299, 5), 5)
    assert len(shared_server.requests()) == 1
