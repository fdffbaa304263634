"""Outdoor temperature in Kozani, and when the lamps' photocells see dark."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from integrations.demo.daylight import Daylight
from integrations.demo.weather import Weather, next_anomaly, outdoor_temperature

ATHENS = ZoneInfo("Europe/Athens")


def test_kozani_winters_are_cold_and_summers_warm() -> None:
    january = outdoor_temperature(datetime(2026, 1, 15, 6, tzinfo=ATHENS))
    july = outdoor_temperature(datetime(2026, 7, 20, 15, tzinfo=ATHENS))
    assert -6.0 < january < 2.0
    assert 26.0 < july < 34.0


def test_afternoons_are_warmer_than_dawn() -> None:
    dawn = outdoor_temperature(datetime(2026, 1, 15, 4, tzinfo=ATHENS))
    afternoon = outdoor_temperature(datetime(2026, 1, 15, 15, tzinfo=ATHENS))
    assert afternoon - dawn > 5.0


def test_the_weather_anomaly_stays_within_bounds_and_changes_smoothly() -> None:
    rng = random.Random(1)
    value = 0.0
    for _ in range(2000):
        value = next_anomaly(value, rng)
        assert -5.0 <= value <= 5.0
    start = datetime(2026, 1, 15, 0, tzinfo=ATHENS)
    weather = Weather(random.Random(2), start)
    readings = [weather.temperature(start + timedelta(minutes=m), ATHENS) for m in range(0, 60)]
    assert all(abs(a - b) <= 0.3 for a, b in itertools.pairwise(readings))


def test_photocells_see_dark_between_sunset_and_sunrise() -> None:
    daylight = Daylight(40.3007, 21.7887, 710.0, ATHENS)
    assert daylight.is_dark(datetime(2026, 1, 15, 2, tzinfo=ATHENS))
    assert not daylight.is_dark(datetime(2026, 1, 15, 12, tzinfo=ATHENS))
    assert daylight.is_dark(datetime(2026, 1, 15, 19, tzinfo=ATHENS))
    when, dark = daylight.next_change(datetime(2026, 1, 15, 12, tzinfo=ATHENS))
    assert dark is True
    assert 17 <= when.hour <= 18
    when, dark = daylight.next_change(datetime(2026, 1, 15, 22, tzinfo=ATHENS))
    assert dark is False
    assert when.date().day == 16
    assert 7 <= when.hour <= 8
