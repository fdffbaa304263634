"""Raw registers to values and back, for every data type and byte order."""

from __future__ import annotations

import math

import pytest

from integrations.modbus.codec import CodecError, DataType, Swap, decode, encode

# (data type, swap, registers as the device sends them, the value they mean)
KNOWN = [
    (DataType.INT16, Swap.NONE, [0xFFFE], -2),
    (DataType.INT16, Swap.BYTE, [0xFEFF], -2),
    (DataType.UINT16, Swap.NONE, [0xFFFE], 65534),
    (DataType.UINT16, Swap.BYTE, [0x3412], 0x1234),
    (DataType.INT32, Swap.NONE, [0xFFFF, 0xFFFE], -2),
    (DataType.INT32, Swap.WORD, [0xFFFE, 0xFFFF], -2),
    (DataType.UINT32, Swap.NONE, [0x0001, 0x0002], 65538),
    (DataType.UINT32, Swap.WORD, [0x0002, 0x0001], 65538),
    (DataType.UINT32, Swap.BYTE, [0x0100, 0x0200], 65538),
    (DataType.UINT32, Swap.WORD_BYTE, [0x0200, 0x0100], 65538),
    (DataType.INT64, Swap.NONE, [0xFFFF, 0xFFFF, 0xFFFF, 0xFF9C], -100),
    (DataType.INT64, Swap.WORD, [0xFF9C, 0xFFFF, 0xFFFF, 0xFFFF], -100),
    (DataType.UINT64, Swap.NONE, [0x0000, 0x0000, 0x0001, 0x0000], 65536),
    (DataType.UINT64, Swap.WORD_BYTE, [0x0000, 0x0100, 0x0000, 0x0000], 65536),
    (DataType.FLOAT32, Swap.NONE, [0x4367, 0x8000], 231.5),
    (DataType.FLOAT32, Swap.WORD, [0x8000, 0x4367], 231.5),
    (DataType.FLOAT32, Swap.BYTE, [0x6743, 0x0080], 231.5),
    (DataType.FLOAT32, Swap.WORD_BYTE, [0x0080, 0x6743], 231.5),
    (DataType.FLOAT64, Swap.NONE, [0x400C, 0x0000, 0x0000, 0x0000], 3.5),
    (DataType.FLOAT64, Swap.WORD, [0x0000, 0x0000, 0x0000, 0x400C], 3.5),
]


@pytest.mark.parametrize(("data_type", "swap", "registers", "value"), KNOWN)
def test_known_registers_decode_to_the_value_and_back(
    data_type: DataType, swap: Swap, registers: list[int], value: float
) -> None:
    assert decode(registers, data_type, swap) == value
    assert encode(value, data_type, swap) == registers


def test_strings_are_padded_and_trimmed() -> None:
    registers = encode("SDM630", DataType.STRING, count=5)
    assert registers == [0x5344, 0x4D36, 0x3330, 0, 0]
    assert decode(registers, DataType.STRING) == "SDM630"
    assert decode(encode("AB", DataType.STRING, Swap.BYTE, count=1), DataType.STRING, Swap.BYTE) == "AB"


def test_nan_float_decodes_as_nan() -> None:
    assert math.isnan(float(decode([0x7FC0, 0x0000], DataType.FLOAT32)))


def test_wrong_register_count_is_refused() -> None:
    with pytest.raises(CodecError, match="float32 needs 2 registers, got 1"):
        decode([1], DataType.FLOAT32)


def test_value_out_of_range_is_refused() -> None:
    with pytest.raises(CodecError, match="does not fit in int16"):
        encode(40000, DataType.INT16)
    with pytest.raises(CodecError, match="whole numbers"):
        encode(1.5, DataType.UINT16)
    with pytest.raises(CodecError, match="bytes; 2 fit"):
        encode("long", DataType.STRING, count=1)
