"""Fog and rain over the demo district: the road-weather station the lighting rules read."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from integrations.demo.sky import CLEAR_VISIBILITY_M, Sky, rain_visibility

from .conftest import QUIET, StartDemo

ATHENS = ZoneInfo("Europe/Athens")


def hourly(sky: Sky, start: datetime, hours: int) -> list[tuple[datetime, float, float]]:
    out = []
    for hour in range(hours):
        when = start + timedelta(hours=hour)
        sky.next_hour(when, ATHENS)
        reading = sky.reading()
        out.append((when, reading.visibility_m, reading.rain_mm_h))
    return out


def test_winter_nights_fog_over_and_the_fog_lifts_by_day() -> None:
    readings = hourly(Sky(random.Random(7)), datetime(2026, 1, 1, tzinfo=ATHENS), 60 * 24)
    foggy = [when for when, visibility, _ in readings if visibility < 500]
    assert len(foggy) > 24
    night = [w for w in foggy if w.hour >= 20 or w.hour < 10]
    assert len(night) > 0.8 * len(foggy)


def test_summer_brings_rain_now_and_then_and_almost_no_fog() -> None:
    readings = hourly(Sky(random.Random(7)), datetime(2026, 6, 1, tzinfo=ATHENS), 60 * 24)
    rainy = [rain for _, _, rain in readings if rain > 0]
    assert 0.01 * len(readings) < len(rainy) < 0.2 * len(readings)
    assert any(rain >= 8.0 for rain in rainy)
    assert sum(1 for _, visibility, _ in readings if visibility < 500) < 0.03 * len(readings)


def test_rain_cuts_the_visibility() -> None:
    assert rain_visibility(0.0) == CLEAR_VISIBILITY_M
    assert 1_500 < rain_visibility(10.0) < 2_000


async def test_the_district_reports_visibility_and_rain(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    visibility = run.state("sensor.kozani_visibility")
    assert visibility.attributes["unit_of_measurement"] == "m"
    assert visibility.attributes["device_class"] == "distance"
    rain = run.state("sensor.kozani_rain_intensity")
    assert rain.attributes["unit_of_measurement"] == "mm/h"

    run.district.sky.set(fog_m=150, rain_mm_h=0.0)
    await run.advance(60)
    assert run.value("sensor.kozani_visibility") == 150
    run.district.sky.set(fog_m=None, rain_mm_h=12.0)
    await run.advance(60)
    assert run.value("sensor.kozani_rain_intensity") == 12.0
    assert run.value("sensor.kozani_visibility") == round(rain_visibility(12.0))
