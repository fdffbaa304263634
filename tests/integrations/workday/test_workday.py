"""workday: Greek public holidays (movable Orthodox dates included), weekends, offsets, added
and removed holidays, the midnight update, check_date, configuration errors."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
workday:
  - name: Workday
    country: GR
  - name: Workday tomorrow
    country: GR
    days_offset: 1
  - name: Town hall open
    country: GR
    language: el
    add_holidays: ["2026-12-07", "2026-08-10,2026-08-14"]
    remove_holidays: ["2026-01-06", "Labor Day"]
"""
# Greek public holidays of 2026 and 2027 that fall on weekdays: fixed and movable
# (Orthodox Easter is 12 April 2026 and 2 May 2027).
HOLIDAYS_ON_WEEKDAYS = [
    "2026-01-01", "2026-01-06", "2026-02-23", "2026-03-25", "2026-04-10", "2026-04-13",
    "2026-05-01", "2026-06-01", "2026-10-28", "2026-12-25",
    "2027-01-01", "2027-01-06", "2027-03-15", "2027-03-25", "2027-04-30", "2027-05-03",
    "2027-05-04", "2027-06-21", "2027-10-28",
]


def on(hub: Hub, entity_id: str = "binary_sensor.workday") -> str:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state


async def check(hub: Hub, day: str, entity_id: str = "binary_sensor.workday") -> bool:
    answer = await hub.services.call(
        "workday", "check_date", {"check_date": day}, target={"entity_id": entity_id}
    )
    return bool(answer[entity_id]["workday"])


async def test_greek_holidays_of_2026_and_2027(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    for day in HOLIDAYS_ON_WEEKDAYS:
        assert not await check(hub, day), day
    # Orthodox Easter Sunday is a Sunday; Holy Saturday and the Tuesday after are workdays
    assert not await check(hub, "2026-04-12")
    assert await check(hub, "2026-04-14")
    assert await check(hub, "2026-02-24")  # the day after Clean Monday
    assert not await check(hub, "2026-01-17")  # a Saturday


async def test_clean_monday_at_midnight_and_back(hubs: HelperHubs) -> None:
    clock = SimulatedClock(datetime.fromisoformat("2026-02-20T12:00:00+02:00"))  # Friday
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    assert on(hub) == "on"
    assert on(hub, "binary_sensor.workday_tomorrow") == "off"  # Saturday
    await clock.advance_to(datetime.fromisoformat("2026-02-23T00:00:00+02:00"))
    state = hub.states.get("binary_sensor.workday")
    assert state is not None and state.state == "off"
    assert state.attributes["holiday"] == "Green Monday"
    assert state.attributes["workdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert on(hub, "binary_sensor.workday_tomorrow") == "on"
    await clock.advance_to(datetime.fromisoformat("2026-02-24T00:00:00+02:00"))
    assert on(hub) == "on"


async def test_easter_monday_in_summer_time(hubs: HelperHubs) -> None:
    clock = SimulatedClock(datetime.fromisoformat("2026-04-12T23:59:00+03:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    assert on(hub, "binary_sensor.workday_tomorrow") == "off"
    await clock.advance(60)
    assert on(hub) == "off"
    state = hub.states.get("binary_sensor.town_hall_open")
    assert state is not None and state.attributes["holiday"] == "Δευτέρα του Πάσχα"


async def test_added_and_removed_holidays(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    town_hall = "binary_sensor.town_hall_open"
    assert not await check(hub, "2026-12-07", town_hall)
    for day in ("2026-08-10", "2026-08-12", "2026-08-14"):
        assert not await check(hub, day, town_hall)
    assert await check(hub, "2026-01-06", town_hall)  # Epiphany removed by date
    assert await check(hub, "2026-05-01", town_hall)  # Labour Day removed by name
    assert not await check(hub, "2027-05-04", town_hall)  # "Labor Day (observed)" is another
    assert await check(hub, "2026-12-07")


async def test_a_removed_name_that_is_no_holiday_is_logged(
    hubs: HelperHubs, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        await hubs.start(
            "workday:\n  - country: GR\n    remove_holidays: [Name Day of Nobody]\n",
            recorder=False,
        )
    assert "names 'name day of nobody', which is no holiday of GR" in caplog.text
    assert "Green Monday" in caplog.text


async def test_custom_workdays_and_excludes(hubs: HelperHubs) -> None:
    hub = await hubs.start(
        """
workday:
  - name: Market day
    country: GR
    workdays: [sat]
    excludes: [holiday]
""",
        recorder=False,
    )
    assert await check(hub, "2026-01-17", "binary_sensor.market_day")
    assert not await check(hub, "2026-08-15", "binary_sensor.market_day")  # a Saturday feast
    assert date(2026, 8, 15).weekday() == 5


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
workday:
  - country: XX
  - country: GR
    province: Kozani
    workdays: [monday]
  - country: GR
    add_holidays: ["2026-13-01"]
"""
    )
    assert hubs.problem_at(problems, "country: XX", "no public holidays known"), problems
    assert hubs.problem_at(problems, "workdays: [monday]", "'mon'"), problems
    assert hubs.problem_at(problems, "2026-13-01", "expected a date such as 2026-08-10"), problems
