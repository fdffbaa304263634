"""The YAML of Modbus entities: sensors, binary sensors, switches, numbers, profiled devices.

Validated once at load; a model that validated is one the poller can run. Errors point at the
offending key (`count`, `address`, ...) so the config layer reports `FILE:LINE: message`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, NoReturn, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .client import Table
from .codec import REGISTERS, DataType, Swap, swap_allowed

MAX_ADDRESS = 0xFFFF
MAX_READ_REGISTERS = 125


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(field: str | tuple[str | int, ...], message: str, value: Any = None) -> InitErrorDetails:
    """A validation problem located at `field` of the model being validated."""
    loc = (field,) if isinstance(field, str) else field
    return InitErrorDetails(type=PydanticCustomError("modbus", message), loc=loc, input=value)


def fail(field: str | tuple[str | int, ...], message: str, value: Any = None) -> NoReturn:
    """Raise a validation error located at `field` of the model being validated."""
    raise ValidationError.from_exception_data("modbus", [problem(field, message, value)])


def raise_all(problems: list[InitErrorDetails]) -> None:
    """Raise every problem at once, each at its own place (nothing happens for none)."""
    if problems:
        raise ValidationError.from_exception_data("modbus", problems)


def _address(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ADDRESS:
        raise PydanticCustomError(
            "modbus_address", f"address {value} is outside the Modbus range 0..{MAX_ADDRESS}"
        )
    return value


def _raw_number(value: Any) -> Any:
    """`nan_value` may be written as hex text, as device manuals print it (0x8000)."""
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            raise PydanticCustomError(
                "modbus_raw", f"expected a number such as 32768 or 0x8000, got {value!r}"
            ) from None
    return value


Address = Annotated[int, BeforeValidator(_address)]
DeviceId = Annotated[int, Field(ge=0, le=255)]
Seconds = Annotated[float, Field(gt=0, le=86_400)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
RawNumber = Annotated[int | float, BeforeValidator(_raw_number)]


class RegisterTable(StrEnum):
    HOLDING = "holding"
    INPUT = "input"


class StateClass(StrEnum):
    MEASUREMENT = "measurement"
    TOTAL = "total"
    TOTAL_INCREASING = "total_increasing"


class WriteType(StrEnum):
    COIL = "coil"
    HOLDING = "holding"


def slugify(text: str) -> str:
    """The object id part of an entity id, from a name: 'Tank 1 level' -> 'tank_1_level'."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug or "unnamed"


def check_layout(
    address: int, data_type: DataType, count: int | None, swap: Swap
) -> int:
    """Check a value's register layout; return how many registers it occupies."""
    if data_type is DataType.STRING:
        if count is None:
            fail("count", "data_type string needs count: the number of registers it spans")
        registers = count
    else:
        registers = REGISTERS[data_type]
        if count is not None and count != registers:
            fail(
                "count",
                f"data_type {data_type} occupies {registers} register"
                f"{'s' if registers > 1 else ''}, but count is {count} "
                f"(leave count out, or set it to {registers})",
                count,
            )
    if not 1 <= registers <= MAX_READ_REGISTERS:
        fail("count", f"count must be 1..{MAX_READ_REGISTERS} registers, got {registers}", count)
    if not swap_allowed(data_type, swap):
        fail(
            "swap",
            f"swap {swap} reorders registers, but {data_type} has only one "
            "(use none or byte)",
            swap.value,
        )
    last = address + registers - 1
    if last > MAX_ADDRESS:
        fail(
            "address",
            f"{data_type} at address {address} spans registers {address}..{last}, "
            f"past the last Modbus address {MAX_ADDRESS}",
            address,
        )
    return registers


class EntityCommon(Frozen):
    name: Name
    device_id: DeviceId = 1
    scan_interval: Seconds = 15.0

    @property
    def object_id(self) -> str:
        return slugify(self.name)


class ValueLayout(Frozen):
    """A number in registers, and how to turn it into what people read."""

    address: Address
    data_type: DataType = DataType.INT16
    count: int | None = None
    swap: Swap = Swap.NONE
    scale: float = 1.0
    offset: float = 0.0
    precision: int | None = Field(default=None, ge=0, le=10)

    @property
    def registers(self) -> int:
        return self.count if self.count is not None else REGISTERS[self.data_type]

    @model_validator(mode="after")
    def _check_value_layout(self) -> Self:
        check_layout(self.address, self.data_type, self.count, self.swap)
        if self.data_type is DataType.STRING:
            for key, default in (("scale", 1.0), ("offset", 0.0), ("precision", None)):
                if getattr(self, key) != default:
                    fail(key, f"{key} applies to numbers; data_type string holds text")
        if self.scale == 0:
            fail("scale", "scale 0 would turn every reading into 0", 0)
        return self


class SensorConfig(EntityCommon, ValueLayout):
    input_type: RegisterTable = RegisterTable.HOLDING
    unit_of_measurement: str | None = None
    device_class: str | None = None
    state_class: StateClass | None = None
    min_value: float | None = None
    max_value: float | None = None
    nan_value: RawNumber | None = None

    @model_validator(mode="after")
    def _check_sensor(self) -> Self:
        if self.data_type is DataType.STRING:
            for key in ("state_class", "min_value", "max_value", "nan_value"):
                if getattr(self, key) is not None:
                    fail(key, f"{key} applies to numbers; data_type string holds text")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            fail("max_value", f"max_value {self.max_value} is below min_value {self.min_value}")
        return self

    @property
    def table(self) -> Table:
        return Table(self.input_type.value)


class BinarySensorConfig(EntityCommon):
    address: Address
    input_type: Table = Table.COIL
    bit: int | None = Field(default=None, ge=0, le=15)
    device_class: str | None = None

    @model_validator(mode="after")
    def _check_bit(self) -> Self:
        if self.bit is not None and self.input_type.is_bits:
            fail("bit", f"bit picks a bit of a register; a {self.input_type} is a bit already")
        return self


class VerifyConfig(Frozen):
    """Read back what the device did after a write, and on every poll."""

    input_type: Table | None = None
    address: Address | None = None
    state_on: int | None = None
    state_off: int | None = None
    delay: float = Field(default=0.0, ge=0, le=60)


class SwitchConfig(EntityCommon):
    address: Address
    write_type: WriteType = WriteType.COIL
    command_on: int = Field(default=1, ge=0, le=0xFFFF)
    command_off: int = Field(default=0, ge=0, le=0xFFFF)
    verify: VerifyConfig | None = None
    device_class: str | None = None

    @model_validator(mode="after")
    def _check_commands(self) -> Self:
        if self.write_type is WriteType.COIL:
            for key in ("command_on", "command_off"):
                if getattr(self, key) not in (0, 1):
                    fail(key, f"a coil is 0 or 1; {key} is {getattr(self, key)}")
        if self.command_on == self.command_off:
            fail("command_off", "command_on and command_off are the same value")
        return self


class NumberConfig(EntityCommon, ValueLayout):
    """A setpoint in holding registers."""

    min_value: float = 0.0
    max_value: float = 100.0
    step: float = Field(default=1.0, gt=0)
    unit_of_measurement: str | None = None
    device_class: str | None = None

    @model_validator(mode="after")
    def _check_number(self) -> Self:
        if self.data_type is DataType.STRING:
            fail("data_type", "a number entity needs a numeric data_type, not string")
        if self.min_value > self.max_value:
            fail("max_value", f"max_value {self.max_value} is below min_value {self.min_value}")
        return self

