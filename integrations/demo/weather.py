"""Outdoor temperature in Kozani: a continental climate at 710 m, with cold winters.

The daily mean follows the season (about 1.5 °C in mid-January, 24 °C in late July); within a
day the temperature swings around it, coolest before dawn and warmest mid-afternoon; and a
slow weather anomaly (a cold snap, a mild spell) is added on top by the caller.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, tzinfo

ANNUAL_MEAN_C = 12.5
SEASONAL_AMPLITUDE_C = 11.0
WARMEST_DAY_OF_YEAR = 200
WINTER_SWING_C = 4.0
SUMMER_SWING_C = 6.5
WARMEST_HOUR = 15.0
ANOMALY_LIMIT_C = 5.0
ANOMALY_PERSISTENCE = 0.92
ANOMALY_STEP_C = 0.7


def hour_of_day(local: datetime) -> float:
    """Hours since local midnight, as a float (14:30 is 14.5)."""
    return local.hour + local.minute / 60 + (local.second + local.microsecond / 1e6) / 3600


def season(local: datetime) -> float:
    """-1 at the coldest time of the year, +1 at the warmest."""
    day = local.timetuple().tm_yday
    return math.cos(2 * math.pi * (day - WARMEST_DAY_OF_YEAR) / 365.25)


def daily_mean(local: datetime) -> float:
    return ANNUAL_MEAN_C + SEASONAL_AMPLITUDE_C * season(local)


def daily_swing(local: datetime) -> float:
    """Half the day's range between its coolest and warmest hour."""
    summer = (season(local) + 1) / 2
    return WINTER_SWING_C + (SUMMER_SWING_C - WINTER_SWING_C) * summer


def outdoor_temperature(local: datetime, anomaly: float = 0.0) -> float:
    """The outdoor temperature in °C at a local time, to 0.1 °C."""
    phase = 2 * math.pi * (hour_of_day(local) - WARMEST_HOUR) / 24
    value = daily_mean(local) + daily_swing(local) * math.cos(phase) + anomaly
    return round(value, 1)


def next_anomaly(current: float, rng: random.Random) -> float:
    """The weather anomaly an hour later: it drifts and slowly returns to zero."""
    value = current * ANOMALY_PERSISTENCE + rng.gauss(0.0, ANOMALY_STEP_C)
    return max(-ANOMALY_LIMIT_C, min(ANOMALY_LIMIT_C, value))


class Weather:
    """The outdoor temperature, with a weather anomaly that drifts smoothly hour by hour."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self._rng = rng
        self._from = 0.0
        self._to = next_anomaly(0.0, rng)
        self._since = start

    def anomaly(self, when: datetime) -> float:
        fraction = (when - self._since).total_seconds() / 3600
        fraction = max(0.0, min(1.0, fraction))
        return self._from + (self._to - self._from) * fraction

    def next_hour(self, when: datetime) -> None:
        """Draw where the anomaly heads during the coming hour."""
        self._from = self.anomaly(when)
        self._to = next_anomaly(self._from, self._rng)
        self._since = when

    def temperature(self, when: datetime, tz: tzinfo) -> float:
        return outdoor_temperature(when.astimezone(tz), self.anomaly(when))
