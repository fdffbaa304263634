"""The school's timetable and what its meter reads."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from integrations.demo.school import (
    Load,
    SchoolSpec,
    heating_power_w,
    is_heating_season,
    is_school_day,
    scheduled,
    school_power_w,
)

from .conftest import QUIET, StartDemo

ATHENS = ZoneInfo("Europe/Athens")
THURSDAY = (2026, 1, 15)
SATURDAY = (2026, 1, 17)


def at(day: tuple[int, int, int], hour: int, minute: int = 0) -> datetime:
    return datetime(*day, hour, minute, tzinfo=ATHENS)


def test_the_school_is_occupied_during_lessons_on_a_weekday() -> None:
    assert not scheduled(Load.OCCUPANCY, at(THURSDAY, 7, 44))
    assert scheduled(Load.OCCUPANCY, at(THURSDAY, 7, 45))
    assert scheduled(Load.OCCUPANCY, at(THURSDAY, 14, 29))
    assert not scheduled(Load.OCCUPANCY, at(THURSDAY, 14, 30))


def test_the_school_is_empty_at_the_weekend_and_on_holidays() -> None:
    assert not scheduled(Load.OCCUPANCY, at(SATURDAY, 10))
    assert not is_school_day(datetime(2026, 3, 25).date())
    assert not is_school_day(datetime(2025, 12, 29).date())  # Christmas break, a Monday
    assert not is_school_day(datetime(2026, 1, 7).date())
    assert is_school_day(datetime(2026, 1, 8).date())


def test_the_caretaker_leaves_lights_and_heating_on_after_the_pupils_go() -> None:
    afternoon = at(THURSDAY, 14, 45)
    assert not scheduled(Load.OCCUPANCY, afternoon)
    assert scheduled(Load.HEATING, afternoon)
    assert scheduled(Load.LIGHTING, at(THURSDAY, 16, 59))
    assert not scheduled(Load.LIGHTING, at(THURSDAY, 17, 0))
    assert not scheduled(Load.HEATING, at(THURSDAY, 15, 0))


def test_heating_runs_only_in_the_heating_season() -> None:
    assert is_heating_season(datetime(2026, 1, 15).date())
    assert is_heating_season(datetime(2025, 10, 15).date())
    assert not is_heating_season(datetime(2026, 5, 4).date())
    assert not scheduled(Load.HEATING, datetime(2026, 5, 4, 10, tzinfo=ATHENS))
    assert scheduled(Load.LIGHTING, datetime(2026, 5, 4, 10, tzinfo=ATHENS))


def test_the_meter_adds_up_the_loads_and_heating_grows_with_the_cold() -> None:
    spec = SchoolSpec()
    idle = school_power_w(spec, occupied=False, heating=False, lighting=False, outdoor_c=0.0)
    assert idle == spec.base_w
    busy = school_power_w(spec, occupied=True, heating=True, lighting=True, outdoor_c=0.0)
    assert busy == spec.base_w + spec.occupied_w + spec.lighting_w + heating_power_w(spec, 0.0)
    assert heating_power_w(spec, -5.0) > heating_power_w(spec, 5.0) > heating_power_w(spec, 25.0)
    assert heating_power_w(spec, 25.0) == spec.heating_standby_w


def test_the_caretaker_runs_the_water_heater_and_ventilation_into_the_evening() -> None:
    assert scheduled(Load.WATER_HEATER, at(THURSDAY, 6, 0))
    assert scheduled(Load.WATER_HEATER, at(THURSDAY, 15, 59))
    assert not scheduled(Load.WATER_HEATER, at(THURSDAY, 16, 0))
    assert scheduled(Load.VENTILATION, at(THURSDAY, 16, 59))
    assert not scheduled(Load.VENTILATION, at(SATURDAY, 10))
    assert scheduled(Load.WATER_HEATER, datetime(2026, 5, 4, 10, tzinfo=ATHENS))  # all year


def test_the_caretakers_timers_miss_the_movable_holidays_the_pupils_do_not() -> None:
    clean_monday = datetime(2026, 2, 23, 10, tzinfo=ATHENS)
    assert scheduled(Load.HEATING, clean_monday)
    assert scheduled(Load.LIGHTING, clean_monday)
    assert not scheduled(Load.OCCUPANCY, clean_monday)
    assert not scheduled(Load.OCCUPANCY, datetime(2026, 4, 13, 10, tzinfo=ATHENS))  # Easter Mon.
    assert not scheduled(Load.OCCUPANCY, at((2026, 3, 25), 10))


def test_a_lower_setpoint_and_fewer_loads_show_on_the_meter() -> None:
    spec = SchoolSpec()
    assert heating_power_w(spec, 0.0, 16.0) < heating_power_w(spec, 0.0) - 4000
    assert heating_power_w(spec, 0.0, 20.0) == heating_power_w(spec, 0.0)
    both = school_power_w(spec, occupied=False, heating=False, lighting=False, outdoor_c=0.0,
                          water_heater=True, ventilation=True)
    assert both == spec.base_w + spec.water_heater_w + spec.ventilation_w


async def test_the_thermostat_setpoint_drives_the_heating_power(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-01-15T10:00:00+02:00"))
    setpoint = run.state("number.school_1st_gymnasium_heating_setpoint")
    assert setpoint.state == "20.0"
    assert setpoint.attributes["unit_of_measurement"] == "°C"
    assert run.state("switch.school_1st_gymnasium_water_heater").state == "on"
    assert run.state("switch.school_1st_gymnasium_ventilation").state == "on"
    warm = run.value("sensor.school_1st_gymnasium_power")
    await run.call("number.set_value", "number.school_1st_gymnasium_heating_setpoint", value=16)
    assert run.state("number.school_1st_gymnasium_heating_setpoint").state == "16.0"
    assert run.value("sensor.school_1st_gymnasium_power") < warm - 3500
    await run.call("switch.turn_off", "switch.school_1st_gymnasium_water_heater")
    assert run.value("sensor.school_1st_gymnasium_power") < warm - 6500
