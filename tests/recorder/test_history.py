"""History queries: states over a period, and the significant changes only."""

from __future__ import annotations

from datetime import timedelta

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder
from tests.recorder.conftest import START


async def test_states_over_a_period_start_with_the_state_in_force(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    for minute, state in ((0, "off"), (10, "on"), (20, "off"), (30, "on")):
        await clock.advance_to(START + timedelta(minutes=minute))
        hub.states.set("switch.pump_2", state)
    history = await recorder.history.states(
        ["switch.pump_2", "switch.never_seen"],
        START + timedelta(minutes=15),
        START + timedelta(minutes=30),
    )
    assert list(history) == ["switch.pump_2"]
    states = history["switch.pump_2"]
    assert [(s.state, s.last_changed - START) for s in states] == [
        ("on", timedelta(minutes=10)),  # in force at the start of the period
        ("off", timedelta(minutes=20)),
    ]
    bare = await recorder.history.states(
        ["switch.pump_2"], START + timedelta(minutes=15), include_start=False, with_attributes=False
    )
    assert [s.state for s in bare["switch.pump_2"]] == ["off", "on"]


async def test_significant_changes_leave_out_attribute_updates(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    for rssi, state in ((-60, "off"), (-61, "off"), (-70, "on"), (-65, "on"), (-66, "off")):
        hub.states.set("binary_sensor.door_r12", state, {"rssi": rssi})
        await clock.advance(30)
    hub.states.set("climate.school_hall", "heat", {"temperature": 20})
    await clock.advance(30)
    hub.states.set("climate.school_hall", "heat", {"temperature": 21})
    await clock.advance(30)

    everything = await recorder.history.states(["binary_sensor.door_r12"], START)
    assert len(everything["binary_sensor.door_r12"]) == 5
    significant = await recorder.history.significant_states(
        ["binary_sensor.door_r12", "climate.school_hall"], START
    )
    assert [s.state for s in significant["binary_sensor.door_r12"]] == ["off", "on", "off"]
    # For a thermostat, the set temperature is what matters.
    assert [s.attributes["temperature"] for s in significant["climate.school_hall"]] == [20, 21]


async def test_state_contexts_are_kept(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    cause = Context(origin="device")
    effect = cause.child("rule")
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128}, effect)
    history = await recorder.history.states(["light.dimokratias_01"], START)
    (state,) = history["light.dimokratias_01"]
    assert state.context == effect
