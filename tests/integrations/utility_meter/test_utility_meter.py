"""utility_meter: counting a total per cycle in local time, source resets, tariffs, services,
the cycle's count across restarts, configuration errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.services import ServiceError
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
utility_meter:
  energy_daily:
    source: sensor.energy
    name: Energy today
    cycle: daily
  energy_monthly:
    source: sensor.energy
    cycle: monthly
  energy_tariffs:
    source: sensor.energy
    cycle: weekly
    tariffs: [day, night]
  energy_never_reset:
    source: sensor.energy
    periodically_resetting: false
"""
KWH = {"unit_of_measurement": "kWh", "device_class": "energy"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def meter(hub: Hub, entity_id: str) -> str:
    state = hub.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def attr(hub: Hub, entity_id: str, name: str) -> object:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


async def read(hub: Hub, value: float) -> None:
    hub.states.set("sensor.energy", str(value), KWH)


async def test_counts_the_day_and_resets_at_local_midnight(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T22:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    await read(hub, 1000.0)
    assert meter(hub, "sensor.energy_daily") == "0"
    await clock.advance(3600)
    await read(hub, 1012.5)
    assert meter(hub, "sensor.energy_daily") == "12.5"
    assert attr(hub, "sensor.energy_daily", "unit_of_measurement") == "kWh"
    assert attr(hub, "sensor.energy_daily", "state_class") == "total_increasing"
    assert attr(hub, "sensor.energy_daily", "device_class") == "energy"
    assert attr(hub, "sensor.energy_daily", "next_reset") == "2026-01-16T00:00:00+02:00"
    await clock.advance_to(at("2026-01-16T00:00:00+02:00"))
    assert meter(hub, "sensor.energy_daily") == "0"
    assert attr(hub, "sensor.energy_daily", "last_period") == "12.5"
    assert attr(hub, "sensor.energy_daily", "last_reset") == "2026-01-15T22:00:00+00:00"
    assert meter(hub, "sensor.energy_monthly") == "12.5"


async def test_a_month_boundary_in_athens_summer_time(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-03-31T23:00:00+03:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    await read(hub, 500)
    await clock.advance(1800)
    await read(hub, 503)
    await clock.advance(1799)
    assert meter(hub, "sensor.energy_monthly") == "3"
    await clock.advance(1)  # 1 April 00:00 EEST
    assert meter(hub, "sensor.energy_monthly") == "0"
    assert attr(hub, "sensor.energy_monthly", "last_period") == "3"
    assert attr(hub, "sensor.energy_monthly", "next_reset") == "2026-05-01T00:00:00+03:00"


async def test_a_source_reset_counts_from_zero_or_is_ignored(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T10:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    await read(hub, 1500)
    await read(hub, 1510)
    await read(hub, 0)  # the meter was replaced
    await read(hub, 4)
    assert meter(hub, "sensor.energy_daily") == "14"
    assert meter(hub, "sensor.energy_never_reset") == "14"  # 10, then +4 from the new base
    await read(hub, 2)  # a glitch downwards
    assert meter(hub, "sensor.energy_never_reset") == "14"


async def test_unavailable_source_makes_the_meter_unavailable_until_it_reports(
    hubs: HelperHubs,
) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.energy": "100"})
    hub.states.set("sensor.energy", "unavailable")
    assert meter(hub, "sensor.energy_daily") == "unavailable"
    await read(hub, 103)
    assert meter(hub, "sensor.energy_daily") == "3"


async def test_tariffs_count_only_on_the_selected_one(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.energy": "100"})
    assert meter(hub, "select.energy_tariffs") == "day"
    assert attr(hub, "select.energy_tariffs", "options") == ["day", "night"]
    await read(hub, 110)
    await hub.services.call(
        "utility_meter", "select_tariff", {"tariff": "night"},
        target={"entity_id": "select.energy_tariffs"},
    )
    await read(hub, 115)
    assert meter(hub, "sensor.energy_tariffs_day") == "10"
    assert meter(hub, "sensor.energy_tariffs_night") == "5"
    assert attr(hub, "sensor.energy_tariffs_day", "status") == "paused"
    await hub.services.call(
        "utility_meter", "next_tariff", target={"entity_id": "sensor.energy_tariffs_night"}
    )
    assert meter(hub, "select.energy_tariffs") == "day"
    with pytest.raises(ServiceError, match="'peak' is not one of its tariffs: day, night"):
        await hub.services.call(
            "utility_meter", "select_tariff", {"tariff": "peak"},
            target={"entity_id": "select.energy_tariffs"},
        )


async def test_reset_and_calibrate(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.energy": "100"})
    seen: list[dict[str, object]] = []
    hub.bus.listen("utility_meter_reset", lambda e: seen.append(dict(e.data)))
    await read(hub, 120)
    await hub.services.call("utility_meter", "reset", target={"entity_id": "sensor.energy_daily"})
    assert meter(hub, "sensor.energy_daily") == "0"
    assert attr(hub, "sensor.energy_daily", "last_period") == "20"
    assert seen == [{"entity_id": "sensor.energy_daily", "last_period": "20"}]
    await hub.services.call(
        "utility_meter", "calibrate", {"value": "7.25"},
        target={"entity_id": "sensor.energy_monthly"},
    )
    assert meter(hub, "sensor.energy_monthly") == "7.25"


async def test_the_cycle_count_survives_a_restart(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T10:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, states={"sensor.energy": "100"})
    await read(hub, 130)
    await hub.services.call(
        "utility_meter", "select_tariff", {"tariff": "night"},
        target={"entity_id": "select.energy_tariffs"},
    )
    hub = await hubs.restart(hub, downtime=600)
    assert meter(hub, "sensor.energy_daily") == "30"
    assert meter(hub, "select.energy_tariffs") == "night"
    # the meter reports again after the restart: what it counted meanwhile is added
    await read(hub, 131)
    assert meter(hub, "sensor.energy_daily") == "31"
    assert meter(hub, "sensor.energy_tariffs_night") == "1"


async def test_a_cycle_that_ended_while_down_is_reset_at_start(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-31T20:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, states={"sensor.energy": "100"})
    await read(hub, 142)
    hub = await hubs.restart(hub, downtime=8 * 3600)  # back on 1 February, 04:00
    assert meter(hub, "sensor.energy_monthly") == "0"
    assert attr(hub, "sensor.energy_monthly", "last_period") == "42"
    assert meter(hub, "sensor.energy_daily") == "0"
    assert attr(hub, "sensor.energy_monthly", "next_reset") == "2026-03-01T00:00:00+02:00"


async def test_net_consumption_and_delta_values(hubs: HelperHubs) -> None:
    hub = await hubs.start(
        """
utility_meter:
  net:
    source: sensor.grid
    net_consumption: true
    periodically_resetting: false
  deltas:
    source: sensor.pulses
    delta_values: true
""",
        recorder=False,
    )
    for value in ("10", "4", "6"):
        hub.states.set("sensor.grid", value)
    for value in ("3", "3", "0.5"):
        hub.states.set("sensor.pulses", value, force_update=True)
    assert meter(hub, "sensor.net") == "-4"
    assert attr(hub, "sensor.net", "state_class") == "total"
    assert meter(hub, "sensor.deltas") == "6.5"


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
utility_meter:
  one:
    source: sensor.energy
    cycle: fortnightly
  two:
    source: sensor.energy
    cycle: daily
    cron: "0 0 * * *"
  three:
    source: sensor.energy
    cron: "every day"
    tariffs: [Day Rate]
"""
    )
    assert hubs.problem_at(problems, "fortnightly", "'daily'"), problems
    assert hubs.problem_at(problems, 'cron: "0 0', "give cycle or cron, not both"), problems
    assert hubs.problem_at(problems, "every day", "not a cron schedule"), problems


async def test_a_restart_after_a_reset_does_not_reset_again(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T23:30:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, states={"sensor.energy": "100"})
    await clock.advance_to(at("2026-01-16T00:00:00+02:00"))
    await read(hub, 110)
    hub = await hubs.restart(hub, downtime=3600)
    assert meter(hub, "sensor.energy_daily") == "10"
    assert attr(hub, "sensor.energy_daily", "last_reset") == "2026-01-15T22:00:00+00:00"
