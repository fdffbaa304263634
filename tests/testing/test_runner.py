"""The scenario runner on a bare hub: steps, simulated time, device simulation, failures."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.core.events import Event
from kozani_hub.hub import Hub
from kozani_hub.testing.hubs import ScenarioEnvironment
from kozani_hub.testing.report import render_result
from kozani_hub.testing.runner import run_scenario


class MotionLight:
    """A stand-in for a rule: motion on → light on at 100 %, two minutes later back to 50 %."""

    name = "motion light"

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._undo: list[object] = []

    async def start(self) -> None:
        self.hub.states.track(["binary_sensor.motion"], self._changed)

    async def stop(self) -> None:
        return None

    def _changed(self, event: Event) -> None:
        new = event.data["new_state"]
        if new is not None and new.state == "on":
            self.hub.create_task(self._boost(new.context))

    async def _boost(self, context: Context) -> None:
        target = {"entity_id": "light.street"}
        child = context.child()
        await self.hub.services.call(
            "light", "turn_on", {"brightness_pct": 100}, target=target, context=child
        )
        await self.hub.clock.sleep(120)
        await self.hub.services.call(
            "light", "turn_on", {"brightness": 128}, target=target, context=child
        )


def motion_hub(env: ScenarioEnvironment, clock: SimulatedClock) -> Hub:
    hub = Hub(clock=clock)
    hub.add_component(MotionLight(hub))
    return hub


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


async def test_a_passing_scenario_plays_every_step(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name: Motion boosts the street light
        start: "2026-01-15T23:50:00+02:00"
        states:
          light.street: { state: "on", attributes: { brightness: 128 } }
          binary_sensor.motion: "off"
        steps:
          - set: { entity_id: binary_sensor.motion, state: "on" }
          - expect:
              calls:
                - action: light.turn_on
                  target: { entity_id: light.street }
                  data: { brightness_pct: 100 }
              states: { light.street: { state: "on", attributes: { brightness: 255 } } }
          - after: "00:02:30"
          - expect:
              calls: [ { action: light.turn_on, data: { brightness: 128 } } ]
              states: { light.street: { attributes: { brightness: 128 } } }
          - at: "2026-01-16T06:00:00"
          - expect: { no_calls: true }
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    assert result.passed, render_result(result)
    assert render_result(result).startswith("ok    Motion boosts the street light")


async def test_a_failed_expect_shows_expected_happened_and_the_difference(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name: Wrong brightness
        states: { binary_sensor.motion: "off", light.street: "off" }
        steps:
          - set: { entity_id: binary_sensor.motion, state: "on" }
          - expect:
              calls:
                - action: light.turn_on
                  data: { brightness_pct: 60 }
          - after: 10
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    assert not result.passed
    assert result.steps_run == 1
    text = render_result(result)
    assert f"step 2 (expect) at {path}:6" in text
    assert "call 1 of 1 was not made: light.turn_on {data: {brightness_pct: 60}}" in text
    assert "light.turn_on light.street {brightness_pct: 100.0}" in text
    assert (
        "closest is call 1: data.brightness_pct: expected the number 60, got the number 100"
        in text
    )


async def test_calls_must_come_in_the_listed_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        states: { binary_sensor.motion: "off", light.street: "off" }
        steps:
          - set: { binary_sensor.motion: "on" }
          - after: "00:05:00"
          - expect:
              calls:
                - { action: light.turn_on, data: { brightness: 128 } }
                - { action: light.turn_on, data: { brightness_pct: 100 } }
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    assert "call 2 of 2 (light.turn_on, line 9) happened, but before" in render_result(result)


async def test_a_user_call_drives_the_simulated_devices(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        states:
          light.hall: "off"
          switch.pump_2: "off"
        steps:
          - call: { action: light.turn_on, target: { entity_id: light.hall }, data: { brightness_pct: 50 } }
          - call: { action: switch.toggle, entity_id: switch.pump_2 }
          - expect:
              no_calls: true
              states:
                light.hall: { state: "on", attributes: { brightness: 128 } }
                switch.pump_2: "on"
          - call: { action: light.toggle, target: { entity_id: light.hall } }
          - expect: { states: { light.hall: "off" } }
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    assert result.passed, render_result(result)


async def test_states_compare_numbers_by_value_and_name_wrong_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        states:
          sensor.tank_1_level: { state: "1.20", attributes: { unit_of_measurement: m } }
        steps:
          - set: { entity_id: sensor.tank_1_level, state: 0.8 }
          - expect: { states: { sensor.tank_1_level: 0.80 } }
          - expect:
              states:
                sensor.tank_1_level: { state: 0.8, attributes: { unit_of_measurement: cm } }
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    text = render_result(result)
    assert "step 3 (expect)" in text
    assert "sensor.tank_1_level: 0.8 {unit_of_measurement: m}" in text
    assert (
        "sensor.tank_1_level attributes.unit_of_measurement: expected the string 'cm', "
        "got the string 'm'" in text
    )


async def test_events_are_matched_in_order_as_subsets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        steps:
          - event: { event_type: sos_pressed, data: { resident: r12, button: 1 } }
          - event: sos_cleared
          - expect:
              events:
                - { event_type: sos_pressed, data: { resident: r12 } }
                - sos_cleared
          - event: { event_type: sos_pressed, data: { resident: r7 } }
          - expect:
              events: [ { event_type: sos_pressed, data: { resident: r12 } } ]
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    text = render_result(result)
    assert "step 5 (expect)" in text
    assert "event 1 of 1 was not fired: sos_pressed {resident: r12}" in text
    assert "closest sos_pressed event: data.resident: expected the string 'r12'" in text


async def test_at_cannot_go_back_in_time(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        start: "2026-01-15T12:00:00"
        steps:
          - at: "2026-01-15T11:00:00"
        """,
    )
    text = render_result(await run_scenario(path, hub_factory=motion_hub))
    assert "'at: 2026-01-15T11:00:00' is before the simulated time now" in text


async def test_a_call_to_an_unknown_service_fails_its_step(tmp_path: Path) -> None:
    path = write(tmp_path, "steps:\n  - call: { action: light.turn_onn, entity_id: light.a }\n")
    text = render_result(await run_scenario(path, hub_factory=motion_hub))
    assert "error: ServiceNotFound: unknown service light.turn_onn; did you mean light.turn_on" in text


async def test_a_restart_loses_running_work_keeps_device_states_and_skips_the_downtime(
    tmp_path: Path,
) -> None:
    """The stand-in rule keeps no durable timers: its pending second call dies in the crash."""
    path = write(
        tmp_path,
        """
        start: "2026-01-15T12:00:00+02:00"
        states: { binary_sensor.motion: "off", light.street: "off" }
        steps:
          - set: { binary_sensor.motion: "on" }
          - restart: { downtime: "01:00:00" }
          - after: "00:05:00"
          - expect:
              calls: [ { action: light.turn_on, data: { brightness_pct: 100 } } ]
              no_calls: [ { action: light.turn_on, data: { brightness: 128 } } ]
              states: { light.street: { state: "on", attributes: { brightness: 255 } } }
          - at: "2026-01-15T13:05:00+02:00"
        """,
    )
    result = await run_scenario(path, hub_factory=motion_hub)
    assert result.passed, render_result(result)
