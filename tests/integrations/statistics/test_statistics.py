"""statistics: characteristics over a buffer bounded by age and size, expiry on simulated
time, the buffer read back from the recorder after a restart, configuration errors."""

from __future__ import annotations

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import START, HelperHubs

CONFIG = """
statistics:
  - entity_id: sensor.power
    name: Demand 15 min
    state_characteristic: mean
    max_age: "00:15:00"
    precision: 1
  - entity_id: sensor.power
    name: Peak 15 min
    state_characteristic: max
    max_age: "00:15:00"
  - entity_id: sensor.power
    name: Readings last five
    state_characteristic: count
    sampling_size: 5
  - entity_id: sensor.power
    name: Step average
    state_characteristic: average_step
    max_age: "02:00:00"
"""
KW = {"unit_of_measurement": "kW"}


def value(hub: Hub, name: str) -> str:
    state = hub.states.get(f"sensor.{name}")
    assert state is not None
    return state.state


async def report(hub: Hub, clock: SimulatedClock, values: list[float], every: float) -> None:
    for reading in values:
        hub.states.set("sensor.power", str(reading), KW)
        await clock.advance(every)


async def test_mean_and_max_over_fifteen_minutes(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    assert value(hub, "demand_15_min") == "unknown"
    assert value(hub, "readings_last_five") == "0"
    await report(hub, clock, [10, 20, 30, 40, 50], every=300)  # one every 5 minutes
    # at 25 minutes the readings of 10, 15, 20 and 25 minutes ago... only 40 and 50 remain
    assert value(hub, "demand_15_min") == "45.0"
    assert value(hub, "peak_15_min") == "50.0"
    state = hub.states.get("sensor.demand_15_min")
    assert state is not None and state.attributes["unit_of_measurement"] == "kW"
    await clock.advance(600)
    assert value(hub, "demand_15_min") == "unknown"  # every sample has aged out


async def test_sampling_size_bounds_the_count(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    await report(hub, clock, [1, 2, 3, 4, 5, 6, 7], every=10)
    state = hub.states.get("sensor.readings_last_five")
    assert state is not None
    assert state.state == "5"
    assert "unit_of_measurement" not in state.attributes
    assert state.attributes["buffer_usage_ratio"] == 1.0


async def test_average_step_weights_values_by_how_long_they_held(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    hub.states.set("sensor.power", "10", KW)
    await clock.advance(45 * 60)
    hub.states.set("sensor.power", "50", KW)
    await clock.advance(15 * 60)
    hub.states.set("sensor.power", "0", KW)
    assert value(hub, "step_average") == "20.0"  # 10 for 45 min, 50 for 15 min


async def test_the_window_comes_back_from_the_recorder_after_a_restart(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock)
    await report(hub, clock, [10, 20, 30], every=240)
    assert value(hub, "demand_15_min") == "20.0"
    hub = await hubs.restart(hub, downtime=60)
    # the device reports again after the restart; the earlier readings come from history
    assert value(hub, "demand_15_min") == "20.0"
    assert isinstance(hub.clock, SimulatedClock)
    await hub.clock.advance(240)
    assert value(hub, "demand_15_min") == "25.0"  # the first reading aged out


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
statistics:
  - entity_id: sensor.power
    name: Average
    state_characteristic: average
    max_age: "00:15:00"
  - entity_id: sensor.power
    name: Unbounded
    state_characteristic: mean
  - entity_id: sensor.power
    name: Keeps
    state_characteristic: mean
    sampling_size: 10
    keep_last_sample: true
"""
    )
    assert hubs.problem_at(problems, "characteristic: average", "unknown characteristic"), problems
    assert hubs.problem_at(problems, "characteristic: mean", "needs max_age, sampling_size")
    assert hubs.problem_at(problems, "keep_last_sample: true", "needs max_age"), problems
