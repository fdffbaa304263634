"""input_boolean: services, initial values, restore after a restart, configuration errors."""

from __future__ import annotations

from kozani_hub.core.events import Event
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
input_boolean:
  pump_override:
    name: Pump station manual override
    icon: mdi:hand-back-right
  holiday_mode:
    initial: true
  frost_guard:
"""


async def test_services_switch_and_toggle(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    state = hub.states.get("input_boolean.pump_override")
    assert state is not None
    assert state.state == "off"
    assert state.attributes["friendly_name"] == "Pump station manual override"
    assert state.attributes["icon"] == "mdi:hand-back-right"
    target = {"entity_id": "input_boolean.pump_override"}
    await hub.services.call("input_boolean", "turn_on", target=target)
    assert hub.states.get("input_boolean.pump_override").state == "on"  # type: ignore[union-attr]
    await hub.services.call("input_boolean", "toggle", target=target)
    assert hub.states.get("input_boolean.pump_override").state == "off"  # type: ignore[union-attr]
    await hub.services.call(
        "input_boolean", "turn_on",
        target={"entity_id": ["input_boolean.pump_override", "input_boolean.frost_guard"]},
    )
    assert hub.states.get("input_boolean.frost_guard").state == "on"  # type: ignore[union-attr]


async def test_initial_value_and_default(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    assert hub.states.get("input_boolean.holiday_mode").state == "on"  # type: ignore[union-attr]
    assert hub.states.get("input_boolean.frost_guard").state == "off"  # type: ignore[union-attr]


async def test_value_comes_back_after_a_restart_unless_initial_is_set(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    for object_id in ("pump_override", "frost_guard"):
        await hub.services.call("input_boolean", "turn_on", {"entity_id": f"input_boolean.{object_id}"})
    await hub.services.call("input_boolean", "turn_off", {"entity_id": "input_boolean.holiday_mode"})
    before = hub.states.get("input_boolean.pump_override")
    hub = await hubs.restart(hub, downtime=600)
    after = hub.states.get("input_boolean.pump_override")
    assert after is not None and before is not None
    assert after.state == "on"
    assert after.last_changed == before.last_changed
    assert hub.states.get("input_boolean.frost_guard").state == "on"  # type: ignore[union-attr]
    # `initial:` wins over what was saved, as in Home Assistant
    assert hub.states.get("input_boolean.holiday_mode").state == "on"  # type: ignore[union-attr]


async def test_a_rule_sees_the_restored_value_without_a_change(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    await hub.services.call("input_boolean", "turn_on", {"entity_id": "input_boolean.pump_override"})
    changes: list[tuple[str | None, str]] = []

    def watch(new_hub: Hub) -> None:
        def seen(event: Event) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            changes.append((old.state if old else None, new.state))

        new_hub.states.track(["input_boolean.pump_override"], seen)

    await hubs.restart(hub, before_start=watch)
    # unknown while the integration sets up, then the saved value: never 'off' in between
    assert changes == [(None, "unknown"), ("unknown", "on")]


async def test_unknown_target_is_refused(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    try:
        await hub.services.call("input_boolean", "turn_on", {"entity_id": "input_boolean.nope"})
    except Exception as err:
        assert "no input_boolean entity input_boolean.nope" in str(err)
    else:
        raise AssertionError("expected the call to fail")


def test_bad_configuration_is_reported_at_its_line(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
input_boolean:
  Pump Override:
    name: x
  ok_one:
    initial: maybe
    colour: red
"""
    )
    assert hubs.problem_at(problems, "Pump Override:", "not a valid id"), problems
    assert hubs.problem_at(problems, "maybe", "expected true or false"), problems
    assert hubs.problem_at(problems, "colour", "unknown key 'colour'"), problems
