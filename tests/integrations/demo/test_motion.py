"""Random movements on the clock: rates that change with the hour, and the PIR's hold time."""

from __future__ import annotations

import random
from datetime import datetime

from integrations.demo.motion import MotionProcess
from kozani_hub.core.clock import SimulatedClock

START = datetime.fromisoformat("2026-01-15T00:00:00+02:00")


def process(clock: SimulatedClock, rate: float, reports: list[bool]) -> MotionProcess:
    return MotionProcess(
        clock, random.Random(4), rate=lambda _t: rate, peak=30.0, hold=60.0, report=reports.append
    )


async def test_movements_come_at_the_rate_asked_for() -> None:
    clock = SimulatedClock(START)
    busy: list[bool] = []
    quiet: list[bool] = []
    process(clock, 30.0, busy).start()
    process(clock, 3.0, quiet).start()
    await clock.advance(10 * 3600)
    assert busy.count(True) > 5 * quiet.count(True) > 0


async def test_a_movement_keeps_the_sensor_on_for_its_hold_time_and_another_extends_it() -> None:
    clock = SimulatedClock(START)
    reports: list[bool] = []
    motion = process(clock, 0.0, reports)
    motion.trigger()
    await clock.advance(50)
    motion.trigger()
    await clock.advance(50)
    assert reports == [True]
    await clock.advance(11)
    assert reports == [True, False]
    assert not motion.is_on


async def test_a_stopped_process_leaves_no_timers() -> None:
    clock = SimulatedClock(START)
    motion = process(clock, 30.0, [])
    motion.start()
    motion.trigger()
    motion.stop()
    assert clock.pending() == 0
