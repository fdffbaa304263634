"""Register codec: raw 16-bit registers <-> typed values, with the byte and word swaps devices use.

Modbus carries 16-bit registers, most significant byte first. Wider values span several
registers; devices disagree on the order of the bytes inside a register (`byte`), on the order
of the registers (`word`), or both (`word_byte`). Swapping is its own inverse, so the same
function undoes it on read and applies it on write.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from enum import StrEnum


class DataType(StrEnum):
    """How the registers of one value are to be read."""

    INT16 = "int16"
    UINT16 = "uint16"
    INT32 = "int32"
    UINT32 = "uint32"
    INT64 = "int64"
    UINT64 = "uint64"
    FLOAT32 = "float32"
    FLOAT64 = "float64"
    STRING = "string"


class Swap(StrEnum):
    """Byte and word order of a value relative to Modbus big-endian."""

    NONE = "none"
    BYTE = "byte"
    WORD = "word"
    WORD_BYTE = "word_byte"


_STRUCT: dict[DataType, str] = {
    DataType.INT16: "h",
    DataType.UINT16: "H",
    DataType.INT32: "i",
    DataType.UINT32: "I",
    DataType.INT64: "q",
    DataType.UINT64: "Q",
    DataType.FLOAT32: "f",
    DataType.FLOAT64: "d",
}

#: Registers one value of each fixed-width type occupies.
REGISTERS: dict[DataType, int] = {
    DataType.INT16: 1,
    DataType.UINT16: 1,
    DataType.INT32: 2,
    DataType.UINT32: 2,
    DataType.INT64: 4,
    DataType.UINT64: 4,
    DataType.FLOAT32: 2,
    DataType.FLOAT64: 4,
}

FLOAT_TYPES = frozenset({DataType.FLOAT32, DataType.FLOAT64})

Value = int | float | str


class CodecError(ValueError):
    """Registers that do not hold a value of the expected type, or a value that does not fit."""


def register_count(data_type: DataType, count: int | None = None) -> int:
    """Registers a value occupies: fixed by the type, or `count` for strings."""
    if data_type is DataType.STRING:
        if count is None or count < 1:
            raise CodecError("a string needs a count of at least 1 register")
        return count
    return REGISTERS[data_type]


def swap_allowed(data_type: DataType, swap: Swap) -> bool:
    """Whether `swap` makes sense for `data_type` (word swaps need more than one register)."""
    if swap in (Swap.WORD, Swap.WORD_BYTE):
        return data_type is not DataType.STRING and REGISTERS[data_type] > 1
    return True


def apply_swap(registers: Sequence[int], swap: Swap) -> list[int]:
    """Reorder bytes and/or registers; applying it twice gives back the input."""
    regs = list(registers)
    if swap in (Swap.BYTE, Swap.WORD_BYTE):
        regs = [((r & 0xFF) << 8) | (r >> 8) for r in regs]
    if swap in (Swap.WORD, Swap.WORD_BYTE):
        regs.reverse()
    return regs


def _to_bytes(registers: Sequence[int]) -> bytes:
    return b"".join(r.to_bytes(2, "big") for r in registers)


def decode(registers: Sequence[int], data_type: DataType, swap: Swap = Swap.NONE) -> Value:
    """The value held by `registers` (exactly as many as the type occupies)."""
    if data_type is not DataType.STRING and len(registers) != REGISTERS[data_type]:
        raise CodecError(
            f"{data_type} needs {REGISTERS[data_type]} registers, got {len(registers)}"
        )
    raw = _to_bytes(apply_swap(registers, swap))
    if data_type is DataType.STRING:
        return raw.rstrip(b"\x00").decode("utf-8", errors="replace").rstrip()
    value: int | float = struct.unpack(f">{_STRUCT[data_type]}", raw)[0]
    return value


def encode(
    value: Value, data_type: DataType, swap: Swap = Swap.NONE, count: int | None = None
) -> list[int]:
    """The registers that hold `value`; strings are padded with NUL to `count` registers."""
    if data_type is DataType.STRING:
        size = register_count(data_type, count) * 2
        data = str(value).encode("utf-8")
        if len(data) > size:
            raise CodecError(f"{value!r} needs {len(data)} bytes; {size} fit")
        raw = data.ljust(size, b"\x00")
    else:
        raw = _pack(value, data_type)
    regs = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return apply_swap(regs, swap)


def _pack(value: Value, data_type: DataType) -> bytes:
    if isinstance(value, str):
        raise CodecError(f"{data_type} needs a number, got {value!r}")
    if data_type in FLOAT_TYPES:
        return struct.pack(f">{_STRUCT[data_type]}", float(value))
    if isinstance(value, float) and not value.is_integer():
        raise CodecError(f"{data_type} holds whole numbers, got {value}")
    try:
        return struct.pack(f">{_STRUCT[data_type]}", int(value))
    except struct.error:
        raise CodecError(f"{value} does not fit in {data_type}") from None


def is_finite(value: Value) -> bool:
    """False for NaN and infinities, which a device sends when it has no reading."""
    return not isinstance(value, float) or math.isfinite(value)
