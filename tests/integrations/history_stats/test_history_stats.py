"""history_stats: run hours, ratio and count over template periods, from history after a
restart plus live states, on simulated time; configuration errors."""

from __future__ import annotations

from datetime import datetime

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
history_stats:
  - name: Pump run hours today
    entity_id: switch.pump_1
    state: on
    type: time
    start: "{{ today_at() }}"
    end: "{{ now() }}"
  - name: Pump running share today
    entity_id: switch.pump_1
    state: "on"
    type: ratio
    start: "{{ today_at() }}"
    duration: { hours: 24 }
  - name: Pump starts last hour
    entity_id: switch.pump_1
    state: ["on"]
    type: count
    end: "{{ now() }}"
    duration: "01:00:00"
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def figure(hub: Hub, name: str) -> str:
    state = hub.states.get(f"sensor.{name}")
    assert state is not None
    return state.state


async def switch(hub: Hub, clock: SimulatedClock, state: str, after: float) -> None:
    await clock.advance(after)
    hub.states.set("switch.pump_1", state)


async def test_run_hours_ratio_and_starts(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T06:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False, states={"switch.pump_1": "off"})
    assert figure(hub, "pump_run_hours_today") == "0.0"
    await switch(hub, clock, "on", 0)
    await switch(hub, clock, "off", 90 * 60)
    await switch(hub, clock, "on", 30 * 60)
    await clock.advance(30 * 60)  # 08:30: on 06:00-07:30 and 08:00-08:30
    assert figure(hub, "pump_run_hours_today") == "2.0"
    assert figure(hub, "pump_starts_last_hour") == "1"  # started at 08:00
    state = hub.states.get("sensor.pump_running_share_today")
    assert state is not None
    assert state.state == "8.3" and state.attributes["unit_of_measurement"] == "%"
    hours = hub.states.get("sensor.pump_run_hours_today")
    assert hours is not None and hours.attributes["unit_of_measurement"] == "h"


async def test_a_new_day_starts_from_zero_with_the_state_in_force(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T23:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, recorder=False, states={"switch.pump_1": "on"})
    await clock.advance_to(at("2026-01-16T00:00:00+02:00"))
    assert figure(hub, "pump_run_hours_today") == "0.0"
    await clock.advance_to(at("2026-01-16T00:30:00+02:00"))
    assert figure(hub, "pump_run_hours_today") == "0.5"
    assert figure(hub, "pump_starts_last_hour") == "1"  # on at the window's start


async def test_the_day_so_far_comes_from_history_after_a_restart(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-15T06:00:00+02:00"))
    hub = await hubs.start(CONFIG, clock=clock, states={"switch.pump_1": "off"})
    await switch(hub, clock, "on", 3600)
    await switch(hub, clock, "off", 3600)  # on 07:00-08:00
    await clock.advance(600)
    hub = await hubs.restart(hub, downtime=1800)
    assert figure(hub, "pump_run_hours_today") == "1.0"
    assert isinstance(hub.clock, SimulatedClock)
    hub.states.set("switch.pump_1", "on")  # the pump reports after the restart
    await hub.clock.advance(1800)
    assert figure(hub, "pump_run_hours_today") == "1.5"


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
history_stats:
  - name: Three
    entity_id: switch.pump_1
    state: "on"
    start: "{{ today_at() }}"
    end: "{{ now() }}"
    duration: 3600
  - name: Broken
    entity_id: switch.pump_1
    state: "on"
    type: hours
    start: "{{ today_at( }}"
    end: "{{ now() }}"
"""
    )
    assert hubs.problem_at(problems, "start: \"{{ today_at() }}\"", "exactly two of start, end")
    assert hubs.problem_at(problems, "type: hours", "'time', 'ratio' or 'count'"), problems
    assert hubs.problem_at(problems, "today_at( }}", "template syntax error"), problems
