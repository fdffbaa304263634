"""The layout of the demo district: its streets and lamps, tanks, school and residents,
with the entity ids they appear under, and how busy each street is through the day."""

from __future__ import annotations

from dataclasses import dataclass

from .lamps import LampSpec
from .residents import ResidentProfile, profile_for
from .school import SchoolSpec
from .water import TANKS, TankSpec

#: key, name, rated watts of its lamps, traffic relative to a side street.
STREET_NAMES: tuple[tuple[str, str, float, float], ...] = (
    ("dimokratias", "Dimokratias", 90.0, 1.5),
    ("pavlou_mela", "Pavlou Mela", 60.0, 1.0),
    ("eleftheriou_venizelou", "Eleftheriou Venizelou", 60.0, 1.2),
    ("mitropoleos", "Mitropoleos", 60.0, 0.8),
    ("makedonomachon", "Makedonomachon", 60.0, 1.0),
    ("ermou", "Ermou", 40.0, 0.6),
    ("aristotelous", "Aristotelous", 40.0, 0.7),
    ("kapodistriou", "Kapodistriou", 40.0, 0.5),
)

#: Passers-by (people and cars) a side street's motion sensor sees per hour, by local hour.
STREET_TRAFFIC: tuple[float, ...] = (
    3.0, 2.0, 1.5, 1.0, 1.5, 4.0,        # 00-05
    10.0, 24.0, 30.0, 22.0, 20.0, 20.0,  # 06-11
    22.0, 24.0, 20.0, 18.0, 20.0, 24.0,  # 12-17
    28.0, 30.0, 26.0, 18.0, 12.0, 6.0,   # 18-23
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StreetSpec:
    key: str
    name: str
    lamp_watts: float
    traffic: float
    lamps: tuple[LampSpec, ...]

    def entity_id(self, domain: str, what: str) -> str:
        return f"{domain}.{self.key}_{what}"

    def motion_rate(self, hour: int) -> float:
        """Passers-by per hour during a local hour."""
        return STREET_TRAFFIC[hour % 24] * self.traffic

    @property
    def peak_motion_rate(self) -> float:
        return max(STREET_TRAFFIC) * self.traffic


@dataclass(frozen=True, slots=True)
class DistrictLayout:
    streets: tuple[StreetSpec, ...]
    tanks: tuple[TankSpec, ...]
    school: SchoolSpec
    residents: tuple[ResidentProfile, ...]

    @property
    def lamp_count(self) -> int:
        return sum(len(s.lamps) for s in self.streets)


def make_street(index: int, lamp_count: int) -> StreetSpec:
    key, name, watts, traffic = STREET_NAMES[index]
    lamps = tuple(
        LampSpec(f"light.{key}_{n:02d}", f"{name} lamp {n:02d}", key, n, watts)
        for n in range(1, lamp_count + 1)
    )
    return StreetSpec(key, name, watts, traffic, lamps)


def build_layout(streets: int, lamps_per_street: int, residents: int) -> DistrictLayout:
    """The district a configuration asks for."""
    if not 1 <= streets <= len(STREET_NAMES):
        raise ValueError(f"streets must be 1..{len(STREET_NAMES)}, got {streets}")
    return DistrictLayout(
        streets=tuple(make_street(i, lamps_per_street) for i in range(streets)),
        tanks=TANKS,
        school=SchoolSpec(),
        residents=tuple(profile_for(i) for i in range(residents)),
    )
