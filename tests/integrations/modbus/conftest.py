"""Real Modbus servers in their own processes on 127.0.0.1, and hubs that poll them.

`ServerProcess` runs `python -m integrations.modbus.simprocess` (pymodbus's server with the
simulator's register banks) and drives it through JSON lines on its stdin: set and read
registers, count the requests it received, kill it, start it again on the same port.
Every wait is bounded, so a broken server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import selectors
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest

from integrations.modbus import ModbusIntegration
from integrations.modbus.client import Table
from integrations.modbus.link import ModbusLink
from integrations.modbus.scheduler import LinkScheduler, LinkState
from kozani_hub.core.clock import RealClock
from kozani_hub.core.events import Event
from kozani_hub.core.states import State
from kozani_hub.hub import Hub

START_TIMEOUT = 10.0
REPLY_TIMEOUT = 5.0
WAIT_TIMEOUT = 5.0


class ServerProcess:
    """A Modbus server process and its control channel."""

    def __init__(self, *args: str) -> None:
        self.args = list(args)
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> ServerProcess:
        cmd = [sys.executable, "-m", "integrations.modbus.simprocess", "--port", str(self.port)]
        self._proc = subprocess.Popen(
            [*cmd, *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.port = int(self._read(START_TIMEOUT)["port"])
        return self

    def kill(self) -> None:
        """End the process as a power cut would: no goodbye to its clients."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=REPLY_TIMEOUT)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def restart(self) -> None:
        """Start again on the same port."""
        self.kill()
        self.start()

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=REPLY_TIMEOUT)
        self.kill()

    def command(self, op: str, **fields: Any) -> dict[str, Any]:
        proc = self._running()
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        proc.stdin.flush()
        reply = self._read(REPLY_TIMEOUT)
        if not reply.get("ok"):
            raise AssertionError(f"server refused {op}: {reply.get('error')}")
        return reply

    def set(self, device: int, table: Table | str, address: int, values: list[int]) -> None:
        self.command("set", device=device, table=str(table), address=address, values=values)

    def get(self, device: int, table: Table | str, address: int, count: int = 1) -> list[int]:
        reply = self.command("get", device=device, table=str(table), address=address, count=count)
        return [int(v) for v in reply["values"]]

    def requests(self) -> list[tuple[int, int, int, int]]:
        """(device, function code, address, count) of every request received, in order."""
        return [tuple(r) for r in self.command("requests")["requests"]]

    def clear(self) -> None:
        self.command("clear_requests")

    def delay(self, device: int, seconds: float) -> None:
        self.command("delay", device=device, seconds=seconds)

    def _running(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            raise AssertionError("the Modbus server process is not running")
        return self._proc

    def _read(self, timeout: float) -> dict[str, Any]:
        proc = self._running()
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise AssertionError(f"the Modbus server said nothing within {timeout} s")
        line = proc.stdout.readline()
        if not line:
            raise AssertionError("the Modbus server process ended")
        result: dict[str, Any] = json.loads(line)
        return result


def _server(*args: str) -> Iterator[ServerProcess]:
    server = ServerProcess(*args).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ServerProcess]:
    """A Modbus TCP server for a whole test module (devices 1-5, 300 addresses per table).

    Tests using it set the registers they read and clear the request log first.
    """
    yield from _server("--devices", "1-5", "--size", "300")


@pytest.fixture
def server() -> Iterator[ServerProcess]:
    """A Modbus TCP server of its own, for tests that kill or slow it."""
    yield from _server("--devices", "1-5", "--size", "300")


@pytest.fixture
def rtu_server() -> Iterator[ServerProcess]:
    """A server speaking RTU frames over TCP, as an RS-485 gateway in transparent mode."""
    yield from _server("--devices", "1-3", "--size", "100", "--framer", "rtu")


@pytest.fixture
def silent_server() -> Iterator[ServerProcess]:
    """Accepts connections and never answers."""
    yield from _server("--mode", "silent")


@pytest.fixture
def garbage_server() -> Iterator[ServerProcess]:
    """Answers every request with bytes that are not Modbus."""
    yield from _server("--mode", "garbage")


def link(port: int, **options: Any) -> dict[str, Any]:
    """A `modbus:` link to 127.0.0.1:port with short, test-friendly timings."""
    base: dict[str, Any] = {
        "name": "water",
        "type": "tcp",
        "host": "127.0.0.1",
        "port": port,
        "timeout": 0.3,
        "retries": 0,
        "reconnect_delay": 0.05,
        "reconnect_delay_max": 0.2,
        "unavailable_after": 2,
    }
    base.update(options)
    return base


HubFactory = Callable[..., Awaitable[Hub]]


@pytest.fixture
async def modbus_hub() -> AsyncIterator[HubFactory]:
    """Start a hub on the real clock with the given `modbus:` links; stopped after the test."""
    hubs: list[Hub] = []

    async def start(*links: Mapping[str, Any]) -> Hub:
        hub = Hub(clock=RealClock(), integration_configs={"modbus": [dict(x) for x in links]})
        hubs.append(hub)
        await hub.start()
        assert not hub.failed_integrations, hub.failed_integrations
        return hub

    yield start
    for hub in hubs:
        await asyncio.wait_for(hub.stop(), 10)
    await asyncio.sleep(0)  # let cancelled requests finish their cancellation
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert not left, f"the Modbus integration left tasks running: {left}"


async def wait_state(
    hub: Hub,
    entity_id: str,
    expected: str | Callable[[State], bool],
    within: float = WAIT_TIMEOUT,
) -> State:
    """Wait until `entity_id` has state `expected` (or satisfies it); fail after `within` s."""

    def matches(state: State | None) -> bool:
        if state is None:
            return False
        return expected(state) if callable(expected) else state.state == expected

    current = hub.states.get(entity_id)
    if current is not None and matches(current):
        return current
    future: asyncio.Future[State] = asyncio.get_running_loop().create_future()

    def listener(event: Event) -> None:
        new = event.data.get("new_state")
        if isinstance(new, State) and matches(new) and not future.done():
            future.set_result(new)

    unsubscribe = hub.states.track([entity_id], listener)
    try:
        return await asyncio.wait_for(future, within)
    except TimeoutError:
        last = hub.states.get(entity_id)
        raise AssertionError(
            f"{entity_id} did not reach {expected!r} within {within} s; "
            f"it is {last.state if last else None!r}"
        ) from None
    finally:
        unsubscribe()



def shown(hub: Hub, entity_id: str) -> State:
    """The state the hub shows for `entity_id` (failing the test when there is none)."""
    state = hub.states.get(entity_id)
    if state is None:
        raise AssertionError(f"{entity_id} has no state")
    return state


async def link_goes(
    scheduler: LinkScheduler, state: LinkState, times: int, within: float = WAIT_TIMEOUT
) -> None:
    """Wait until the link has entered `state` `times` more times."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    seen = 0

    def changed(new: LinkState) -> None:
        nonlocal seen
        seen += new is state
        if seen >= times and not done.done():
            done.set_result(None)

    undo = scheduler.on_state(changed)
    try:
        await asyncio.wait_for(done, within)
    except TimeoutError:
        raise AssertionError(
            f"link {scheduler.name} went {state.value} {seen} times in {within} s, not {times}"
        ) from None
    finally:
        undo()


def modbus_link(hub: Hub, name: str = "water") -> ModbusLink:
    """The running link `name` of the hub's Modbus integration."""
    integration = hub.integrations["modbus"]
    assert isinstance(integration, ModbusIntegration)
    return integration.links[name]
