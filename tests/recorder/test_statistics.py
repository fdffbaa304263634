"""Statistics compiled every 5 minutes and every hour, checked against hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, StatisticRow
from tests.recorder.conftest import START, StartHub, crash

TEMP = {"state_class": "measurement", "unit_of_measurement": "°C"}
ENERGY = {"state_class": "total_increasing", "unit_of_measurement": "kWh"}


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 1, 15, hour, minute, second, tzinfo=UTC)


async def readings(
    hub: Hub,
    clock: SimulatedClock,
    entity_id: str,
    attrs: dict[str, Any],
    series: list[tuple[datetime, float]],
) -> None:
    for when, value in series:
        await clock.advance_to(when)
        hub.states.set(entity_id, value, attrs)


async def rows(
    recorder: Recorder, entity_id: str, period: str = "5minute", start: datetime = START
) -> list[StatisticRow]:
    result = await recorder.statistics.during([entity_id], start, None, period)  # type: ignore[arg-type]
    return result.get(entity_id, [])


async def test_measurement_mean_is_time_weighted(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    # 20 for 60 s, 22 for 120 s, 21 for 120 s: (1200 + 2640 + 2520) / 300 = 21.2
    await readings(
        hub, clock, "sensor.school_temp", TEMP, [(at(10, 0), 20), (at(10, 1), 22), (at(10, 3), 21)]
    )
    await clock.advance_to(at(10, 10))
    first, second = await rows(recorder, "sensor.school_temp")
    assert (first.start, first.end) == (at(10, 0), at(10, 5))
    assert round(first.mean or 0, 6) == 21.2
    assert (first.min, first.max) == (20, 22)
    # Nothing new in the next five minutes: the value in force all along.
    assert (second.mean, second.min, second.max) == (21, 21, 21)
    metas = await recorder.statistics.list()
    assert [(m.statistic_id, m.unit, m.has_mean, m.has_sum) for m in metas] == [
        ("sensor.school_temp", "°C", True, False)
    ]


async def test_hourly_rows_are_built_from_the_5_minute_rows(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    await readings(hub, clock, "sensor.school_temp", TEMP, [(at(10, 0), 20), (at(10, 30), 30)])
    await clock.advance_to(at(11, 0))
    (hour,) = await rows(recorder, "sensor.school_temp", "hour")
    assert (hour.start, hour.end) == (at(10, 0), at(11, 0))
    assert (hour.mean, hour.min, hour.max) == (25, 20, 30)


async def test_a_meter_reset_to_zero(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    await readings(
        hub,
        clock,
        "sensor.town_hall_energy",
        ENERGY,
        [
            (at(10, 0), 100),
            (at(10, 1), 102),
            (at(10, 2), 105),
            (at(10, 6), 0),
            (at(10, 7), 3),  # replaced meter starts at zero
            (at(10, 12), 5),
        ],
    )
    await clock.advance_to(at(10, 15))
    found = await rows(recorder, "sensor.town_hall_energy")
    # By hand: 100 -> 105 is 5; the new meter 0 -> 3 is 3, then 3 -> 5 is 2.
    assert [(r.state, r.sum, r.change) for r in found] == [(105, 5, 5), (3, 8, 3), (5, 10, 2)]


async def test_a_counter_roll_over(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    await readings(
        hub,
        clock,
        "sensor.pump_2_water",
        {**ENERGY, "unit_of_measurement": "m³"},
        [
            (at(10, 0), 99990),
            (at(10, 2), 99996),
            (at(10, 4), 3),
            (at(10, 8), 12),
        ],
    )
    await clock.advance_to(at(10, 10))
    found = await rows(recorder, "sensor.pump_2_water")
    # By hand, as Home Assistant counts it: 6 before the wrap, then 3 and 9 more from zero.
    assert [(r.state, r.sum) for r in found] == [(3, 9), (12, 18)]


async def test_a_total_with_last_reset(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    attrs = {"state_class": "total", "unit_of_measurement": "kWh"}
    await readings(
        hub,
        clock,
        "sensor.daily_energy",
        {**attrs, "last_reset": "2026-01-15T00:00:00+00:00"},
        [(at(10, 0), 5), (at(10, 2), 8)],
    )
    await readings(
        hub,
        clock,
        "sensor.daily_energy",
        {**attrs, "last_reset": "2026-01-15T10:03:00+00:00"},
        [(at(10, 4), 2), (at(10, 6), 4)],
    )
    await clock.advance_to(at(10, 10))
    found = await rows(recorder, "sensor.daily_energy")
    assert [(r.state, r.sum) for r in found] == [(2, 5), (4, 7)]  # 3, then 2 and 2 after the reset
    assert found[-1].last_reset == at(10, 3)


async def test_a_unit_change_keeps_one_sum(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    await readings(hub, clock, "sensor.meter", ENERGY, [(at(10, 0), 10), (at(10, 1), 11)])
    await clock.advance_to(at(10, 5))
    # The meter's firmware now reports in Wh; its statistics stay in kWh.
    await readings(
        hub, clock, "sensor.meter", {**ENERGY, "unit_of_measurement": "Wh"}, [(at(10, 6), 11500)]
    )
    await clock.advance_to(at(10, 10))
    found = await rows(recorder, "sensor.meter")
    assert [(r.state, r.sum) for r in found] == [(11, 1), (11.5, 1.5)]


async def test_days_and_months_in_local_time(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    # One kWh every hour for two days; Kozani is UTC+2 in January.
    series = [(START + timedelta(hours=h), 1000.0 + h) for h in range(48)]
    await readings(hub, clock, "sensor.school_energy", ENERGY, series)
    await clock.advance(3600)
    days = await rows(recorder, "sensor.school_energy", "day")
    # 10:00 UTC is 12:00 local: the first local day has 12 hours left (11 kWh counted from
    # the first reading), the second a full 24, the third the last 12.
    local_days = [(r.start.astimezone(hub.tz).date().isoformat(), r.change) for r in days]
    assert local_days == [("2026-01-15", 11), ("2026-01-16", 24), ("2026-01-17", 12)]
    assert days[0].start == datetime(2026, 1, 14, 22, 0, tzinfo=UTC)
    (month,) = await rows(recorder, "sensor.school_energy", "month")
    assert month.change == 47
    assert month.start == datetime(2025, 12, 31, 22, 0, tzinfo=UTC)


async def test_downtime_is_backfilled_on_start_without_inventing_rows(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock)
    await readings(hub, clock, "sensor.meter", ENERGY, [(at(10, 0), 10), (at(10, 6), 12)])
    await clock.advance_to(at(10, 7))
    await crash(hub, recorder)

    await clock.advance_to(at(11, 2))  # an hour later; the meter kept counting
    _, recorder = await start_hub(
        clock, before_start=lambda h: h.states.set("sensor.meter", 20, ENERGY)
    )
    await clock.advance_to(at(11, 5))
    found = await rows(recorder, "sensor.meter")
    # The hub was down from 10:07 to 11:02: no rows for those periods; what the meter counted
    # meanwhile lands in the first period after the restart.
    assert [(r.start.strftime("%H:%M"), r.sum) for r in found] == [
        ("10:00", 0),
        ("10:05", 2),
        ("11:00", 10),
    ]
    (hour,) = await rows(recorder, "sensor.meter", "hour")
    assert (hour.start, hour.sum) == (at(10, 0), 2)
