"""Devices in a scenario: lights and switches answer as devices would, services of
integrations that are not started are recorded, and scripted services answer as written."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kozani_hub.testing import render_result, run_scenario


async def run(tmp_path: Path, text: str) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(dedent(text))
    result = await run_scenario(path)
    return "passed" if result.passed else render_result(result)


async def test_lights_keep_their_brightness_and_switches_toggle(tmp_path: Path) -> None:
    text = """
    states:
      light.a: { state: "off", attributes: { friendly_name: Lamp A } }
      switch.pump: "on"
    steps:
      - call: { action: light.turn_on, target: { entity_id: light.a } }
      - expect: { states: { light.a: { state: "on", attributes: { brightness: 255, friendly_name: Lamp A } } } }
      - call: { action: light.turn_on, target: { entity_id: light.a }, data: { brightness: 26 } }
      - call: { action: light.turn_off, target: { entity_id: light.a } }
      - expect: { states: { light.a: { state: "off", attributes: { brightness: null } } } }
      - call: { action: light.turn_on, target: { entity_id: light.a }, data: { brightness_pct: 10 } }
      - call: { action: switch.toggle, target: { entity_id: switch.pump } }
      - expect:
          states:
            light.a: { state: "on", attributes: { brightness: 26 } }
            switch.pump: "off"
    """
    assert await run(tmp_path, text) == "passed"


async def test_device_services_keep_their_validation(tmp_path: Path) -> None:
    text = """
    steps:
      - call: { action: light.turn_on, target: { entity_id: light.a }, data: { brightness_pct: 150 } }
    """
    assert "invalid data for light.turn_on: brightness_pct" in await run(tmp_path, text)


async def test_services_of_integrations_not_started_are_recorded(tmp_path: Path) -> None:
    text = """
    steps:
      - call: { action: modbus.write_register, data: { unit: 7, address: 40100, value: 1 } }
      - expect: { no_calls: true }
      - call: { action: light.turn_onn, target: { entity_id: light.a } }
    """
    assert "unknown service light.turn_onn; did you mean light.turn_on" in await run(tmp_path, text)


async def test_scripted_answers_and_failures(tmp_path: Path) -> None:
    text = """
    responses:
      weather.get_forecast: { temperature: -4 }
    failures:
      modbus.write_register: unit 7 does not answer
    steps:
      - call: { action: weather.get_forecast }
      - call: { action: modbus.write_register, data: { unit: 7 } }
    """
    assert (
        "modbus.write_register failed: modbus.write_register: unit 7 does not answer"
        in await run(tmp_path, text)
    )


async def test_scripted_services_must_be_named_as_services(tmp_path: Path) -> None:
    text = """
    responses:
      forecast: { temperature: -4 }
    steps:
      - after: 1
    """
    assert "scenario.yaml:3: expected a service name such as 'modbus.read_registers'" in await run(
        tmp_path, text
    )
