"""Daily routines of residents who live alone and are cared for at home.

Each resident follows a profile: when they wake and go to bed, when they go out (a walk to the
kafeneio, church on Sunday, the day centre), when a carer or relative visits, and whether they
get up in the night. `plan_day` turns a profile into the day's timed happenings, jittered a
little by the random source; the sensors of the home then follow the plan.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

JITTER_SD_MIN = 12.0
JITTER_MAX_MIN = 30.0
ALL_DAYS = frozenset(range(7))
INDOOR_TAU_S = 5400.0


class Activity(StrEnum):
    ASLEEP = "asleep"
    HOME = "home"
    AWAY = "away"


class Happening(StrEnum):
    WAKE = "wake"
    SLEEP = "sleep"
    LEAVE = "leave"
    RETURN = "return"
    VISIT = "visit"
    VISIT_END = "visit_end"
    NIGHT_UP = "night_up"


#: How a happening changes what the resident is doing (others leave it as it is).
ACTIVITY_AFTER = {
    Happening.WAKE: Activity.HOME,
    Happening.SLEEP: Activity.ASLEEP,
    Happening.LEAVE: Activity.AWAY,
    Happening.RETURN: Activity.HOME,
}


@dataclass(frozen=True, slots=True)
class Outing:
    """Out of the house from `start` (local hour) for `hours`, on some weekdays (0 = Monday)."""

    start: float
    hours: float
    weekdays: frozenset[int] = ALL_DAYS


@dataclass(frozen=True, slots=True)
class ResidentProfile:
    key: str
    wake: float
    sleep: float
    outings: tuple[Outing, ...] = ()
    visits: tuple[Outing, ...] = ()
    night_up_chance: float = 0.5
    motion_per_hour: float = 8.0
    day_c: float = 21.0
    night_c: float = 18.5
    away_c: float = 17.0
    flat_battery: str | None = None  # the care sensor whose battery is nearly flat

    def entity_id(self, domain: str, what: str) -> str:
        return f"{domain}.resident_{self.key}_{what}"


BASE_PROFILES: tuple[ResidentProfile, ...] = (
    # Lives alone; a walk to the kafeneio every morning but Sunday, church on Sunday;
    # a daughter calls in after work.
    ResidentProfile(
        "r01",
        wake=6.75,
        sleep=22.0,
        outings=(Outing(10.0, 1.25, frozenset(range(6))), Outing(8.25, 2.5, frozenset({6}))),
        visits=(Outing(18.0, 1.0),),
        night_up_chance=0.7,
        motion_per_hour=9.0,
    ),
    # Uses a wheelchair; a home carer comes morning and evening, the day centre on
    # Monday, Wednesday and Friday.
    ResidentProfile(
        "r02",
        wake=8.0,
        sleep=23.0,
        outings=(Outing(10.5, 3.0, frozenset({0, 2, 4})),),
        visits=(Outing(8.5, 0.75), Outing(20.0, 0.5)),
        night_up_chance=0.3,
        motion_per_hour=6.0,
        day_c=22.0,
        flat_battery="medicine",
    ),
)


@dataclass(frozen=True, slots=True)
class RoutineEvent:
    at: datetime
    what: Happening


def profile_for(index: int) -> ResidentProfile:
    """The profile of resident number `index` (0-based): r01, r02, ... cycling the base ones."""
    base = BASE_PROFILES[index % len(BASE_PROFILES)]
    return replace(base, key=f"r{index + 1:02d}")


def _jitter(rng: random.Random) -> timedelta:
    minutes = max(-JITTER_MAX_MIN, min(JITTER_MAX_MIN, rng.gauss(0.0, JITTER_SD_MIN)))
    return timedelta(minutes=minutes)


def plan_day(
    profile: ResidentProfile, day: date, tz: tzinfo, rng: random.Random
) -> list[RoutineEvent]:
    """The happenings of one local day, in time order."""
    midnight = datetime.combine(day, time(0), tzinfo=tz)

    def at(hour: float, jitter: bool = True) -> datetime:
        moment = midnight + timedelta(hours=hour)
        return moment + _jitter(rng) if jitter else moment

    events: list[RoutineEvent] = []
    if rng.random() < profile.night_up_chance:
        events.append(RoutineEvent(at(rng.uniform(1.5, 4.5), jitter=False), Happening.NIGHT_UP))
    events.append(RoutineEvent(at(profile.wake), Happening.WAKE))
    for outing in profile.outings:
        if day.weekday() in outing.weekdays:
            leave = at(outing.start)
            events.append(RoutineEvent(leave, Happening.LEAVE))
            events.append(RoutineEvent(leave + timedelta(hours=outing.hours), Happening.RETURN))
    for visit in profile.visits:
        if day.weekday() in visit.weekdays:
            come = at(visit.start)
            events.append(RoutineEvent(come, Happening.VISIT))
            events.append(RoutineEvent(come + timedelta(hours=visit.hours), Happening.VISIT_END))
    events.append(RoutineEvent(at(profile.sleep), Happening.SLEEP))
    events.sort(key=lambda e: e.at)
    return events


def activity_at(events: list[RoutineEvent], moment: datetime) -> Activity:
    """What the resident is doing at `moment`, replaying the day's plan from midnight asleep."""
    activity = Activity.ASLEEP
    for event in events:
        if event.at > moment:
            break
        activity = ACTIVITY_AFTER.get(event.what, activity)
    return activity


def motion_rate(profile: ResidentProfile, activity: Activity) -> float:
    """Movements per hour the home's motion sensor sees."""
    return profile.motion_per_hour if activity is Activity.HOME else 0.0


def indoor_target(profile: ResidentProfile, activity: Activity, outdoor_c: float) -> float:
    """Where the home's temperature is heading: the heating setpoint, or warmer in summer."""
    setpoint = {
        Activity.HOME: profile.day_c,
        Activity.ASLEEP: profile.night_c,
        Activity.AWAY: profile.away_c,
    }[activity]
    return max(setpoint, 0.6 * outdoor_c + 10.0)


def indoor_step(current: float, target: float, seconds: float) -> float:
    """The indoor temperature `seconds` later: it approaches the target with a 1.5 h lag."""
    return target + (current - target) * math.exp(-seconds / INDOOR_TAU_S)
