"""Link timing on simulated time: backoff, the pause after connecting, spacing, fail-fast."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest

from integrations.modbus.client import ClientParams, LinkType, Table
from integrations.modbus.errors import ModbusConnectError, ModbusConnectionLost, ModbusError
from integrations.modbus.scheduler import LinkScheduler, LinkState, LinkTiming
from kozani_hub.core.clock import SimulatedClock


class FakeClient:
    """A link that refuses the first `refusals` connects, then answers every request."""

    def __init__(self, clock: SimulatedClock, refusals: int = 0) -> None:
        self.params = ClientParams(LinkType.TCP, host="10.20.0.15")
        self.on_lost: Callable[[ModbusError], None] | None = None
        self.clock = clock
        self.refusals = refusals
        self.attempts: list[float] = []
        self.sent: list[tuple[str, float]] = []
        self.hang = False  # reads never answer (a device mid-request when the hub stops)
        self._up = False

    @property
    def connected(self) -> bool:
        return self._up

    async def connect(self) -> None:
        self.attempts.append(self.clock.monotonic())
        if len(self.attempts) <= self.refusals:
            raise ModbusConnectError("cannot open tcp 10.20.0.15:502: refused")
        self._up = True

    def close(self) -> None:
        self._up = False

    def drop(self) -> None:
        """The other end goes away."""
        self._up = False
        if self.on_lost is not None:
            self.on_lost(ModbusConnectionLost("tcp 10.20.0.15:502 closed the connection"))

    async def read(self, table: Table, device_id: int, address: int, count: int) -> list[int]:
        self.sent.append((f"read {address}", self.clock.monotonic()))
        if self.hang:
            await asyncio.Event().wait()
        return [address] * count

    async def write_registers(self, device_id: int, address: int, values: Sequence[int]) -> None:
        self.sent.append((f"write {address}", self.clock.monotonic()))

    async def write_coils(self, device_id: int, address: int, values: Sequence[bool]) -> None:
        self.sent.append((f"coil {address}", self.clock.monotonic()))


Factory = Callable[..., tuple[LinkScheduler, FakeClient]]


@pytest.fixture
async def link_on(clock: SimulatedClock) -> AsyncIterator[Factory]:
    made: list[LinkScheduler] = []

    def make(refusals: int = 0, **timing: float) -> tuple[LinkScheduler, FakeClient]:
        client = FakeClient(clock, refusals)
        options = LinkTiming(
            message_wait=timing.get("message_wait", 0.0),
            delay_after_connect=timing.get("delay_after_connect", 0.0),
            reconnect_delay=timing.get("reconnect_delay", 1.0),
            reconnect_delay_max=timing.get("reconnect_delay_max", 4.0),
        )
        scheduler = LinkScheduler(client, clock, options, "water")
        made.append(scheduler)
        scheduler.start()
        return scheduler, client

    yield make
    for scheduler in made:
        await scheduler.stop()


def since_start(times: list[float], start: float) -> list[float]:
    return [round(t - start, 3) for t in times]


async def test_reconnects_back_off_doubling_up_to_the_cap(
    clock: SimulatedClock, link_on: Factory
) -> None:
    start = clock.monotonic()
    scheduler, client = link_on(refusals=5, reconnect_delay=1.0, reconnect_delay_max=4.0)
    await clock.advance(30)
    assert since_start(client.attempts, start) == [0, 1, 3, 7, 11, 15]
    assert scheduler.state is LinkState.UP


async def test_a_lost_connection_is_reopened_at_once(
    clock: SimulatedClock, link_on: Factory
) -> None:
    scheduler, client = link_on()
    await clock.advance(1)
    client.drop()
    await clock.advance(0)
    assert len(client.attempts) == 2
    assert client.attempts[1] == clock.monotonic()
    assert scheduler.state is LinkState.UP


async def test_requests_wait_for_the_pause_after_connecting(
    clock: SimulatedClock, link_on: Factory
) -> None:
    start = clock.monotonic()
    scheduler, client = link_on(delay_after_connect=2.0)
    read = asyncio.create_task(scheduler.read(Table.HOLDING, 1, 7, 1))
    await clock.advance(5)
    assert read.result() == [7]
    assert since_start([t for _, t in client.sent], start) == [2.0]


async def test_requests_are_spaced_and_writes_go_first(
    clock: SimulatedClock, link_on: Factory
) -> None:
    scheduler, client = link_on(message_wait=0.5)
    await clock.advance(0)
    start = clock.monotonic()
    reads = [asyncio.create_task(scheduler.read(Table.HOLDING, 1, a, 1)) for a in range(3)]
    await asyncio.sleep(0)
    write = asyncio.create_task(scheduler.write_registers(1, 100, [1]))
    await clock.advance(5)
    assert all(r.done() for r in [*reads, write])
    assert [what for what, _ in client.sent] == ["read 0", "write 100", "read 1", "read 2"]
    assert since_start([t for _, t in client.sent], start) == [0, 0.5, 1.0, 1.5]


async def test_while_the_link_is_down_requests_fail_at_once(
    clock: SimulatedClock, link_on: Factory
) -> None:
    scheduler, _ = link_on(refusals=100, reconnect_delay=10.0, reconnect_delay_max=60.0)
    await clock.advance(1)
    assert scheduler.state is LinkState.DOWN
    with pytest.raises(ModbusConnectError, match="link water is down: cannot open"):
        await scheduler.write_coils(1, 0, [True])


async def test_stopping_the_link_ends_every_waiting_request(
    clock: SimulatedClock, link_on: Factory
) -> None:
    scheduler, client = link_on()
    await clock.advance(0)
    client.hang = True
    reads = [asyncio.create_task(scheduler.read(Table.HOLDING, 1, a, 1)) for a in range(3)]
    await clock.advance(0)
    assert len(client.sent) == 1, "one read is on the wire, two wait in the queue"
    await scheduler.stop()
    results = await asyncio.wait_for(asyncio.gather(*reads, return_exceptions=True), 1)
    assert [str(r) for r in results] == ["link water stopped"] * 3
