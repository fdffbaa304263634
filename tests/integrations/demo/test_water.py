"""Tank physics: pumps fill, the town's demand drains by the hour, levels are exact."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from integrations.demo.water import (
    HIGH_SWITCH,
    LOW_SWITCH,
    TANKS,
    Tank,
    demand_m3h,
    float_switch,
)

ATHENS = ZoneInfo("Europe/Athens")
NORTH = TANKS[0]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 15, hour, minute, tzinfo=ATHENS)


def test_a_running_pump_fills_its_tank() -> None:
    tank = Tank(NORTH, level_m=2.0)
    tank.pump_on = True
    tank.advance(at(3), 3600, ATHENS)
    expected = 2.0 + (NORTH.pump_flow_m3h - demand_m3h(NORTH, 3)) / NORTH.area_m2
    assert tank.level_m == pytest.approx(expected)
    assert tank.level_m > 2.0


def test_demand_drains_a_tank_faster_at_breakfast_than_at_night() -> None:
    night, morning = Tank(NORTH, level_m=3.0), Tank(NORTH, level_m=3.0)
    night.advance(at(3), 3600, ATHENS)
    morning.advance(at(8), 3600, ATHENS)
    assert morning.level_m < night.level_m < 3.0
    assert 3.0 - morning.level_m > 4 * (3.0 - night.level_m)


def test_the_level_does_not_depend_on_how_often_it_is_reported() -> None:
    once, often = Tank(NORTH, level_m=3.0), Tank(NORTH, level_m=3.0)
    once.advance(at(6, 40), 2 * 3600, ATHENS)
    for step in range(2 * 3600 // 5):
        often.advance(at(6, 40) + timedelta(seconds=5 * step), 5, ATHENS)
    assert often.level_m == pytest.approx(once.level_m)


def test_a_tank_neither_overflows_its_capacity_nor_goes_below_empty() -> None:
    full = Tank(NORTH, level_m=NORTH.height_m)
    full.pump_on = True
    full.advance(at(2), 3600, ATHENS)
    assert full.level_m == pytest.approx(NORTH.height_m)
    empty = Tank(NORTH, level_m=0.01)
    empty.advance(at(8), 3600, ATHENS)
    assert empty.level_m == 0.0


def test_two_pumps_fill_a_tank_with_twice_the_flow_and_each_draws_its_current() -> None:
    one, two = Tank(NORTH, level_m=2.0), Tank(NORTH, level_m=2.0)
    one.pumps_on = [True, False]
    two.pumps_on = [True, True]
    one.advance(at(3), 3600, ATHENS)
    two.advance(at(3), 3600, ATHENS)
    assert two.level_m - one.level_m == pytest.approx(NORTH.pump_flow_m3h / NORTH.area_m2)
    assert (one.current_a(0), one.current_a(1)) == (NORTH.pump_current_a, 0.0)


def test_a_leak_drains_the_tank_even_with_the_pump_running() -> None:
    tank = Tank(NORTH, level_m=3.0)
    tank.pump_on = True
    tank.leak_m3h = 90.0
    tank.advance(at(3), 1800, ATHENS)
    assert tank.level_m < 3.0


def test_float_switches_start_a_pump_low_and_stop_it_high() -> None:
    assert float_switch(LOW_SWITCH - 0.01, pump_on=False) is True
    assert float_switch(HIGH_SWITCH + 0.01, pump_on=True) is False
    assert float_switch(0.6, pump_on=True) is None
    assert float_switch(0.6, pump_on=False) is None


def test_the_moment_a_level_is_reached_is_known_in_advance() -> None:
    tank = Tank(NORTH, level_m=3.0)
    start = at(7, 30)
    seconds = tank.seconds_to_reach([2.7, 3.5], start, ATHENS, horizon=4 * 3600)
    assert seconds is not None
    tank.advance(start, seconds, ATHENS)
    assert seconds > 1800  # across the 08:00 change of demand
    assert tank.level_m == pytest.approx(2.7)
    assert tank.seconds_to_reach([3.5], start, ATHENS, horizon=4 * 3600) is None
