"""The 1st Gymnasium of Kozani: its timetable and what its electricity meter sees.

On school days pupils and staff are in from 07:45 to 14:30. The caretaker switches the
lighting and the ventilation on at 07:30 and the cleaners switch them off when they leave at
17:00; the water heater's timer runs from 06:00 to 16:00, and the heating timer from 06:00 to
15:00 in the heating season (15 October to 30 April) — long after the building empties, which
is what the energy rules are there to notice. The timers know the fixed national holidays
and the Christmas break, not the movable ones (Clean Monday, Easter), when the pupils stay at
home and the timers heat and light an empty school.

The building is heated by air-to-water heat pumps, so heating shows on the meter: the heat
lost through the envelope between the thermostat's setpoint and the outdoor temperature,
divided by the pumps' efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

import holidays

#: (month, day) of the national holidays the caretaker's timers know: the fixed ones only.
HOLIDAYS = frozenset({(1, 1), (1, 6), (3, 25), (5, 1), (8, 15), (10, 28), (12, 25), (12, 26)})
#: The Christmas break runs from 24 December to 7 January.
CHRISTMAS_START = (12, 24)
CHRISTMAS_END = (1, 7)
HEATING_SEASON_START = (10, 15)
HEATING_SEASON_END = (4, 30)


class Load(StrEnum):
    OCCUPANCY = "occupancy"
    HEATING = "heating"
    LIGHTING = "lighting"
    WATER_HEATER = "water_heater"
    VENTILATION = "ventilation"


#: The loads behind a switch, with what each draws when on (beyond heating, which varies).
SWITCHED = (Load.HEATING, Load.LIGHTING, Load.WATER_HEATER, Load.VENTILATION)


@dataclass(frozen=True, slots=True)
class Routine:
    """On school days at `at`, `load` becomes `value`."""

    at: time
    load: Load
    value: bool


ROUTINE: tuple[Routine, ...] = (
    Routine(time(6, 0), Load.HEATING, True),
    Routine(time(6, 0), Load.WATER_HEATER, True),
    Routine(time(7, 30), Load.LIGHTING, True),
    Routine(time(7, 30), Load.VENTILATION, True),
    Routine(time(7, 45), Load.OCCUPANCY, True),
    Routine(time(14, 30), Load.OCCUPANCY, False),
    Routine(time(15, 0), Load.HEATING, False),
    Routine(time(16, 0), Load.WATER_HEATER, False),
    Routine(time(17, 0), Load.LIGHTING, False),
    Routine(time(17, 0), Load.VENTILATION, False),
)


@dataclass(frozen=True, slots=True)
class SchoolSpec:
    """A school building's electrical loads."""

    key: str = "1st_gymnasium"
    name: str = "1st Gymnasium"
    base_w: float = 1800.0  # servers, fridges, emergency lighting, around the clock
    occupied_w: float = 3500.0  # computers, projectors, canteen
    lighting_w: float = 7200.0  # 240 LED panels of 30 W
    water_heater_w: float = 3000.0  # the gym's showers and the canteen
    ventilation_w: float = 2200.0  # classroom air handling units
    heating_standby_w: float = 400.0  # circulation pumps when nothing needs heating
    heat_loss_w_per_k: float = 2800.0
    heat_pump_cop: float = 2.6
    indoor_c: float = 20.0  # the thermostat's setpoint until someone changes it

    def entity_id(self, domain: str, what: str) -> str:
        return f"{domain}.school_{self.key}_{what}"


def _in_window(day: date, start: tuple[int, int], end: tuple[int, int]) -> bool:
    """Whether (month, day) falls in a window that may wrap over the new year."""
    md = (day.month, day.day)
    if start <= end:
        return start <= md <= end
    return md >= start or md <= end


def is_timer_day(day: date) -> bool:
    """A day the caretaker's timers run: weekdays but the fixed holidays and Christmas."""
    if day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        return False
    return not _in_window(day, CHRISTMAS_START, CHRISTMAS_END)


def is_school_day(day: date) -> bool:
    """A day the pupils come: the movable holidays (Clean Monday, Easter) too are off."""
    return is_timer_day(day) and day not in holidays.country_holidays("GR", years=day.year)


def is_heating_season(day: date) -> bool:
    return _in_window(day, HEATING_SEASON_START, HEATING_SEASON_END)


def routine_applies(routine: Routine, day: date) -> bool:
    """Whether a routine step runs on a given day."""
    if routine.load is Load.OCCUPANCY:
        return is_school_day(day)
    if not is_timer_day(day):
        return False
    return routine.load is not Load.HEATING or is_heating_season(day)


def scheduled(load: Load, local: datetime) -> bool:
    """What the timetable says a load should be at a local time."""
    value = False
    for routine in ROUTINE:
        due = routine.load is load and routine.at <= local.time()
        if due and routine_applies(routine, local.date()):
            value = routine.value
    return value


def heating_power_w(spec: SchoolSpec, outdoor_c: float, setpoint_c: float | None = None) -> float:
    """Electric power of the heat pumps holding the building at the setpoint."""
    indoor = spec.indoor_c if setpoint_c is None else setpoint_c
    heat_w = spec.heat_loss_w_per_k * max(0.0, indoor - outdoor_c)
    return spec.heating_standby_w + heat_w / spec.heat_pump_cop


def school_power_w(
    spec: SchoolSpec,
    *,
    occupied: bool,
    heating: bool,
    lighting: bool,
    outdoor_c: float,
    setpoint_c: float | None = None,
    water_heater: bool = False,
    ventilation: bool = False,
) -> float:
    """What the building's meter reads, in watts, before measurement noise."""
    power = spec.base_w
    if occupied:
        power += spec.occupied_w
    if lighting:
        power += spec.lighting_w
    if water_heater:
        power += spec.water_heater_w
    if ventilation:
        power += spec.ventilation_w
    if heating:
        power += heating_power_w(spec, outdoor_c, setpoint_c)
    return power
