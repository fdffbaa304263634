"""What a resident does at home around the day's plan: the bathroom, the fridge at meals, the
medicine cabinet morning and evening.

The chores follow the day's happenings (already jittered), so no random draw is needed and
the residents' days stay what the seed made them: the bathroom after waking, in the night
and before bed; breakfast, lunch and dinner from the fridge; medicines after waking and in
the evening. A chore falls only while the resident is at home and awake (a night's visit to
the bathroom excepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .residents import Activity, Happening, RoutineEvent, activity_at


class Chore(StrEnum):
    BATHROOM = "bathroom"
    FRIDGE = "fridge"
    MEDICINE = "medicine"


@dataclass(frozen=True, slots=True)
class ChoreEvent:
    """At `at`, the resident uses `what` for `seconds` (the sensor is on meanwhile)."""

    at: datetime
    what: Chore
    seconds: float


#: After a happening: (minutes later, chore, seconds it lasts).
AFTER: dict[Happening, tuple[tuple[float, Chore, float], ...]] = {
    Happening.WAKE: ((2.0, Chore.BATHROOM, 900.0), (25.0, Chore.MEDICINE, 20.0),
                     (35.0, Chore.FRIDGE, 40.0)),
    Happening.NIGHT_UP: ((0.5, Chore.BATHROOM, 180.0),),
    Happening.SLEEP: ((-50.0, Chore.MEDICINE, 20.0), (-20.0, Chore.BATHROOM, 600.0)),
}  # fmt: skip
#: Meals from the fridge, at local hours, when at home.
MEALS = (13.5, 19.5)
MEAL_SECONDS = 45.0


def plan_chores(plan: list[RoutineEvent]) -> list[ChoreEvent]:
    """The chores of the day whose happenings are `plan`, in time order."""
    if not plan:
        return []
    chores: list[ChoreEvent] = []
    for event in plan:
        for minutes, what, seconds in AFTER.get(event.what, ()):
            chores.append(ChoreEvent(event.at + timedelta(minutes=minutes), what, seconds))
    midnight = plan[0].at.replace(hour=0, minute=0, second=0, microsecond=0)
    for hour in MEALS:
        chores.append(ChoreEvent(midnight + timedelta(hours=hour), Chore.FRIDGE, MEAL_SECONDS))
    night_up = {e.at for e in plan if e.what is Happening.NIGHT_UP}
    kept = [c for c in chores if _at_home(plan, c, night_up)]
    return sorted(kept, key=lambda c: c.at)


def _at_home(plan: list[RoutineEvent], chore: ChoreEvent, night_up: set[datetime]) -> bool:
    if chore.what is Chore.BATHROOM and any(
        timedelta(0) <= chore.at - up <= timedelta(minutes=1) for up in night_up
    ):
        return True
    return activity_at(plan, chore.at) is Activity.HOME
