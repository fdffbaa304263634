"""Residents' daily routines."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from integrations.demo.residents import (
    Activity,
    Happening,
    activity_at,
    indoor_step,
    indoor_target,
    motion_rate,
    plan_day,
    profile_for,
)

ATHENS = ZoneInfo("Europe/Athens")
THURSDAY = date(2026, 1, 15)
SUNDAY = date(2026, 1, 18)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ATHENS)


def test_the_same_seed_plans_the_same_day() -> None:
    r01 = profile_for(0)
    first = plan_day(r01, THURSDAY, ATHENS, random.Random(7))
    again = plan_day(r01, THURSDAY, ATHENS, random.Random(7))
    other = plan_day(r01, THURSDAY, ATHENS, random.Random(8))
    assert first == again
    assert first != other


def test_a_day_runs_from_waking_up_to_going_to_bed_with_outings_in_between() -> None:
    plan = plan_day(profile_for(0), THURSDAY, ATHENS, random.Random(1))
    kinds = [e.what for e in plan if e.what is not Happening.NIGHT_UP]
    assert kinds[0] is Happening.WAKE
    assert kinds[-1] is Happening.SLEEP
    assert kinds.index(Happening.LEAVE) < kinds.index(Happening.RETURN)
    assert [e.at for e in plan] == sorted(e.at for e in plan)


def test_r01_walks_to_the_kafeneio_on_weekdays_and_goes_to_church_on_sunday() -> None:
    rng = random.Random(3)
    weekday = plan_day(profile_for(0), THURSDAY, ATHENS, rng)
    sunday = plan_day(profile_for(0), SUNDAY, ATHENS, rng)
    leave_weekday = next(e.at for e in weekday if e.what is Happening.LEAVE)
    leave_sunday = next(e.at for e in sunday if e.what is Happening.LEAVE)
    assert 9 <= leave_weekday.hour <= 10
    assert 7 <= leave_sunday.hour <= 8


def test_what_a_resident_does_follows_the_plan() -> None:
    plan = plan_day(profile_for(0), THURSDAY, ATHENS, random.Random(5))
    leave = next(e.at for e in plan if e.what is Happening.LEAVE)
    back = next(e.at for e in plan if e.what is Happening.RETURN)
    assert activity_at(plan, local(THURSDAY, 4)) is Activity.ASLEEP
    assert activity_at(plan, local(THURSDAY, 9)) is Activity.HOME
    assert activity_at(plan, leave + (back - leave) / 2) is Activity.AWAY
    assert activity_at(plan, local(THURSDAY, 23, 30)) is Activity.ASLEEP


def test_residents_are_numbered_and_their_profiles_cycle() -> None:
    assert [profile_for(i).key for i in range(3)] == ["r01", "r02", "r03"]
    assert profile_for(2).wake == profile_for(0).wake


def test_the_home_moves_only_while_someone_is_awake_in_it() -> None:
    r01 = profile_for(0)
    assert motion_rate(r01, Activity.HOME) > 0
    assert motion_rate(r01, Activity.AWAY) == 0
    assert motion_rate(r01, Activity.ASLEEP) == 0


def test_the_home_cools_at_night_and_heads_for_the_setpoint() -> None:
    r01 = profile_for(0)
    assert indoor_target(r01, Activity.HOME, -3.0) == r01.day_c
    assert indoor_target(r01, Activity.ASLEEP, -3.0) < r01.day_c
    assert indoor_target(r01, Activity.HOME, 32.0) > r01.day_c
    assert indoor_step(18.0, 21.0, 0) == 18.0
    assert 18.0 < indoor_step(18.0, 21.0, 3600) < 21.0
    assert indoor_step(18.0, 21.0, 10 * 3600) == pytest.approx(21.0, abs=0.01)
