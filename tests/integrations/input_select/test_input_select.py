"""input_select: options, services, restore, configuration errors."""

from __future__ import annotations

import pytest

from kozani_hub.core.services import ServiceError, ServiceValidationError
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
input_select:
  heating_mode:
    name: School heating mode
    options: [comfort, eco, frost, "off"]
  lead_pump:
    options: [pump_1, pump_2]
    initial: pump_2
"""
MODE = {"entity_id": "input_select.heating_mode"}


def option(hub: Hub, entity_id: str = "input_select.heating_mode") -> str:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state


async def test_first_option_by_default_and_its_attributes(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    state = hub.states.get("input_select.heating_mode")
    assert state is not None and state.state == "comfort"
    assert state.attributes["options"] == ["comfort", "eco", "frost", "off"]
    assert option(hub, "input_select.lead_pump") == "pump_2"


async def test_select_and_step_through_options(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    await hub.services.call("input_select", "select_option", {"option": "frost"}, target=MODE)
    assert option(hub) == "frost"
    await hub.services.call("input_select", "select_next", target=MODE)
    assert option(hub) == "off"
    await hub.services.call("input_select", "select_next", target=MODE)
    assert option(hub) == "comfort"  # cycles round
    await hub.services.call("input_select", "select_previous", {"cycle": False}, target=MODE)
    assert option(hub) == "comfort"  # stays at the first
    await hub.services.call("input_select", "select_last", target=MODE)
    assert option(hub) == "off"
    await hub.services.call("input_select", "select_first", target=MODE)
    assert option(hub) == "comfort"


async def test_unknown_option_is_refused_with_the_choices(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    with pytest.raises(ServiceError, match="'turbo' is not one of the options: comfort, eco"):
        await hub.services.call("input_select", "select_option", {"option": "turbo"}, target=MODE)


async def test_set_options_keeps_the_current_one_when_it_remains(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    await hub.services.call("input_select", "select_option", {"option": "eco"}, target=MODE)
    await hub.services.call("input_select", "set_options", {"options": ["eco", "off"]}, target=MODE)
    assert option(hub) == "eco"
    await hub.services.call("input_select", "set_options", {"options": ["a", "b"]}, target=MODE)
    assert option(hub) == "a"
    with pytest.raises(ServiceValidationError, match="listed twice: a"):
        await hub.services.call("input_select", "set_options", {"options": ["a", "a"]}, target=MODE)


async def test_restored_after_restart_when_still_an_option(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    await hub.services.call("input_select", "select_option", {"option": "frost"}, target=MODE)
    hub = await hubs.restart(hub, downtime=60)
    assert option(hub) == "frost"
    await hubs.crash(hub)
    hubs.write(CONFIG.replace("frost, ", ""))
    hub = await hubs.start()
    assert option(hub) == "comfort"


def test_bad_options_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
input_select:
  empty:
    options: []
  twice:
    options: [a, b, a]
  wrong_initial:
    options: [a, b]
    initial: c
"""
    )
    assert hubs.problem_at(problems, "options: []", "expected at least 1 item"), problems
    assert hubs.problem_at(problems, "options: [a, b, a]", "listed twice: a"), problems
    assert hubs.problem_at(problems, "initial: c", "initial option 'c' is not one of"), problems
