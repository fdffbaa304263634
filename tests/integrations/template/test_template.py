"""template: sensors and binary sensors re-rendered from what they read, availability,
attributes, delays, the minute tick for now(), and configuration errors."""

from __future__ import annotations

import logging

import pytest

from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import START, HelperHubs

CONFIG = """
template:
  - sensor:
      - name: Tank 1 volume
        unit_of_measurement: m³
        state_class: measurement
        device_class: volume
        state: "{{ (states('sensor.tank_1_level') | float(0) * 12.5) | round(1) }}"
        availability: "{{ has_value('sensor.tank_1_level') }}"
        attributes:
          percent: "{{ (states('sensor.tank_1_level') | float(0) / 4 * 100) | round }}"
      - name: Minutes past the hour
        state: "{{ now().minute }}"
      - name: Pumps running
        state: "{{ states.switch | selectattr('state', 'eq', 'on') | list | count }}"
    binary_sensor:
      - name: Tank 1 low
        device_class: problem
        state: "{{ states('sensor.tank_1_level') | float(9) < 1.2 }}"
        delay_on: "00:00:30"
        delay_off: "{{ 60 * 2 }}"
"""


def state(hub: Hub, entity_id: str) -> str:
    found = hub.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


async def test_sensor_follows_its_source_with_unit_and_attributes(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.tank_1_level": "2.0"})
    volume = hub.states.get("sensor.tank_1_volume")
    assert volume is not None
    assert volume.state == "25.0"
    assert volume.attributes["unit_of_measurement"] == "m³"
    assert volume.attributes["state_class"] == "measurement"
    assert volume.attributes["device_class"] == "volume"
    assert volume.attributes["percent"] == 50
    hub.states.set("sensor.tank_1_level", "3.0")
    await settle()
    assert state(hub, "sensor.tank_1_volume") == "37.5"


async def test_unavailable_source_makes_it_unavailable(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.tank_1_level": "2.0"})
    hub.states.set("sensor.tank_1_level", "unavailable")
    await settle()
    assert state(hub, "sensor.tank_1_volume") == "unavailable"


async def test_only_changes_of_what_it_reads_render_it_again(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False, states={"sensor.tank_1_level": "2.0"})
    before = hub.states.get("sensor.tank_1_volume")
    hub.states.set("sensor.unrelated", "1")
    await settle()
    assert hub.states.get("sensor.tank_1_volume") is before
    hub.states.set("switch.pump_1", "on")
    hub.states.set("switch.pump_2", "on")
    await settle()
    assert state(hub, "sensor.pumps_running") == "2"


async def test_now_is_rendered_again_each_minute(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    assert state(hub, "sensor.minutes_past_the_hour") == "0"
    await clock.advance(60 * 7 + 5)
    assert state(hub, "sensor.minutes_past_the_hour") == "7"


async def test_binary_sensor_waits_out_its_delays(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False, states={"sensor.tank_1_level": "2"})
    low = "binary_sensor.tank_1_low"
    assert state(hub, low) == "off"
    hub.states.set("sensor.tank_1_level", "1.0")
    await clock.advance(20)
    hub.states.set("sensor.tank_1_level", "1.5")  # a dip shorter than delay_on
    await clock.advance(60)
    assert state(hub, low) == "off"
    hub.states.set("sensor.tank_1_level", "1.1")
    await clock.advance(29)
    assert state(hub, low) == "off"
    await clock.advance(1)
    assert state(hub, low) == "on"
    assert hub.states.get(low).attributes["device_class"] == "problem"  # type: ignore[union-attr]
    hub.states.set("sensor.tank_1_level", "3")
    await clock.advance(119)
    assert state(hub, low) == "on"
    await clock.advance(1)
    assert state(hub, low) == "off"


async def test_a_template_that_fails_makes_it_unavailable_and_says_why(
    hubs: HelperHubs, caplog: pytest.LogCaptureFixture
) -> None:
    hub = await hubs.start(
        """
template:
  sensor:
    - name: Broken
      state: "{{ states('sensor.x') | float / 0 }}"
""",
        recorder=False,
        states={"sensor.x": "4"},
    )
    with caplog.at_level(logging.WARNING):
        hub.states.set("sensor.x", "5")
        await settle()
    assert state(hub, "sensor.broken") == "unavailable"
    assert "sensor.broken: the state template failed" in caplog.text


async def test_this_is_the_entity_itself(hubs: HelperHubs) -> None:
    hub = await hubs.start(
        """
template:
  sensor:
    - name: Highest level
      state: >
        {{ [states('sensor.level') | float(0),
            (this.state if this is not none else 0) | float(0)] | max }}
""",
        recorder=False,
        states={"sensor.level": "2"},
    )
    hub.states.set("sensor.level", "3.5")
    await settle()
    hub.states.set("sensor.level", "1")
    await settle()
    assert state(hub, "sensor.highest_level") == "3.5"


def test_bad_templates_and_names_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
template:
  - sensor:
      - name: Volume
        state: "{{ states('sensor.level') | nosuchfilter }}"
      - name: Level
        state: "1"
        state_class: average
    binary_sensor:
      - name: Low
        state: "{{ true }}"
        delay_on: soon
    trigger:
      - platform: time
"""
    )
    assert hubs.problem_at(problems, "nosuchfilter", "No filter named 'nosuchfilter'"), problems
    assert hubs.problem_at(problems, "state_class: average", "'measurement'"), problems
    assert hubs.problem_at(problems, "delay_on: soon", 'expected a duration such as "00:05:00"')
    assert hubs.problem_at(problems, "trigger:", "unknown key 'trigger'"), problems


def test_two_entities_with_one_id_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
template:
  - sensor:
      - name: Tank volume
        state: "1"
  - sensor:
      - name: tank-volume
        state: "2"
      - name: Δεξαμενή
        state: "3"
"""
    )
    assert hubs.problem_at(problems, "name: tank-volume", "a second sensor.tank_volume"), problems
    assert hubs.problem_at(problems, "Δεξαμενή", "gives no entity id"), problems
