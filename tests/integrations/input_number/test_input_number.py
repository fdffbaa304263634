"""input_number: range and step, services, restore, configuration errors."""

from __future__ import annotations

import pytest

from kozani_hub.core.services import ServiceError
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
input_number:
  tank_low:
    name: Tank 1 low level
    min: 0
    max: 5
    step: 0.1
    mode: box
    unit_of_measurement: m
  heating_setpoint:
    min: 15
    max: 24
    step: 0.5
    initial: 21
"""
LOW = {"entity_id": "input_number.tank_low"}


def value(hub: object, entity_id: str) -> str:
    state = hub.states.get(entity_id)  # type: ignore[attr-defined]
    assert state is not None
    return str(state.state)


async def test_starts_at_min_or_initial_with_its_attributes(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    state = hub.states.get("input_number.tank_low")
    assert state is not None
    assert state.state == "0.0"
    assert dict(state.attributes) == {
        "initial": None, "editable": False, "min": 0.0, "max": 5.0, "step": 0.1,
        "mode": "box", "unit_of_measurement": "m", "friendly_name": "Tank 1 low level",
    }
    assert value(hub, "input_number.heating_setpoint") == "21.0"


async def test_set_increment_decrement_stay_in_range(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    await hub.services.call("input_number", "set_value", {"value": 4.8}, target=LOW)
    await hub.services.call("input_number", "increment", target=LOW)
    await hub.services.call("input_number", "increment", target=LOW)
    assert value(hub, "input_number.tank_low") == "5.0"
    await hub.services.call("input_number", "set_value", {"value": 0.1}, target=LOW)
    await hub.services.call("input_number", "increment", target=LOW)
    await hub.services.call("input_number", "increment", target=LOW)
    assert value(hub, "input_number.tank_low") == "0.3"
    for _ in range(5):
        await hub.services.call("input_number", "decrement", target=LOW)
    assert value(hub, "input_number.tank_low") == "0.0"


async def test_a_value_outside_the_range_is_refused(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    with pytest.raises(ServiceError, match=r"input_number.tank_low: 7 is outside the range 0..5"):
        await hub.services.call("input_number", "set_value", {"value": 7}, target=LOW)
    assert value(hub, "input_number.tank_low") == "0.0"


async def test_restored_after_restart_when_still_in_range(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    await hub.services.call("input_number", "set_value", {"value": 1.2}, target=LOW)
    await hub.services.call(
        "input_number", "set_value", {"value": 18}, {"entity_id": "input_number.heating_setpoint"}
    )
    hub = await hubs.restart(hub, downtime=3600)
    assert value(hub, "input_number.tank_low") == "1.2"
    assert value(hub, "input_number.heating_setpoint") == "21.0"  # initial wins
    # the range changed while the hub was down: the saved 1.2 no longer fits
    await hubs.crash(hub)
    hubs.write(CONFIG.replace("min: 0\n", "min: 2\n"))
    hub = await hubs.start()
    assert value(hub, "input_number.tank_low") == "2.0"


def test_bad_ranges_and_initial_values_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
input_number:
  upside_down:
    min: 10
    max: 5
  too_high:
    min: 0
    max: 5
    initial: 6
  odd:
    min: 0
    max: 1
    step: 0
    mode: knob
"""
    )
    assert hubs.problem_at(problems, "max: 5", "max (5) must be greater than min (10)"), problems
    assert hubs.problem_at(problems, "initial: 6", "initial value 6 is outside 0..5"), problems
    assert hubs.problem_at(problems, "step: 0", "expected greater than 0"), problems
    assert hubs.problem_at(problems, "mode: knob", "'slider' or 'box'"), problems
