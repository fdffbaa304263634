"""derivative: rate of change in the unit asked, averaged over a window, on simulated time."""

from __future__ import annotations

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import START, HelperHubs

CONFIG = """
derivative:
  - source: sensor.tank_level
    name: Tank level rate
  - source: sensor.tank_level
    name: Tank level rate windowed
    time_window: "00:10:00"
    round: 3
    max_sub_interval: "00:15:00"
  - source: sensor.meter_energy
    name: Meter power
    unit_time: s
    unit_prefix: m
    unit: kW
"""


def reading(hub: Hub, entity_id: str) -> str:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state


async def feed(hub: Hub, clock: SimulatedClock, entity_id: str, values: list[float], *,
               every: float, unit: str) -> None:
    for value in values:
        await clock.advance(every)
        hub.states.set(entity_id, str(value), {"unit_of_measurement": unit})


async def test_rate_in_metres_per_hour(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.tank_level", "2.0", {"unit_of_measurement": "m"})
    assert reading(hub, "sensor.tank_level_rate") == "unknown"
    await feed(hub, clock, "sensor.tank_level", [2.1, 2.2], every=360, unit="m")
    state = hub.states.get("sensor.tank_level_rate")
    assert state is not None
    assert state.state == "1.0"
    assert state.attributes["unit_of_measurement"] == "m/h"
    assert state.attributes["state_class"] == "measurement"
    await feed(hub, clock, "sensor.tank_level", [2.0], every=360, unit="m")
    assert reading(hub, "sensor.tank_level_rate") == "-2.0"


async def test_a_window_smooths_a_spike(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.tank_level", "2.0", {"unit_of_measurement": "m"})
    # steady filling at 1 m/h for 10 minutes, sampled each minute
    await feed(hub, clock, "sensor.tank_level", [2 + i / 60 for i in range(1, 11)], every=60, unit="m")
    assert reading(hub, "sensor.tank_level_rate_windowed") == "1.0"
    # one minute of 7 m/h: the window shows the average, 1.6 m/h
    await feed(hub, clock, "sensor.tank_level", [2 + 10 / 60 + 7 / 60], every=60, unit="m")
    assert reading(hub, "sensor.tank_level_rate") == "7.0"
    assert reading(hub, "sensor.tank_level_rate_windowed") == "1.6"


async def test_a_quiet_source_counts_as_unchanged(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.tank_level", "2.0", {"unit_of_measurement": "m"})
    await feed(hub, clock, "sensor.tank_level", [2.1, 2.2], every=360, unit="m")
    assert reading(hub, "sensor.tank_level_rate_windowed") == "1.0"
    await clock.advance(15 * 60)  # the level stopped reporting: it stands still
    assert reading(hub, "sensor.tank_level_rate_windowed") == "0.0"
    assert reading(hub, "sensor.tank_level_rate") == "1.0"  # without max_sub_interval


async def test_prefix_and_unit(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.meter_energy", "1000", {"unit_of_measurement": "kWh"})
    await feed(hub, clock, "sensor.meter_energy", [1001], every=3600, unit="kWh")
    state = hub.states.get("sensor.meter_power")
    assert state is not None
    # 1 kWh per hour in kWh per (milli) second... as configured: 1/3600 * 1000
    assert state.state == "0.28" and state.attributes["unit_of_measurement"] == "kW"


async def test_unavailable_readings_are_skipped(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.tank_level", "2.0", {"unit_of_measurement": "m"})
    await clock.advance(600)
    hub.states.set("sensor.tank_level", "unavailable")
    await feed(hub, clock, "sensor.tank_level", [2.5], every=1200, unit="m")
    assert reading(hub, "sensor.tank_level_rate") == "1.0"


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
derivative:
  - source: tank level
    name: Rate
    unit_time: hours
    time_window: later
"""
    )
    assert hubs.problem_at(problems, "tank level", "expected an entity id"), problems
    assert hubs.problem_at(problems, "unit_time: hours", "'s', 'min', 'h' or 'd'"), problems
    assert hubs.problem_at(problems, "time_window: later", "expected a duration"), problems
