"""Fog and rain over Kozani: the visibility and rain intensity a road-weather station reports.

The Kozani basin fogs over on still nights of the cold season (October to March); rain comes
in spells in any season. Each is a two-state chain drawn once an hour: fog more likely to set
in at night and to lift by late morning; a rain spell gets an intensity for its hour, now and
then a downpour. Visibility is clear air's unless fog or rain cuts it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, tzinfo

from kozani_hub.entities import Entity, SensorEntity

from .entities import report

VISIBILITY_ENTITY_ID = "sensor.kozani_visibility"
RAIN_ENTITY_ID = "sensor.kozani_rain_intensity"
CLEAR_VISIBILITY_M = 20_000.0
FOG_VISIBILITY_M = (60.0, 400.0)
#: Chance per hour that fog sets in: at night in the cold season, and otherwise.
FOG_START = (0.06, 0.003)
#: Chance per hour that fog lifts: at night, and after 10:00.
FOG_END = (0.12, 0.5)
RAIN_START = 0.02
RAIN_END = 0.35
#: A rain spell's hourly intensity in mm/h: light to moderate, and the odd downpour.
RAIN_MM_H = (0.3, 6.0)
DOWNPOUR_CHANCE = 0.15
DOWNPOUR_MM_H = (8.0, 20.0)
COLD_MONTHS = (10, 11, 12, 1, 2, 3)


def fog_night(local: datetime) -> bool:
    """Whether fog may set in easily: a cold-season night (20:00-09:00)."""
    return local.month in COLD_MONTHS and (local.hour >= 20 or local.hour < 9)


def rain_visibility(mm_h: float) -> float:
    """How far one sees through rain of `mm_h`: a downpour of 10 mm/h leaves about 2 km."""
    return CLEAR_VISIBILITY_M / (1.0 + mm_h)


@dataclass(slots=True)
class SkyReading:
    visibility_m: float
    rain_mm_h: float


class Sky:
    """Fog and rain on the hub's clock, drawn hour by hour from their own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._fog_m: float | None = None
        self._rain_mm_h = 0.0

    def next_hour(self, when: datetime, tz: tzinfo) -> None:
        """Draw the fog and rain of the coming hour."""
        local = when.astimezone(tz)
        rng = self._rng
        if self._fog_m is None:
            if rng.random() < FOG_START[0 if fog_night(local) else 1]:
                self._fog_m = round(rng.uniform(*FOG_VISIBILITY_M))
        elif rng.random() < FOG_END[1 if 10 <= local.hour < 20 else 0]:
            self._fog_m = None
        # A spell goes on unless it ends; a dry hour stays dry unless one begins.
        wet = rng.random() >= RAIN_END if self._rain_mm_h > 0 else rng.random() < RAIN_START
        self._rain_mm_h = self._rain_intensity() if wet else 0.0

    def _rain_intensity(self) -> float:
        span = DOWNPOUR_MM_H if self._rng.random() < DOWNPOUR_CHANCE else RAIN_MM_H
        return round(self._rng.uniform(*span), 1)

    def reading(self) -> SkyReading:
        visibility = rain_visibility(self._rain_mm_h)
        if self._fog_m is not None:
            visibility = min(visibility, self._fog_m)
        return SkyReading(round(visibility), self._rain_mm_h)

    def set(self, *, fog_m: float | None, rain_mm_h: float) -> None:
        """Make the weather what a test wants."""
        self._fog_m = fog_m
        self._rain_mm_h = rain_mm_h


class RoadWeatherStation:
    """The district's road-weather station: visibility (m) and rain intensity (mm/h)."""

    def __init__(self, sky: Sky) -> None:
        self.sky = sky
        self.visibility = SensorEntity(
            VISIBILITY_ENTITY_ID,
            name="Kozani visibility",
            unit="m",
            device_class="distance",
            state_class="measurement",
        )
        self.rain = SensorEntity(
            RAIN_ENTITY_ID,
            name="Kozani rain intensity",
            unit="mm/h",
            device_class="precipitation_intensity",
            state_class="measurement",
        )
        self._preset()

    def entities(self) -> list[Entity]:
        return [self.visibility, self.rain]

    def _preset(self) -> None:
        now = self.sky.reading()
        self.visibility.native_value = now.visibility_m
        self.rain.native_value = now.rain_mm_h

    def report(self) -> None:
        now = self.sky.reading()
        report(self.visibility, now.visibility_m)
        report(self.rain, now.rain_mm_h)
