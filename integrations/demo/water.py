"""Water tank physics: pumps fill a tank, the town's demand drains it by the hour of the day.

Levels are integrated exactly over piecewise-constant flows: between two reports, demand only
changes on the local hour, so `Tank.advance` splits the interval at hour boundaries and the
level does not depend on how often it is reported. For the same reason the moment a level
reaches a given height can be computed in advance (`Tank.seconds_to_reach`), so a level
transmitter need only be woken when its reading will change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

#: Demand through the day relative to the mean: quiet at night, peaks at breakfast and evening.
HOURLY_DEMAND: tuple[float, ...] = (
    0.45, 0.35, 0.30, 0.30, 0.35, 0.55,  # 00-05
    1.00, 1.55, 1.60, 1.35, 1.15, 1.10,  # 06-11
    1.15, 1.20, 1.05, 0.95, 0.95, 1.05,  # 12-17
    1.25, 1.40, 1.45, 1.30, 1.00, 0.70,  # 18-23
)  # fmt: skip
#: Each tank has two identical pumps (duty and standby, or lead and lag when rules alternate them).
PUMPS_PER_TANK = 2
#: Float switches start pump 1 at this fraction of the tank's height ...
LOW_SWITCH = 0.35
#: ... and stop it here.
HIGH_SWITCH = 0.92


@dataclass(frozen=True, slots=True)
class TankSpec:
    """An underground tank and the two pumps that fill it (`pump_flow_m3h` each)."""

    key: str
    name: str
    height_m: float
    capacity_m3: float
    pump_flow_m3h: float
    base_demand_m3h: float
    pump_current_a: float

    @property
    def area_m2(self) -> float:
        return self.capacity_m3 / self.height_m

    @property
    def level_entity_id(self) -> str:
        return f"sensor.tank_{self.key}_level"

    @property
    def pump_entity_id(self) -> str:
        """Pump 1, the one the float switches drive."""
        return self.pump_entity_ids[0]

    @property
    def pump_entity_ids(self) -> tuple[str, ...]:
        return tuple(f"switch.pump_{self.key}_{n}" for n in range(1, PUMPS_PER_TANK + 1))

    @property
    def current_entity_ids(self) -> tuple[str, ...]:
        return tuple(f"sensor.pump_{self.key}_{n}_current" for n in range(1, PUMPS_PER_TANK + 1))

    def pump_name(self, index: int) -> str:
        """'Pump North 2' for index 1 (indexes count from 0)."""
        return f"Pump {self.key.capitalize()} {index + 1}"


TANKS: tuple[TankSpec, ...] = (
    TankSpec("north", "Tank North", height_m=4.5, capacity_m3=600.0,
             pump_flow_m3h=55.0, base_demand_m3h=25.0, pump_current_a=28.0),
    TankSpec("south", "Tank South", height_m=4.0, capacity_m3=450.0,
             pump_flow_m3h=45.0, base_demand_m3h=20.0, pump_current_a=22.0),
)  # fmt: skip


def demand_m3h(spec: TankSpec, hour: int) -> float:
    """What the town draws from a tank during a local hour (0-23)."""
    return spec.base_demand_m3h * HOURLY_DEMAND[hour % 24]


def float_switch(fraction: float, pump_on: bool) -> bool | None:
    """The pump state the float switches ask for, or None to leave it as it is."""
    if not pump_on and fraction <= LOW_SWITCH:
        return True
    if pump_on and fraction >= HIGH_SWITCH:
        return False
    return None


class Tank:
    """The water in one tank, its pumps, and any leak."""

    def __init__(self, spec: TankSpec, level_m: float) -> None:
        self.spec = spec
        self.volume_m3 = max(0.0, min(spec.capacity_m3, level_m * spec.area_m2))
        self.pumps_on = [False] * PUMPS_PER_TANK
        self.leak_m3h = 0.0

    @property
    def pump_on(self) -> bool:
        """Whether pump 1 (the one the float switches drive) runs."""
        return self.pumps_on[0]

    @pump_on.setter
    def pump_on(self, on: bool) -> None:
        self.pumps_on[0] = on

    def current_a(self, index: int) -> float:
        """What a pump's motor draws: its normal current while it runs, nothing when stopped."""
        return self.spec.pump_current_a if self.pumps_on[index] else 0.0

    @property
    def level_m(self) -> float:
        return self.volume_m3 / self.spec.area_m2

    @property
    def fraction(self) -> float:
        return self.volume_m3 / self.spec.capacity_m3

    def net_flow_m3h(self, hour: int) -> float:
        inflow = self.spec.pump_flow_m3h * sum(self.pumps_on)
        return inflow - demand_m3h(self.spec, hour) - self.leak_m3h

    def advance(self, start: datetime, seconds: float, tz: tzinfo) -> None:
        """Let `seconds` pass from `start`: pump inflow in, demand and leak out."""
        moment = start.astimezone(UTC)
        remaining = seconds
        while remaining > 1e-9:
            local = moment.astimezone(tz)
            into_hour = local.minute * 60 + local.second + local.microsecond / 1e6
            step = min(remaining, 3600.0 - into_hour)
            volume = self.volume_m3 + self.net_flow_m3h(local.hour) * step / 3600
            self.volume_m3 = max(0.0, min(self.spec.capacity_m3, volume))
            moment += timedelta(seconds=step)
            remaining -= step

    def seconds_to_reach(
        self, levels: Iterable[float], start: datetime, tz: tzinfo, horizon: float
    ) -> float | None:
        """Seconds from `start` until the level first reaches one of `levels` (metres),
        if nothing else changes; None if it does not within `horizon` seconds."""
        targets = [level * self.spec.area_m2 for level in levels]
        volume = self.volume_m3
        moment = start.astimezone(UTC)
        elapsed = 0.0
        while elapsed < horizon:
            local = moment.astimezone(tz)
            into_hour = local.minute * 60 + local.second + local.microsecond / 1e6
            step = min(horizon - elapsed, 3600.0 - into_hour)
            flow = self.net_flow_m3h(local.hour) / 3600
            if flow > 0:
                ahead = [t - volume for t in targets if t > volume]
            else:
                ahead = [volume - t for t in targets if t < volume]
            if flow != 0 and ahead and min(ahead) / abs(flow) <= step:
                return elapsed + min(ahead) / abs(flow)
            volume = max(0.0, min(self.spec.capacity_m3, volume + flow * step))
            moment += timedelta(seconds=step)
            elapsed += step
        return None
