"""A small Modbus TCP server on 127.0.0.1 whose registers a program can read and write.

The demo district serves its water tanks and pumps from it, and the tests and the benchmark run
the integration against it, so the hub's Modbus path is exercised for real. It is pymodbus's
server with one `RegisterBank` per device (unit) id in front of the datastore: the bank is the
truth, pymodbus answers from it.

API::

    sim = ModbusSimulator(device_ids=[1, 2], size=200)     # host 127.0.0.1, port 0 = any free
    await sim.start()                     # listening; sim.port is the bound port
    bank = sim.device(1)                  # RegisterBank of unit 1

    bank.set_holding(0, 1234)             # one register, or a list of registers from 0
    bank.set_input(10, [1, 2, 3])
    bank.set_coil(3, True)                # one bit, or a list of bits
    bank.set_discrete(0, [True, False])
    bank.get_holding(0, 2) -> list[int]   # also get_input, get_coils, get_discretes
    bank.get_coil(3) -> bool              # also get_discrete
    bank.set_value(Table.INPUT, 20, 231.5, DataType.FLOAT32, swap=Swap.WORD)  # typed
    bank.get_value(Table.HOLDING, 20, DataType.INT32) -> int | float | str
    bank.response_delay = 0.2             # answer this unit's reads late (seconds)

    unsubscribe = sim.on_write(callback)  # callback(WriteEvent) after a client writes
    # WriteEvent(device_id=1, table=Table.COIL, address=3, values=(1,)); coils give 0/1

    sim.requests                          # RequestRecord(device_id, function_code, address,
                                          #   count) of every request received, in order
    sim.clear_requests()
    await sim.stop()

Addresses run from 0 to `size - 1` in each of the four tables; a request outside them is
answered with exception 2 (illegal data address), as a real device does. `framer="rtu"`
serves RTU frames over the TCP socket (what an RS-485 gateway in transparent mode speaks).
Run it on its own with `python -m integrations.modbus.simprocess --help`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pymodbus import FramerType
from pymodbus.pdu import ModbusPDU
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType as SimDataType
from pymodbus.simulator import SimData, SimDevice

from .client import Table
from .codec import DataType, Swap, Value, decode, encode, register_count

_LOGGER = logging.getLogger(__name__)

#: Function codes that write, and the table each writes into.
_WRITE_TABLE = {5: Table.COIL, 15: Table.COIL, 6: Table.HOLDING, 16: Table.HOLDING}
_READ_TABLE = {1: Table.COIL, 2: Table.DISCRETE_INPUT, 3: Table.HOLDING, 4: Table.INPUT}


@dataclass(frozen=True, slots=True)
class WriteEvent:
    """A client wrote `values` (registers, or 0/1 for coils) from `address` on a device."""

    device_id: int
    table: Table
    address: int
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the server received it."""

    device_id: int
    function_code: int
    address: int
    count: int


WriteCallback = Callable[[WriteEvent], None]


class RegisterBank:
    """The four tables of one simulated device; values are plain ints (bits as 0/1)."""

    def __init__(self, device_id: int, size: int) -> None:
        self.device_id = device_id
        self.size = size
        self.response_delay = 0.0
        self._tables: dict[Table, list[int]] = {table: [0] * size for table in Table}

    def get(self, table: Table, address: int, count: int = 1) -> list[int]:
        self._check(address, count)
        return self._tables[table][address : address + count]

    def set(self, table: Table, address: int, values: int | Sequence[int]) -> None:
        regs = [int(values)] if isinstance(values, int) else [int(v) for v in values]
        self._check(address, len(regs))
        limit = 1 if table.is_bits else 0xFFFF
        if any(not 0 <= v <= limit for v in regs):
            raise ValueError(f"{table} values must be 0..{limit}, got {regs}")
        self._tables[table][address : address + len(regs)] = regs

    def get_holding(self, address: int, count: int = 1) -> list[int]:
        return self.get(Table.HOLDING, address, count)

    def set_holding(self, address: int, values: int | Sequence[int]) -> None:
        self.set(Table.HOLDING, address, values)

    def get_input(self, address: int, count: int = 1) -> list[int]:
        return self.get(Table.INPUT, address, count)

    def set_input(self, address: int, values: int | Sequence[int]) -> None:
        self.set(Table.INPUT, address, values)

    def get_coil(self, address: int) -> bool:
        return bool(self.get(Table.COIL, address)[0])

    def get_coils(self, address: int, count: int) -> list[bool]:
        return [bool(v) for v in self.get(Table.COIL, address, count)]

    def set_coil(self, address: int, value: bool | Sequence[bool]) -> None:
        bits = [value] if isinstance(value, bool) else list(value)
        self.set(Table.COIL, address, [int(b) for b in bits])

    def get_discrete(self, address: int) -> bool:
        return bool(self.get(Table.DISCRETE_INPUT, address)[0])

    def get_discretes(self, address: int, count: int) -> list[bool]:
        return [bool(v) for v in self.get(Table.DISCRETE_INPUT, address, count)]

    def set_discrete(self, address: int, value: bool | Sequence[bool]) -> None:
        bits = [value] if isinstance(value, bool) else list(value)
        self.set(Table.DISCRETE_INPUT, address, [int(b) for b in bits])

    def set_value(
        self,
        table: Table,
        address: int,
        value: Value,
        data_type: DataType,
        *,
        swap: Swap = Swap.NONE,
        count: int | None = None,
    ) -> None:
        """Store a typed value the way a device of that byte order would."""
        self.set(table, address, encode(value, data_type, swap, count))

    def get_value(
        self,
        table: Table,
        address: int,
        data_type: DataType,
        *,
        swap: Swap = Swap.NONE,
        count: int | None = None,
    ) -> Value:
        return decode(self.get(table, address, register_count(data_type, count)), data_type, swap)

    def _check(self, address: int, count: int) -> None:
        if address < 0 or count < 1 or address + count > self.size:
            raise IndexError(
                f"device {self.device_id}: addresses {address}..{address + count - 1} "
                f"are outside 0..{self.size - 1}"
            )


class ModbusSimulator:
    """pymodbus's TCP server in front of one RegisterBank per device id."""

    def __init__(
        self,
        device_ids: Iterable[int] = (1,),
        *,
        size: int = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
        framer: Literal["socket", "rtu"] = "socket",
    ) -> None:
        self.host = host
        self.port = port
        self.framer = FramerType.RTU if framer == "rtu" else FramerType.SOCKET
        self._banks = {d: RegisterBank(d, size) for d in dict.fromkeys(device_ids)}
        if not self._banks:
            raise ValueError("the simulator needs at least one device id")
        self._callbacks: list[WriteCallback] = []
        self._requests: list[RequestRecord] = []
        self._server: ModbusTcpServer | None = None

    @property
    def device_ids(self) -> list[int]:
        return list(self._banks)

    def device(self, device_id: int) -> RegisterBank:
        return self._banks[device_id]

    @property
    def requests(self) -> list[RequestRecord]:
        return list(self._requests)

    def clear_requests(self) -> None:
        self._requests.clear()

    def on_write(self, callback: WriteCallback) -> Callable[[], None]:
        """Call `callback` after every client write; returns the unsubscribe."""
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    async def start(self) -> None:
        """Listen on host:port; `port` then holds the bound port (useful with port 0)."""
        if self._server is not None:
            return
        devices = [self._sim_device(bank) for bank in self._banks.values()]
        server = ModbusTcpServer(
            devices,
            address=(self.host, self.port),
            framer=self.framer,
            trace_pdu=self._trace_pdu,
        )
        await server.serve_forever(background=True)
        self._server = server
        sockets = getattr(server.transport, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()  # type: ignore[no-untyped-call]

    def _sim_device(self, bank: RegisterBank) -> SimDevice:
        size = bank.size

        def bits() -> list[SimData]:
            return [SimData(0, count=size, values=False, datatype=SimDataType.BITS)]

        def regs() -> list[SimData]:
            return [SimData(0, count=size, values=0, datatype=SimDataType.REGISTERS)]

        async def action(  # noqa: PLR0917 - the signature pymodbus calls
            function_code: int,
            start_address: int,
            address: int,
            count: int,
            current: list[int],
            set_values: list[int] | list[bool] | None,
        ) -> None:
            await self._on_access(
                bank, function_code, start_address, address, count=count, current=current,
                set_values=set_values,
            )

        return SimDevice(bank.device_id, simdata=(bits(), bits(), regs(), regs()), action=action)

    async def _on_access(
        self,
        bank: RegisterBank,
        function_code: int,
        start_address: int,
        address: int,
        *,
        count: int,
        current: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> None:
        """Keep pymodbus's storage in step with the bank, and report writes."""
        if set_values:
            table = _WRITE_TABLE[function_code]
            values = tuple(int(v) for v in set_values)
            bank.set(table, address, values)
            event = WriteEvent(bank.device_id, table, address, values)
            for callback in tuple(self._callbacks):
                try:
                    callback(event)
                except Exception:  # a model's bug must not turn into a device failure
                    _LOGGER.exception("Modbus simulator: write callback %r failed", callback)
            return
        if bank.response_delay > 0:
            await asyncio.sleep(bank.response_delay)
        table = _READ_TABLE.get(function_code) or _WRITE_TABLE[function_code]
        if table.is_bits:
            _fill_bits(bank, table, start_address, address, register_count=count, current=current)
        else:
            offset = address - start_address
            current[offset : offset + count] = bank.get(table, address, count)

    def _trace_pdu(self, sending: bool, pdu: ModbusPDU) -> ModbusPDU:
        if not sending:
            count = pdu.count or len(pdu.bits) or len(pdu.registers) or 1
            self._requests.append(
                RequestRecord(pdu.dev_id, pdu.function_code, pdu.address, count)
            )
        return pdu


def _fill_bits(
    bank: RegisterBank,
    table: Table,
    start_register: int,
    address: int,
    *,
    register_count: int,
    current: list[int],
) -> None:
    """pymodbus keeps bits packed 16 to a register, bit 0 first; copy whole registers."""
    first = address // 16
    for i in range(register_count):
        base = (first + i) * 16
        word = 0
        for bit in range(16):
            if base + bit < bank.size and bank.get(table, base + bit)[0]:
                word |= 1 << bit
        current[first + i - start_register] = word

