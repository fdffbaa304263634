"""counter: steps and bounds, reset and set_value, restore, configuration errors."""

from __future__ import annotations

import pytest

from kozani_hub.core.services import ServiceError
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
counter:
  pump_starts:
    name: Pump 1 starts
    step: 2
    minimum: 0
    maximum: 5
  sos_presses:
    initial: 10
    restore: false
"""
STARTS = {"entity_id": "counter.pump_starts"}


def count(hub: Hub, entity_id: str = "counter.pump_starts") -> str:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state


async def test_steps_stop_at_the_bounds(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    assert count(hub) == "0"
    state = hub.states.get("counter.pump_starts")
    assert state is not None
    assert state.attributes["step"] == 2 and state.attributes["maximum"] == 5
    for _ in range(4):
        await hub.services.call("counter", "increment", target=STARTS)
    assert count(hub) == "5"
    await hub.services.call("counter", "decrement", target=STARTS)
    assert count(hub) == "3"
    await hub.services.call("counter", "reset", target=STARTS)
    assert count(hub) == "0"


async def test_set_value_outside_the_bounds_is_refused(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    await hub.services.call("counter", "set_value", {"value": 4}, target=STARTS)
    assert count(hub) == "4"
    with pytest.raises(ServiceError, match=r"counter.pump_starts: 9 is outside 0..5"):
        await hub.services.call("counter", "set_value", {"value": 9}, target=STARTS)


async def test_restored_unless_restore_is_false(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    await hub.services.call("counter", "set_value", {"value": 3}, target=STARTS)
    await hub.services.call("counter", "increment", target={"entity_id": "counter.sos_presses"})
    assert count(hub, "counter.sos_presses") == "11"
    hub = await hubs.restart(hub, downtime=120)
    assert count(hub) == "3"
    assert count(hub, "counter.sos_presses") == "10"


def test_bad_bounds_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
counter:
  upside_down:
    minimum: 5
    maximum: 1
    initial: 3
  below:
    minimum: 1
  no_step:
    step: 0
"""
    )
    assert hubs.problem_at(problems, "maximum: 1", "maximum (1) must not be below minimum (5)")
    assert hubs.problem_at(problems, "below:", "initial value 0 is outside 1.."), problems
    assert hubs.problem_at(problems, "step: 0", "expected at least 1"), problems
