"""Typed faults of a Modbus link, each with a message a technician can act on."""

from __future__ import annotations

from typing import ClassVar

#: Modbus exception codes (Modbus Application Protocol v1.1b3, section 7).
EXCEPTION_NAMES: dict[int, str] = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    5: "acknowledge",
    6: "device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target device failed to respond",
}

ILLEGAL_DATA_ADDRESS = 2


class ModbusError(Exception):
    """A request that did not get a usable answer."""

    kind: ClassVar[str] = "error"

    @property
    def key(self) -> tuple[str, int]:
        """What makes two faults 'the same' for logging them once."""
        return (self.kind, 0)


class ModbusTimeout(ModbusError):
    """The device did not answer within the link's timeout."""

    kind = "timeout"


class ModbusConnectError(ModbusError):
    """The link could not be opened: connection refused, host unreachable, no serial port."""

    kind = "connect"


class ModbusConnectionLost(ModbusError):
    """The connection closed or was reset while a request was under way, or was not open."""

    kind = "connection_lost"


class ModbusInvalidResponse(ModbusError):
    """Bytes arrived that are not a Modbus answer to the request (garbage, wrong frame)."""

    kind = "invalid_response"


class ModbusDeviceSkipped(ModbusError):
    """Not sent: the same device just failed, so the rest of its poll waits for the next one."""

    kind = "skipped"


class ModbusExceptionResponse(ModbusError):
    """The device answered with a Modbus exception (illegal address, device failure, ...)."""

    kind = "exception"

    def __init__(self, code: int, function_code: int, device_id: int, address: int) -> None:
        self.code = code
        self.function_code = function_code
        self.device_id = device_id
        self.address = address
        name = EXCEPTION_NAMES.get(code, "unknown exception")
        super().__init__(
            f"device {device_id} answered function {function_code} at address {address} "
            f"with exception {code} ({name})"
        )

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.code)
