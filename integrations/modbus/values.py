"""From raw registers to what an entity shows, and from a setpoint back to registers."""

from __future__ import annotations

from collections.abc import Sequence

from .codec import DataType, Value, apply_swap, decode, encode, is_finite
from .schema import NumberConfig, SensorConfig, ValueLayout

#: Significant digits a reading can carry: float32 has about 7, the rest about 15.
_SIGNIFICANT = {DataType.FLOAT32: 7}


def scaled(layout: ValueLayout, registers: Sequence[int]) -> Value | None:
    """The registers decoded, scaled, offset and rounded; None when there is no reading."""
    raw = decode(registers, layout.data_type, layout.swap)
    if isinstance(raw, str):
        return raw
    if not is_finite(raw):
        return None
    if layout.scale == 1 and layout.offset == 0 and isinstance(raw, int):
        value: int | float = raw
    else:
        value = raw * layout.scale + layout.offset
    return _round(value, layout)


def _round(value: int | float, layout: ValueLayout) -> int | float:
    if layout.precision is not None:
        rounded = round(float(value), layout.precision)
        return int(rounded) if layout.precision == 0 else rounded
    if isinstance(value, int):
        return value
    digits = _SIGNIFICANT.get(layout.data_type, 15)
    value = float(f"{value:.{digits}g}")
    return int(value) if value.is_integer() and layout.data_type not in (
        DataType.FLOAT32, DataType.FLOAT64) else value


def is_nan_value(config: SensorConfig, registers: Sequence[int]) -> bool:
    """Whether the registers hold the device's 'no reading' marker.

    Manuals print it as the register bits (0x8000) or as the value (-32768); both match.
    """
    if config.nan_value is None:
        return False
    swapped = apply_swap(registers, config.swap)
    bits = int.from_bytes(b"".join(r.to_bytes(2, "big") for r in swapped), "big")
    return config.nan_value in (bits, decode(registers, config.data_type, config.swap))


def sensor_value(config: SensorConfig, registers: Sequence[int]) -> Value | None:
    """What a sensor shows for `registers`: None (unknown) for `nan_value` or NaN."""
    if is_nan_value(config, registers):
        return None
    value = scaled(config, registers)
    if isinstance(value, str) or value is None:
        return value
    if config.min_value is not None and value < config.min_value:
        return _round(config.min_value, config)
    if config.max_value is not None and value > config.max_value:
        return _round(config.max_value, config)
    return value


def setpoint_registers(config: NumberConfig, value: float) -> list[int]:
    """The registers that make the device hold `value` (the inverse of `scaled`)."""
    raw = (value - config.offset) / config.scale
    if config.data_type not in (DataType.FLOAT32, DataType.FLOAT64):
        raw = round(raw)
    return encode(raw, config.data_type, config.swap)


def bit_of(registers: Sequence[int], bit: int | None) -> bool:
    """A bit of a register, or for a coil/discrete input or bit-less register: non-zero."""
    if bit is None:
        return registers[0] != 0
    return bool((registers[0] >> bit) & 1)
