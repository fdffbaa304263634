"""The figures of an energy review: per building, per automation and per day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class AutomationFigures:
    """What one automation did to the loads it declares in one building."""

    rule_id: str
    name: str
    runs: int
    hours_in_effect: float
    kwh_used: float  # drawn by its loads while it held them on (rated power x level x hours)
    kwh_saved: float  # the estimate: see METHOD


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One local day of a building: what its meters counted and what its automations saved."""

    day: date
    kwh_used: float | None  # None: no statistics for that day
    kwh_saved: float


@dataclass(frozen=True, slots=True)
class BuildingFigures:
    building: str  # the id used in `controls:`
    name: str  # as its manager knows it (the meter's `building` attribute), else the id
    meters: tuple[str, ...]  # the energy statistics summed for it
    kwh_used: float | None  # from the meters' statistics; None without any
    kwh_saved: float
    automations: tuple[AutomationFigures, ...]
    days: tuple[DayFigures, ...]

    @property
    def runs(self) -> int:
        return sum(a.runs for a in self.automations)

    @property
    def saved_share(self) -> float | None:
        """Saved as a share of what the building would have used without its automations."""
        if self.kwh_used is None or self.kwh_used + self.kwh_saved <= 0:
            return None
        return self.kwh_saved / (self.kwh_used + self.kwh_saved)


@dataclass(frozen=True, slots=True)
class EnergyReport:
    start: datetime
    end: datetime
    time_zone: str
    buildings: tuple[BuildingFigures, ...] = field(default_factory=tuple)


METHOD = (
    "How the figures are made. Runs: the automation's runs that passed their conditions "
    "(the recorder's rule runs, else its automation_triggered events). Hours in effect: the "
    "time any load it declares under `controls:` was in a state one of its runs set, until "
    "anything else changed it. kWh used (building): what the building's energy meters counted "
    "(sensor.<building>_energy statistics); kWh used (automation): rated power x level x hours "
    "for its loads while it held them on. kWh saved, an estimate: for a load it switched off "
    "or a setpoint it lowered, rated power x the hours it held it so inside the load's "
    "`schedule` (the hours it would run without the automation; none declared: nothing "
    "counted); for a light it dimmed, (1 - brightness/255) x rated power x hours. A load held "
    "by a rule that another rule set off in turn (a timetable letting go of a shed load) is "
    "credited to the rule whose run made the change."
)
