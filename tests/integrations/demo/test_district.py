"""The demo district on the hub: its entities, a whole simulated day, services, incidents."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import Event
from kozani_hub.hub import Hub

from .conftest import QUIET, DemoRun, StartDemo

#: The issue asks for "well under a second"; a day takes about 0.4 s of processor time on
#: one core. The bound counts the process's own CPU time, so other programs on a busy CI
#: machine cannot fail it, and it is loose enough for a slow one.
DAY_CPU_LIMIT_S = 1.5
DAY = 24 * 3600


async def run_a_day(start_demo: StartDemo) -> tuple[DemoRun, float]:
    run = await start_demo()
    began = time.process_time()
    await run.advance(DAY)
    return run, time.process_time() - began


async def test_a_simulated_day_is_fast_and_the_same_on_every_run(start_demo: StartDemo) -> None:
    first, cpu = await run_a_day(start_demo)
    second, _ = await run_a_day(start_demo)

    assert cpu < DAY_CPU_LIMIT_S
    assert len(first.changes) == len(second.changes) > 5_000
    assert first.district.snapshot() == second.district.snapshot()


async def test_another_seed_gives_another_day(start_demo: StartDemo) -> None:
    one = await start_demo({"seed": 1})
    two = await start_demo({"seed": 2})
    await one.advance(6 * 3600)
    await two.advance(6 * 3600)
    assert one.district.snapshot() != two.district.snapshot()


async def test_the_district_has_its_streets_tanks_school_and_homes(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    hub = run.hub

    lights = hub.states.entity_ids("light")
    assert len(lights) == 60
    assert "light.dimokratias_01" in lights and "light.eleftheriou_venizelou_20" in lights
    for street in ("dimokratias", "pavlou_mela", "eleftheriou_venizelou"):
        assert run.state(f"binary_sensor.{street}_motion").attributes["device_class"] == "motion"
    lamp = run.state("light.dimokratias_01")
    assert lamp.attributes["rated_watts"] == 90.0
    assert lamp.attributes["friendly_name"] == "Dimokratias lamp 01"

    level = run.state("sensor.tank_north_level")
    assert level.attributes["unit_of_measurement"] == "m"
    assert level.attributes["capacity"] == 600.0
    assert {"switch.pump_north_1", "switch.pump_south_1"} <= set(hub.states.entity_ids("switch"))

    energy = run.state("sensor.school_1st_gymnasium_energy")
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert run.state("sensor.school_1st_gymnasium_power").attributes["device_class"] == "power"
    for what in ("heating", "lighting"):
        assert run.state(f"switch.school_1st_gymnasium_{what}").state == "off"
    assert run.state("binary_sensor.school_1st_gymnasium_occupancy").state == "off"

    for resident in ("r01", "r02"):
        for what, device_class in (("motion", "motion"), ("door", "door"), ("sos", "safety")):
            sensor = run.state(f"binary_sensor.resident_{resident}_{what}")
            assert sensor.attributes["device_class"] == device_class
        temperature = run.state(f"sensor.resident_{resident}_temperature")
        assert temperature.attributes["unit_of_measurement"] == "°C"
    assert -10.0 < run.value("sensor.kozani_outdoor_temperature") < 10.0


async def test_the_size_of_the_district_follows_its_configuration(start_demo: StartDemo) -> None:
    run = await start_demo({**QUIET, "streets": 5, "lamps_per_street": 4, "residents": 3})
    assert len(run.hub.states.entity_ids("light")) == 20
    assert "light.makedonomachon_04" in run.hub.states.entity_ids("light")
    assert run.state("sensor.resident_r03_temperature")


async def test_states_change_within_seconds_of_the_start(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    await run.advance(30)
    changed = {e.data["entity_id"] for e in run.changes if e.data["old_state"] is not None}
    assert "sensor.tank_north_level" in changed


async def test_turning_a_lamp_on_dimmed_sets_its_brightness_and_power(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET)
    await run.call("light.turn_on", "light.dimokratias_01", brightness_pct=50)

    lamp = run.state("light.dimokratias_01")
    assert lamp.state == "on"
    assert lamp.attributes["brightness"] == 128
    assert lamp.attributes["power"] == pytest.approx(90.0 * (0.1 + 0.9 * 128 / 255), abs=0.1)
    full_street = 20 * 90.0
    assert run.value("sensor.dimokratias_lighting_power") == pytest.approx(
        full_street - 90.0 + lamp.attributes["power"]
    )

    await run.call("light.turn_off", "light.dimokratias_01")
    assert run.state("light.dimokratias_01").state == "off"
    assert run.state("light.dimokratias_01").attributes["power"] == 0.0


async def test_a_transition_dims_a_lamp_step_by_step_on_the_clock(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    await run.call("light.turn_on", "light.pavlou_mela_03", brightness=55, transition=20)
    assert run.state("light.pavlou_mela_03").attributes["brightness"] == 255

    await run.advance(10)
    halfway = run.state("light.pavlou_mela_03").attributes["brightness"]
    assert 55 < halfway < 255
    await run.advance(10)
    assert run.state("light.pavlou_mela_03").attributes["brightness"] == 55
    assert len(run.changes_of("light.pavlou_mela_03")) == 10


async def test_street_lamps_light_up_at_sunset_and_go_out_at_sunrise(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-01-15T12:00:00+02:00"))
    assert run.state("light.dimokratias_07").state == "off"
    await run.advance(7 * 3600)
    assert run.state("light.dimokratias_07").state == "on"
    assert run.state("light.dimokratias_07").attributes["brightness"] == 255
    await run.advance(14 * 3600)
    assert run.state("light.dimokratias_07").state == "off"
    assert run.value("sensor.dimokratias_lighting_energy") > 20.0


async def test_a_pump_that_runs_fills_its_tank(start_demo: StartDemo) -> None:
    run = await start_demo({**QUIET, "float_switches": False})
    before = run.value("sensor.tank_north_level")
    await run.call("switch.turn_on", "switch.pump_north_1")
    assert run.state("switch.pump_north_1").state == "on"

    await run.advance(3600)
    filled = run.value("sensor.tank_north_level")
    assert filled > before

    await run.call("switch.turn_off", "switch.pump_north_1")
    await run.advance(3600)
    assert run.value("sensor.tank_north_level") < filled


async def test_the_second_pump_fills_too_and_each_pump_reports_its_motor_current(
    start_demo: StartDemo,
) -> None:
    run = await start_demo({**QUIET, "float_switches": False})
    assert run.value("sensor.pump_north_2_current") == 0.0
    await run.call("switch.turn_on", "switch.pump_north_1")
    await run.advance(1800)
    one_pump = run.value("sensor.tank_north_level")
    await run.call("switch.turn_on", "switch.pump_north_2")
    assert run.value("sensor.pump_north_2_current") == 28.0
    assert run.state("sensor.pump_north_2_current").attributes["unit_of_measurement"] == "A"
    await run.advance(1800)
    assert run.value("sensor.tank_north_level") - one_pump > 0.35  # 110 m³/h into 133 m²
    await run.call("switch.turn_off", "switch.pump_north_2")
    assert run.state("switch.pump_north_1").state == "on"
    assert run.value("sensor.pump_north_2_current") == 0.0


async def test_the_town_draws_more_water_at_breakfast_than_at_night(
    start_demo: StartDemo,
) -> None:
    run = await start_demo({**QUIET, "float_switches": False})
    await run.advance(2 * 3600)
    at_two = run.value("sensor.tank_south_level")
    await run.advance(3600)
    night_drop = at_two - run.value("sensor.tank_south_level")
    await run.advance(4 * 3600)
    at_seven = run.value("sensor.tank_south_level")
    await run.advance(3600)
    morning_drop = at_seven - run.value("sensor.tank_south_level")
    assert morning_drop > 4 * night_drop > 0


async def test_float_switches_keep_a_tank_from_running_dry(start_demo: StartDemo) -> None:
    run = await start_demo({**QUIET, "update_interval": 60})
    await run.advance(2 * DAY)
    pump_states = [s.state for s in run.changes_of("switch.pump_north_1")]
    assert "on" in pump_states and "off" in pump_states[pump_states.index("on") :]
    levels = [float(s.state) for s in run.changes_of("sensor.tank_north_level")]
    assert min(levels) > 0.3 * 4.5


async def test_the_school_follows_its_timetable_on_a_weekday(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    night_power = run.value("sensor.school_1st_gymnasium_power")
    await run.advance(8 * 3600)
    assert run.state("binary_sensor.school_1st_gymnasium_occupancy").state == "on"
    assert run.state("switch.school_1st_gymnasium_heating").state == "on"
    assert run.state("switch.school_1st_gymnasium_lighting").state == "on"
    assert run.value("sensor.school_1st_gymnasium_power") > 5 * night_power

    await run.advance(7 * 3600)  # 15:00
    assert run.state("binary_sensor.school_1st_gymnasium_occupancy").state == "off"
    assert run.state("switch.school_1st_gymnasium_lighting").state == "on"
    energy = run.value("sensor.school_1st_gymnasium_energy")
    await run.advance(3600)
    assert run.value("sensor.school_1st_gymnasium_energy") > energy


async def test_the_school_stays_empty_at_the_weekend(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-01-17T00:00:00+02:00"))
    await run.advance(DAY)
    for entity_id in (
        "binary_sensor.school_1st_gymnasium_occupancy",
        "switch.school_1st_gymnasium_heating",
        "switch.school_1st_gymnasium_lighting",
    ):
        assert run.changes_of(entity_id) == [], entity_id
        assert run.state(entity_id).state == "off"


async def test_switching_the_school_lighting_off_shows_on_its_meter(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-01-15T15:30:00+02:00"))
    lit = run.value("sensor.school_1st_gymnasium_power")
    await run.call("switch.turn_off", "switch.school_1st_gymnasium_lighting")
    assert run.state("switch.school_1st_gymnasium_lighting").state == "off"
    assert run.value("sensor.school_1st_gymnasium_power") < lit - 5000


async def test_residents_sensors_follow_their_routine(start_demo: StartDemo) -> None:
    run = await start_demo(QUIET)
    home = run.district.homes["r01"]
    plan = list(home.plan)
    await run.advance(DAY)

    leave = next(e.at for e in plan if e.what == "leave")
    back = next(e.at for e in plan if e.what == "return")
    wake = next(e.at for e in plan if e.what == "wake")
    door_opened = run.moments("binary_sensor.resident_r01_door", "on")
    assert leave in door_opened and back in door_opened
    moved = run.moments("binary_sensor.resident_r01_motion", "on")
    assert not [t for t in moved if leave + timedelta(minutes=2) < t < back]
    awake_moves = [t for t in moved if wake <= t < leave]
    assert len(awake_moves) >= 2
    temperatures = [float(s.state) for s in run.changes_of("sensor.resident_r01_temperature")]
    assert 16.0 < min(temperatures) < max(temperatures) < 23.0


async def test_the_staged_incidents_fire_a_few_minutes_after_the_start(
    start_demo: StartDemo,
) -> None:
    run = await start_demo({"float_switches": False})
    presses: list[Event] = []
    incidents: list[Event] = []
    run.hub.bus.listen("sos_pressed", presses.append)
    run.hub.bus.listen("demo_incident", incidents.append)

    await run.advance(181)
    assert run.state("binary_sensor.resident_r01_sos").state == "on"
    assert [e.data["resident"] for e in presses] == ["r01"]
    await run.advance(15)
    assert run.state("binary_sensor.resident_r01_sos").state == "off"

    before = run.value("sensor.tank_north_level")
    await run.advance(900)
    assert [e.data["kind"] for e in incidents] == ["sos", "tank_leak"]
    assert before - run.value("sensor.tank_north_level") > 0.15
    await run.advance(1800)
    assert incidents[-1].data["kind"] == "tank_leak_repaired"


async def test_a_bad_demo_section_fails_setup_with_a_readable_reason() -> None:
    hub = Hub(clock=SimulatedClock(datetime.fromisoformat("2026-01-15T00:00:00+02:00")),
              integration_configs={"demo": {"lamps": 3}})  # fmt: skip
    await hub.start()
    try:
        assert "demo" in hub.failed_integrations
        assert "extra" in hub.failed_integrations["demo"].lower()
        assert hub.states.entity_ids() == []
    finally:
        await hub.stop()


async def test_stopping_the_hub_removes_the_district_and_its_timers(
    start_demo: StartDemo,
) -> None:
    run = await start_demo()
    await run.call("light.turn_on", "light.dimokratias_01", brightness=10, transition=60)
    await run.advance(30)
    await run.hub.stop()
    assert run.hub.states.entity_ids() == []
    assert run.clock.pending() == 0


async def test_the_timetable_keeps_local_time_across_the_spring_clock_change(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-03-29T00:00:00+02:00"))
    occupancy = "binary_sensor.school_1st_gymnasium_occupancy"
    await run.clock.advance_to(datetime.fromisoformat("2026-03-30T07:44:00+03:00"))
    assert run.state(occupancy).state == "off"
    await run.advance(120)
    assert run.state(occupancy).state == "on"
    assert run.moments(occupancy, "on") == [datetime.fromisoformat("2026-03-30T07:45:00+03:00")]


async def test_a_lamp_turned_on_again_comes_back_at_its_last_level(
    start_demo: StartDemo,
) -> None:
    run = await start_demo(QUIET, at=datetime.fromisoformat("2026-01-15T12:00:00+02:00"))
    lamp = "light.eleftheriou_venizelou_05"
    assert run.state(lamp).state == "off"
    await run.call("light.turn_on", lamp, brightness=80)
    await run.call("light.turn_off", lamp)
    await run.call("light.turn_on", lamp)
    assert run.state(lamp).attributes["brightness"] == 80
    await run.call("light.turn_on", lamp, brightness=0)
    assert run.state(lamp).state == "off"
    await run.call("light.toggle", lamp)
    assert run.state(lamp).state == "on"
