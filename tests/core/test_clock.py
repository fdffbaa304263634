from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from kozani_hub.core.clock import RealClock, SimulatedClock


async def test_simulated_clock_runs_timers_in_order_and_jumps(clock: SimulatedClock) -> None:
    start = clock.now()
    fired: list[tuple[str, float]] = []
    clock.call_later(30, lambda: fired.append(("b", (clock.now() - start).total_seconds())))
    clock.call_later(10, lambda: fired.append(("a", (clock.now() - start).total_seconds())))
    clock.call_later(10, lambda: fired.append(("a2", (clock.now() - start).total_seconds())))
    clock.call_later(90, lambda: fired.append(("late", 0)))
    await clock.advance(60)
    assert fired == [("a", 10.0), ("a2", 10.0), ("b", 30.0)]
    assert clock.now() == start + timedelta(seconds=60)


async def test_cancelled_timers_do_not_run(clock: SimulatedClock) -> None:
    fired: list[int] = []
    timer = clock.call_later(5, lambda: fired.append(1))
    timer.cancel()
    timer.cancel()
    await clock.advance(10)
    assert fired == []
    assert clock.pending() == 0


async def test_tasks_sleeping_on_the_clock_wake_in_simulated_time(clock: SimulatedClock) -> None:
    log: list[str] = []

    async def pump_cycle() -> None:
        log.append("start")
        await clock.sleep(3600)
        log.append("stop after an hour")
        await clock.sleep(1800)
        log.append("rest over")

    wall = time.perf_counter()
    task = asyncio.get_running_loop().create_task(pump_cycle())
    await clock.advance(3600 * 2)
    assert log == ["start", "stop after an hour", "rest over"]
    assert task.done()
    assert time.perf_counter() - wall < 1.0  # two simulated hours take no real time


async def test_a_timer_scheduled_by_a_timer_runs_in_the_same_advance(clock: SimulatedClock) -> None:
    fired: list[datetime] = []

    def first() -> None:
        fired.append(clock.now())
        clock.call_later(5, lambda: fired.append(clock.now()))

    clock.call_later(5, first)
    await clock.advance(20)
    assert len(fired) == 2
    assert fired[1] - fired[0] == timedelta(seconds=5)


def test_simulated_clock_needs_an_aware_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SimulatedClock(datetime(2026, 1, 1))


async def test_real_clock_fires_after_the_delay() -> None:
    clock = RealClock()
    assert clock.now().tzinfo is UTC
    done = asyncio.Event()
    began = clock.monotonic()
    clock.call_later(0.05, done.set)
    await asyncio.wait_for(done.wait(), 2)
    assert clock.monotonic() - began >= 0.04
    cancelled = asyncio.Event()
    clock.call_later(0.01, cancelled.set).cancel()
    await clock.sleep(0.05)
    assert not cancelled.is_set()
