"""Merging nearby registers into few requests."""

from __future__ import annotations

from integrations.modbus.client import Table
from integrations.modbus.planner import Span, plan, single


def test_nearby_registers_share_one_request() -> None:
    spans = [Span(Table.INPUT, a, 2) for a in (0, 2, 4, 6, 8, 10, 12, 14, 16)]
    blocks = plan(spans, max_gap=8, max_registers=125)
    assert [(b.address, b.count) for b in blocks] == [(0, 18)]
    assert len(single(spans)) == 9


def test_gaps_wider_than_the_limit_split_requests() -> None:
    spans = [Span(Table.INPUT, 0, 2), Span(Table.INPUT, 52, 2), Span(Table.INPUT, 70, 6)]
    assert [(b.address, b.count) for b in plan(spans, 8, 125)] == [(0, 2), (52, 2), (70, 6)]
    assert [(b.address, b.count) for b in plan(spans, 20, 125)] == [(0, 2), (52, 24)]


def test_tables_are_never_mixed_and_size_is_capped() -> None:
    spans = [Span(Table.HOLDING, 0, 1), Span(Table.INPUT, 1, 1)]
    assert len(plan(spans, 8, 125)) == 2
    many = [Span(Table.HOLDING, a, 1) for a in range(0, 30)]
    blocks = plan(many, 8, 10)
    assert [(b.address, b.count) for b in blocks] == [(0, 10), (10, 10), (20, 10)]


def test_each_span_gets_its_own_slice() -> None:
    spans = [Span(Table.HOLDING, 3, 1), Span(Table.HOLDING, 5, 2), Span(Table.HOLDING, 5, 1)]
    (block,) = plan(spans, 8, 125)
    values = [30, 40, 50, 60]
    assert block.slice(values, spans[0]) == [30]
    assert block.slice(values, spans[1]) == [50, 60]
    assert block.slice(values, spans[2]) == [50]


def test_coils_merge_with_bit_sized_gaps() -> None:
    spans = [Span(Table.COIL, 0, 1), Span(Table.COIL, 100, 1), Span(Table.COIL, 1000, 1)]
    assert [(b.address, b.count) for b in plan(spans, 8, 125)] == [(0, 101), (1000, 1)]
