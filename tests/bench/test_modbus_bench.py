"""The Modbus benchmark runs on its own, stops by itself and reports its figures."""

from __future__ import annotations

import asyncio

import pytest

from kozani_hub.bench.modbus import run_modbus_bench


async def test_a_short_run_reports_merged_reads_and_cpu_share() -> None:
    figures = await asyncio.wait_for(
        run_modbus_bench(devices=4, registers=5, scan_interval=0.2, duration=1.0, links=2), 30
    )

    assert figures["devices"] == 4
    assert figures["failed_requests"] == 0
    # Five values a device, one request a device: four of five round trips saved.
    assert figures["merged_read_savings_pct"] == 80.0
    assert figures["requests_per_s"] > 0
    assert figures["unmerged_requests_per_s"] == pytest.approx(5 * figures["requests_per_s"], rel=0.02)
    assert 0 < figures["cpu_share_pct"] < 100 * 8
    assert set(figures) >= {"requests_per_s", "merged_read_savings_pct", "cpu_share_pct"}
