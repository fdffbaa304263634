"""The care sensors of a resident's home: the bathroom, the fridge and the medicine cabinet
follow the day, every sensor reports its battery, and one can go silent for a while."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from integrations.demo.chores import Chore, plan_chores
from integrations.demo.residents import Happening, RoutineEvent, plan_day, profile_for

from .conftest import QUIET, StartDemo

ATHENS = ZoneInfo("Europe/Athens")
THURSDAY = date(2026, 1, 15)
DAY = 24 * 3600.0
CARE_SENSORS = ("motion", "door", "sos", "bathroom", "fridge", "medicine")


def local(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(THURSDAY, time(hour, minute), tzinfo=ATHENS)


def test_the_bathroom_medicines_and_meals_follow_the_day() -> None:
    plan = plan_day(profile_for(0), THURSDAY, ATHENS, random.Random(4))
    chores = plan_chores(plan)
    wake = next(e.at for e in plan if e.what is Happening.WAKE)
    first = [c.what for c in chores if wake <= c.at < wake + timedelta(hours=1)]
    assert first == [Chore.BATHROOM, Chore.MEDICINE, Chore.FRIDGE]
    assert sum(c.what is Chore.MEDICINE for c in chores) == 2
    assert [c.at.hour for c in chores if c.what is Chore.FRIDGE][1:] == [13, 19]
    assert [c.at for c in chores] == sorted(c.at for c in chores)


def test_nothing_is_taken_from_the_fridge_while_away_but_the_night_has_its_bathroom() -> None:
    plan = [
        RoutineEvent(local(3), Happening.NIGHT_UP),
        RoutineEvent(local(7), Happening.WAKE),
        RoutineEvent(local(12), Happening.LEAVE),
        RoutineEvent(local(15), Happening.RETURN),
        RoutineEvent(local(22), Happening.SLEEP),
    ]
    chores = plan_chores(plan)
    assert [c.at for c in chores if c.what is Chore.FRIDGE] == [local(7, 35), local(19, 30)]
    assert chores[0].what is Chore.BATHROOM and chores[0].at.hour == 3


async def test_the_home_sensors_open_and_close_through_the_day(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    await run.advance(DAY)
    for what in ("bathroom", "fridge", "medicine"):
        entity_id = f"binary_sensor.resident_r01_{what}"
        assert len(run.moments(entity_id, "on")) >= 2, entity_id
        assert run.state(entity_id).state == "off"


async def test_every_care_sensor_reports_its_battery_and_one_is_nearly_flat(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET)
    levels = {
        (resident, what): run.state(f"binary_sensor.resident_{resident}_{what}").attributes[
            "battery"
        ]
        for resident in ("r01", "r02")
        for what in CARE_SENSORS
    }
    assert run.state("sensor.resident_r01_temperature").attributes["battery"] > 20
    assert [key for key, level in levels.items() if level < 20] == [("r02", "medicine")]


async def test_a_care_sensor_goes_silent_for_hours_and_is_heard_again(
    start_demo: StartDemo,
) -> None:
    silent = {"after": 600, "resident": "r01", "sensor": "medicine", "duration": 7200}
    run = await start_demo({**QUIET, "incidents": {**QUIET["incidents"], "sensor_silent": silent}})
    await run.advance(601)
    assert run.state("binary_sensor.resident_r01_medicine").state == "unavailable"
    await run.advance(7198)
    assert run.state("binary_sensor.resident_r01_medicine").state == "unavailable"
    await run.advance(2)
    assert run.state("binary_sensor.resident_r01_medicine").state == "off"
    assert run.state("binary_sensor.resident_r01_motion").state in ("on", "off")
