"""Device I/O for one Modbus link, on pymodbus, behind a small typed API.

`ModbusClient` opens one connection (TCP, RTU framing over TCP, or a serial line) and runs one
request at a time. Every fault comes back as one of the typed errors of `errors.py`; pymodbus's
own reconnect and retry machinery is switched off, because the link scheduler decides when to
retry and when to reconnect, on the hub's clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from pymodbus import FramerType, ModbusException
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusIOException
from pymodbus.pdu import ModbusPDU

from .errors import (
    ModbusConnectError,
    ModbusConnectionLost,
    ModbusError,
    ModbusExceptionResponse,
    ModbusInvalidResponse,
    ModbusTimeout,
)


class LinkType(StrEnum):
    TCP = "tcp"
    RTU_OVER_TCP = "rtuovertcp"
    SERIAL = "serial"


class Table(StrEnum):
    """The four Modbus data tables."""

    COIL = "coil"
    DISCRETE_INPUT = "discrete_input"
    HOLDING = "holding"
    INPUT = "input"

    @property
    def is_bits(self) -> bool:
        return self in (Table.COIL, Table.DISCRETE_INPUT)

    @property
    def read_function(self) -> int:
        return _READ_FUNCTION[self]


_READ_FUNCTION = {Table.COIL: 1, Table.DISCRETE_INPUT: 2, Table.HOLDING: 3, Table.INPUT: 4}
#: Function codes this client sends; an answer with any other code is garbage.
_KNOWN_FUNCTIONS = frozenset({1, 2, 3, 4, 5, 6, 15, 16})
#: A pymodbus timeout longer than ours, so ours always fires first and pymodbus stays quiet.
_PYMODBUS_TIMEOUT_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class ClientParams:
    """Where a link goes and how long to wait for an answer."""

    type: LinkType
    host: str = "127.0.0.1"
    port: int = 502
    serial_port: str = ""
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: int = 1
    timeout: float = 3.0

    def describe(self) -> str:
        if self.type is LinkType.SERIAL:
            return f"serial {self.serial_port} at {self.baudrate} baud"
        return f"{self.type} {self.host}:{self.port}"


class LinkClient(Protocol):
    """What the link scheduler needs of a connection (ModbusClient, or a fake in tests)."""

    params: ClientParams
    on_lost: Callable[[ModbusError], None] | None

    @property
    def connected(self) -> bool: ...

    async def connect(self) -> None: ...

    def close(self) -> None: ...

    async def read(self, table: Table, device_id: int, address: int, count: int) -> list[int]: ...

    async def write_registers(
        self, device_id: int, address: int, values: Sequence[int]
    ) -> None: ...

    async def write_coils(self, device_id: int, address: int, values: Sequence[bool]) -> None: ...


class ModbusClient:
    """One connection; `read`/`write_*` run one request at a time and raise `ModbusError`s."""

    def __init__(self, params: ClientParams) -> None:
        self.params = params
        self.requests_sent = 0
        #: Called when the other end closes or resets the connection.
        self.on_lost: Callable[[ModbusError], None] | None = None
        self._client: AsyncModbusTcpClient | AsyncModbusSerialClient | None = None
        self._lock = asyncio.Lock()
        self._fault: asyncio.Future[ModbusError] | None = None
        self._rx_since_send = 0

    @property
    def connected(self) -> bool:
        return self._client is not None and bool(self._client.connected)

    async def connect(self) -> None:
        """Open the connection, or raise `ModbusConnectError`."""
        self.close()
        client = self._make_client()
        ok = False
        try:
            async with asyncio.timeout(self.params.timeout):
                ok = await client.connect()
        except TimeoutError:
            ok = False
        except (OSError, ModbusException) as exc:
            client.close()
            raise ModbusConnectError(f"cannot open {self.params.describe()}: {exc}") from None
        if not ok:
            client.close()
            raise ModbusConnectError(
                f"cannot open {self.params.describe()}: refused, unreachable or no answer "
                f"within {self.params.timeout:g} s"
            )
        self._client = client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        self._signal(ModbusConnectionLost("the connection was closed"))

    async def read(self, table: Table, device_id: int, address: int, count: int) -> list[int]:
        """Read `count` registers (or bits, as 0/1) of `table` starting at `address`."""

        def call(c: Any) -> Awaitable[ModbusPDU]:
            method = {
                Table.COIL: c.read_coils,
                Table.DISCRETE_INPUT: c.read_discrete_inputs,
                Table.HOLDING: c.read_holding_registers,
                Table.INPUT: c.read_input_registers,
            }[table]
            result: Awaitable[ModbusPDU] = method(address, count=count, device_id=device_id)
            return result

        pdu = await self._execute(call, table.read_function, device_id, address)
        if table.is_bits:
            bits = list(pdu.bits)
            if len(bits) < count:
                raise ModbusInvalidResponse(f"asked for {count} bits, got {len(bits)}")
            return [int(b) for b in bits[:count]]
        registers = list(pdu.registers)
        if len(registers) != count:
            raise ModbusInvalidResponse(f"asked for {count} registers, got {len(registers)}")
        return registers

    async def write_registers(self, device_id: int, address: int, values: Sequence[int]) -> None:
        """Write holding registers: function 6 for one, 16 for several."""
        regs = [int(v) for v in values]
        if len(regs) == 1:
            await self._execute(
                lambda c: c.write_register(address, regs[0], device_id=device_id),
                6, device_id, address,
            )
            return
        await self._execute(
            lambda c: c.write_registers(address, regs, device_id=device_id),
            16, device_id, address,
        )

    async def write_coils(self, device_id: int, address: int, values: Sequence[bool]) -> None:
        """Write coils: function 5 for one, 15 for several."""
        bits = [bool(v) for v in values]
        if len(bits) == 1:
            await self._execute(
                lambda c: c.write_coil(address, bits[0], device_id=device_id),
                5, device_id, address,
            )
            return
        await self._execute(
            lambda c: c.write_coils(address, bits, device_id=device_id),
            15, device_id, address,
        )

    async def _execute(
        self,
        call: Callable[[Any], Awaitable[ModbusPDU]],
        function_code: int,
        device_id: int,
        address: int,
    ) -> ModbusPDU:
        async with self._lock:
            client = self._client
            if client is None or not client.connected:
                raise ModbusConnectionLost(f"{self.params.describe()} is not connected")
            fault: asyncio.Future[ModbusError] = asyncio.get_running_loop().create_future()
            self._fault = fault
            self._rx_since_send = 0
            self.requests_sent += 1
            what = f"function {function_code} at address {address}"
            try:
                pdu = await self._await_answer(call(client), fault, what)
            finally:
                self._fault = None
        response_function = pdu.function_code & 0x7F
        if response_function != function_code:
            raise ModbusInvalidResponse(
                f"asked with function {function_code}, answered with {response_function}"
            )
        if pdu.isError():
            raise ModbusExceptionResponse(pdu.exception_code, function_code, device_id, address)
        return pdu

    async def _await_answer(
        self, request: Awaitable[ModbusPDU], fault: asyncio.Future[ModbusError], what: str
    ) -> ModbusPDU:
        task = asyncio.ensure_future(request)
        waiting: set[asyncio.Future[Any]] = {task, fault}
        try:
            async with asyncio.timeout(self.params.timeout):
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        except TimeoutError:
            pass
        finally:
            if not task.done():
                task.cancel()
                task.add_done_callback(_consume)
        if not task.done() or task.cancelled():
            if fault.done():
                raise fault.result()
            if self._rx_since_send:
                raise ModbusInvalidResponse(
                    f"{self._rx_since_send} bytes that are not a Modbus answer came back "
                    f"for {what}"
                )
            raise ModbusTimeout(f"no answer to {what} within {self.params.timeout:g} s")
        try:
            return task.result()
        except ConnectionException as exc:
            raise ModbusConnectionLost(str(exc)) from None
        except ModbusIOException as exc:
            raise ModbusInvalidResponse(str(exc)) from None
        except ModbusException as exc:
            raise ModbusInvalidResponse(str(exc)) from None

    def _make_client(self) -> AsyncModbusTcpClient | AsyncModbusSerialClient:
        p = self.params
        common: dict[str, Any] = {
            "timeout": p.timeout * _PYMODBUS_TIMEOUT_FACTOR,
            "retries": 0,
            "reconnect_delay": 0,
            "trace_packet": self._trace_packet,
            "trace_connect": self._trace_connect,
        }
        if p.type is LinkType.SERIAL:
            return AsyncModbusSerialClient(
                p.serial_port,
                framer=FramerType.RTU,
                baudrate=p.baudrate,
                bytesize=p.bytesize,
                parity=p.parity,
                stopbits=p.stopbits,
                **common,
            )
        framer = FramerType.RTU if p.type is LinkType.RTU_OVER_TCP else FramerType.SOCKET
        client = AsyncModbusTcpClient(p.host, port=p.port, framer=framer, **common)
        # Never let pymodbus drop the link on its own after silent requests: one dead unit
        # behind a gateway must not cut off the others. The scheduler decides.
        client.set_max_no_responses(1_000_000)
        return client

    def _trace_packet(self, sending: bool, data: bytes) -> bytes:
        if sending:
            self._rx_since_send = 0
            return data
        self._rx_since_send = len(data)
        if self.params.type is LinkType.TCP and not _plausible_mbap(data):
            self._signal(ModbusInvalidResponse(f"garbage from the device: {data[:16].hex()}"))
            asyncio.get_running_loop().call_soon(self._drop)
            return b""
        return data

    def _trace_connect(self, connected: bool) -> None:
        if connected:
            return
        error = ModbusConnectionLost(f"{self.params.describe()} closed the connection")
        self._signal(error)
        if self.on_lost is not None:
            asyncio.get_running_loop().call_soon(self.on_lost, error)

    def _signal(self, error: ModbusError) -> None:
        if self._fault is not None and not self._fault.done():
            self._fault.set_result(error)

    def _drop(self) -> None:
        """Forget a stream that lost its framing; the scheduler reconnects."""
        if self._client is not None:
            self._client.close()
            self._client = None


def _consume(task: asyncio.Future[Any]) -> None:
    """Collect the outcome of an abandoned request, so asyncio does not report it as lost."""
    if not task.cancelled():
        task.exception()


def _plausible_mbap(data: bytes) -> bool:
    """Whether `data` starts like a Modbus TCP answer (header and function code)."""
    if len(data) < 8:
        return True  # wait for more
    protocol = int.from_bytes(data[2:4], "big")
    length = int.from_bytes(data[4:6], "big")
    function = data[7] & 0x7F
    return protocol == 0 and 2 <= length <= 254 and function in _KNOWN_FUNCTIONS
