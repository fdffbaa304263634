"""One request at a time on one link: writes first, a pause between requests, reconnects.

Everything that talks to a link goes through its `LinkScheduler`:

- one connection, one request on the wire at a time, `message_wait` seconds of silence between
  requests (RS-485 devices need it);
- writes go ahead of queued polls, so a pump command never waits behind a hundred meters;
- a request that times out is retried at the back of the queue, so a dead device costs the
  others at most one timeout per attempt;
- a lost connection is reopened at once, then with exponential backoff up to a cap; while the
  link is down, requests fail at once instead of piling up.

All waiting (spacing, backoff, the pause after connecting) is on the hub's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kozani_hub.core.clock import Clock

from .client import LinkClient, Table
from .errors import (
    ModbusConnectError,
    ModbusConnectionLost,
    ModbusError,
    ModbusExceptionResponse,
    ModbusInvalidResponse,
    ModbusTimeout,
)

_LOGGER = logging.getLogger(__name__)

#: Unanswered requests in a row, from any device, after which the connection is reopened:
#: a gateway that hung after a reboot often answers again on a fresh connection.
SILENT_LIMIT = 5

Request = Callable[[LinkClient], Awaitable[Any]]


class LinkState(Enum):
    CONNECTING = "connecting"
    UP = "up"
    DOWN = "down"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class LinkTiming:
    """How a link paces itself; seconds throughout."""

    message_wait: float = 0.0
    delay_after_connect: float = 0.0
    retries: int = 1
    reconnect_delay: float = 1.0
    reconnect_delay_max: float = 60.0


@dataclass(slots=True)
class _Job:
    request: Request
    future: asyncio.Future[Any]
    device_id: int
    attempts_left: int
    urgent: bool


@dataclass(slots=True)
class LinkStats:
    requests: int = 0
    reads: int = 0
    writes: int = 0
    retries: int = 0
    failures: int = 0
    connects: int = 0
    by_device: dict[int, int] = field(default_factory=dict)


class LinkScheduler:
    """Serialises the requests of one link and keeps its connection open."""

    def __init__(self, client: LinkClient, clock: Clock, timing: LinkTiming, name: str) -> None:
        self.client = client
        self.clock = clock
        self.timing = timing
        self.name = name
        self.stats = LinkStats()
        self.state = LinkState.STOPPED
        self.last_error: ModbusError | None = None
        self._reads: deque[_Job] = deque()
        self._urgent: deque[_Job] = deque()  # writes, and the read-backs that verify them
        self._wakeup = asyncio.Event()
        self._next_send = 0.0
        self._silent = 0
        self._logged_fault: tuple[str, int] | None = None
        self._current: _Job | None = None
        self._worker: asyncio.Task[None] | None = None
        self._reconnector: asyncio.Task[None] | None = None
        self._state_listeners: list[Callable[[LinkState], None]] = []
        client.on_lost = self._lost

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is not None:
            return
        loop = asyncio.get_running_loop()
        self._worker = loop.create_task(self._work(), name=f"modbus {self.name} requests")
        self._begin_connecting()

    async def stop(self) -> None:
        self._set_state(LinkState.STOPPED)
        current, self._current = self._current, None
        tasks = [t for t in (self._worker, self._reconnector) if t is not None]
        self._worker = self._reconnector = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        stopped = ModbusConnectionLost(f"link {self.name} stopped")
        if current is not None:
            self._settle(current, error=stopped)
        self._fail_queued(stopped)
        self.client.close()

    def on_state(self, listener: Callable[[LinkState], None]) -> Callable[[], None]:
        """Call `listener` whenever the link goes up, down or connecting; returns the undo."""
        self._state_listeners.append(listener)

        def undo() -> None:
            if listener in self._state_listeners:
                self._state_listeners.remove(listener)

        return undo

    # --- requests ---------------------------------------------------------------------------

    async def read(
        self, table: Table, device_id: int, address: int, count: int, *, urgent: bool = False
    ) -> list[int]:
        """Read registers (bits as 0/1); `urgent` puts it with the writes, ahead of polls."""
        self.stats.reads += 1
        result: list[int] = await self._submit(
            lambda c: c.read(table, device_id, address, count), device_id, urgent=urgent
        )
        return result

    async def write_registers(self, device_id: int, address: int, values: Sequence[int]) -> None:
        self.stats.writes += 1
        await self._submit(
            lambda c: c.write_registers(device_id, address, values), device_id, urgent=True
        )

    async def write_coils(self, device_id: int, address: int, values: Sequence[bool]) -> None:
        self.stats.writes += 1
        await self._submit(
            lambda c: c.write_coils(device_id, address, values), device_id, urgent=True
        )

    @property
    def queued(self) -> int:
        return len(self._reads) + len(self._urgent)

    async def _submit(self, request: Request, device_id: int, *, urgent: bool) -> Any:
        if self.state is LinkState.STOPPED:
            raise ModbusConnectionLost(f"link {self.name} is not running")
        if self.state is LinkState.DOWN:
            raise self._down_error()
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        job = _Job(request, future, device_id, self.timing.retries, urgent)
        (self._urgent if urgent else self._reads).append(job)
        self._wakeup.set()
        return await future

    def _down_error(self) -> ModbusError:
        reason = f": {self.last_error}" if self.last_error else ""
        return ModbusConnectError(f"link {self.name} is down{reason}")

    # --- the worker -------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            await self._pace()  # before choosing, so a write arriving meanwhile goes first
            job = await self._next_job()
            if job.future.done():
                continue
            self._current = job
            try:
                result = await job.request(self.client)
            except ModbusExceptionResponse as err:
                self._answered()
                self._failed(job, err)
            except ModbusError as err:
                self._failed(job, err)
            except Exception as err:  # a bug must cost one request, not the link
                _LOGGER.exception("Modbus link %s: request failed unexpectedly", self.name)
                self._settle(job, error=ModbusError(f"unexpected {type(err).__name__}: {err}"))
            else:
                self._answered()
                self._settle(job, result=result)
            finally:
                self._current = None
                self._count(job)
                self._next_send = self.clock.monotonic() + self.timing.message_wait

    async def _next_job(self) -> _Job:
        while True:
            if self.state is LinkState.UP:
                if self._urgent:
                    return self._urgent.popleft()
                if self._reads:
                    return self._reads.popleft()
            self._wakeup.clear()
            await self._wakeup.wait()

    async def _pace(self) -> None:
        wait = self._next_send - self.clock.monotonic()
        if wait > 0:
            await self.clock.sleep(wait)

    def _count(self, job: _Job) -> None:
        self.stats.requests += 1
        self.stats.by_device[job.device_id] = self.stats.by_device.get(job.device_id, 0) + 1

    def _failed(self, job: _Job, err: ModbusError) -> None:
        if isinstance(err, ModbusTimeout):
            self._silent += 1
            if self._silent >= SILENT_LIMIT:
                _LOGGER.debug("Modbus link %s: %d requests unanswered; reconnecting",
                              self.name, self._silent)
                self._silent = 0
                self.client.close()
        retryable = isinstance(err, ModbusTimeout | ModbusInvalidResponse)
        if retryable and job.attempts_left > 0 and self.state is LinkState.UP:
            job.attempts_left -= 1
            self.stats.retries += 1
            (self._urgent if job.urgent else self._reads).append(job)
        else:
            self.stats.failures += 1
            self._settle(job, error=err)
        if isinstance(err, ModbusConnectionLost):
            self._lost(err)
        elif not self.client.connected:
            # Dropped on purpose after garbage or silence; the device fault is logged already.
            self._lost(err, quiet=True)

    def _lost(self, err: ModbusError, *, quiet: bool = False) -> None:
        """The connection is gone: reopen it (at once, then with backoff)."""
        if self.state is LinkState.STOPPED or self._reconnector is not None:
            return
        if quiet:
            _LOGGER.debug("Modbus link %s: reopening the connection after: %s", self.name, err)
        else:
            self._warn(err, "reconnecting")
        self.last_error = err
        self._begin_connecting()

    def _warn(self, err: ModbusError, action: str) -> None:
        """Log a link fault once; the same fault again, until the link answers, is debug."""
        if err.key == self._logged_fault:
            _LOGGER.debug("Modbus link %s: %s; %s", self.name, err, action)
            return
        self._logged_fault = err.key
        _LOGGER.warning("Modbus link %s: %s; %s", self.name, err, action)

    def _answered(self) -> None:
        self._silent = 0
        if self._logged_fault is not None:
            self._logged_fault = None
            _LOGGER.info("Modbus link %s answers again", self.name)

    @staticmethod
    def _settle(job: _Job, *, result: Any = None, error: BaseException | None = None) -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    def _fail_queued(self, error: ModbusError) -> None:
        for queue in (self._urgent, self._reads):
            while queue:
                self._settle(queue.popleft(), error=error)

    # --- the connection ---------------------------------------------------------------------

    def _begin_connecting(self) -> None:
        if self._reconnector is not None and not self._reconnector.done():
            return
        self._set_state(LinkState.CONNECTING)
        loop = asyncio.get_running_loop()
        self._reconnector = loop.create_task(self._connect(), name=f"modbus {self.name} connect")

    async def _connect(self) -> None:
        delay = self.timing.reconnect_delay
        while True:
            try:
                await self.client.connect()
            except ModbusError as err:
                self._warn(err, "retrying with backoff")
                self.last_error = err
                self._set_state(LinkState.DOWN)
                self._fail_queued(self._down_error())
                await self.clock.sleep(delay)
                delay = min(delay * 2, self.timing.reconnect_delay_max)
                self._set_state(LinkState.CONNECTING)
                continue
            break
        self.stats.connects += 1
        if self.timing.delay_after_connect > 0:
            await self.clock.sleep(self.timing.delay_after_connect)
        self.last_error = None
        self._next_send = self.clock.monotonic()
        self._set_state(LinkState.UP)
        self._reconnector = None

    def _set_state(self, state: LinkState) -> None:
        if state is self.state:
            return
        self.state = state
        self._wakeup.set()
        for listener in tuple(self._state_listeners):
            listener(state)
