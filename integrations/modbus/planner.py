"""Merge the reads of nearby registers of one device into as few requests as the line allows.

On a slow RS-485 line each request costs a turnaround of tens of milliseconds, whatever its
length, so reading registers 0..17 once beats reading nine float32 values one by one. Spans
are merged when the gap between them is at most `max_gap` registers (bits count 16 to a
register) and the block stays within what one request may carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .client import Table

MAX_BITS = 2000


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Registers (or bits) one entity needs."""

    table: Table
    address: int
    count: int

    @property
    def end(self) -> int:
        return self.address + self.count

    def within(self, block: Block) -> bool:
        return self.table is block.table and block.address <= self.address and self.end <= block.end


@dataclass(frozen=True, slots=True)
class Block:
    """One read request, and the spans it serves."""

    table: Table
    address: int
    count: int
    spans: tuple[Span, ...]

    @property
    def end(self) -> int:
        return self.address + self.count

    def slice(self, values: Sequence[int], span: Span) -> list[int]:
        """The part of this block's values that belongs to `span`."""
        start = span.address - self.address
        return list(values[start : start + span.count])


def plan(spans: Iterable[Span], max_gap: int, max_registers: int) -> list[Block]:
    """Group spans into blocks, in table and address order."""
    blocks: list[Block] = []
    current: list[Span] = []
    for span in sorted(set(spans)):
        if current and _fits(current, span, max_gap, max_registers):
            current.append(span)
            continue
        if current:
            blocks.append(_block(current))
        current = [span]
    if current:
        blocks.append(_block(current))
    return blocks


def single(spans: Iterable[Span]) -> list[Block]:
    """One block per span: what reads cost without merging."""
    return [_block([span]) for span in sorted(set(spans))]


def _fits(current: list[Span], span: Span, max_gap: int, max_registers: int) -> bool:
    first = current[0]
    if span.table is not first.table:
        return False
    end = max(s.end for s in current)
    bits = span.table.is_bits
    gap_limit = max_gap * 16 if bits else max_gap
    size_limit = MAX_BITS if bits else max_registers
    return span.address - end <= gap_limit and max(end, span.end) - first.address <= size_limit


def _block(spans: list[Span]) -> Block:
    start = spans[0].address
    end = max(s.end for s in spans)
    return Block(spans[0].table, start, end - start, tuple(spans))
