"""schedule: weekly blocks in local time, next_event, block data, DST, get_schedule, errors."""

from __future__ import annotations

from datetime import datetime

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
schedule:
  school_heating:
    name: School heating hours
    monday:
      - from: "06:30:00"
        to: "15:00:00"
        data: { setpoint: 21 }
      - { from: "17:00", to: "19:00" }
    tuesday:
      - { from: "06:30", to: "15:00" }
    saturday:
      - { from: "20:00", to: "24:00:00" }
    sunday:
      - { from: "00:00", to: "02:00" }
      - { from: "03:30", to: "05:00" }
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def view(hub: Hub) -> tuple[str, dict[str, object]]:
    state = hub.states.get("schedule.school_heating")
    assert state is not None
    return state.state, dict(state.attributes)


async def test_a_week_of_blocks_with_next_event_and_data(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-01-12T05:00:00+02:00"))  # a Monday
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    state, attrs = view(hub)
    assert state == "off" and attrs["next_event"] == "2026-01-12T06:30:00+02:00"
    await clock.advance_to(at("2026-01-12T06:30:00+02:00"))
    state, attrs = view(hub)
    assert state == "on" and attrs["setpoint"] == 21
    assert attrs["next_event"] == "2026-01-12T15:00:00+02:00"
    await clock.advance_to(at("2026-01-12T17:30:00+02:00"))
    state, attrs = view(hub)
    assert state == "on" and "setpoint" not in attrs
    await clock.advance_to(at("2026-01-12T19:00:00+02:00"))
    assert view(hub)[0] == "off"
    assert view(hub)[1]["next_event"] == "2026-01-13T06:30:00+02:00"
    # Saturday 20:00 runs through midnight into Sunday's block: on without a gap
    await clock.advance_to(at("2026-01-17T23:59:59+02:00"))
    assert view(hub)[0] == "on"
    await clock.advance_to(at("2026-01-18T01:00:00+02:00"))
    assert view(hub)[0] == "on"
    await clock.advance_to(at("2026-01-18T02:00:00+02:00"))
    assert view(hub)[0] == "off"


async def test_blocks_follow_local_time_across_the_spring_change(hubs: HelperHubs) -> None:
    clock = SimulatedClock(at("2026-03-27T12:00:00+02:00"))  # Friday before the change
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    await clock.advance_to(at("2026-03-30T06:29:00+03:00"))  # Monday, summer time
    assert view(hub)[0] == "off"
    assert view(hub)[1]["next_event"] == "2026-03-30T06:30:00+03:00"
    await clock.advance(60)
    assert view(hub)[0] == "on"


async def test_get_schedule_answers_the_blocks(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    answer = await hub.services.call(
        "schedule", "get_schedule", target={"entity_id": "schedule.school_heating"}
    )
    week = answer["schedule.school_heating"]
    assert week["monday"][0] == {"from": "06:30:00", "to": "15:00:00", "data": {"setpoint": 21}}
    assert week["saturday"] == [{"from": "20:00:00", "to": "24:00:00"}]
    assert week["wednesday"] == []


def test_overlaps_and_backward_blocks_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
schedule:
  overlapping:
    monday:
      - { from: "08:00", to: "12:00" }
      - { from: "11:00", to: "13:00" }
  backwards:
    tuesday:
      - { from: "18:00", to: "08:00" }
    funday:
      - { from: "08:00", to: "09:00" }
"""
    )
    assert hubs.problem_at(problems, '"11:00"', "the block from 11:00:00 overlaps"), problems
    assert hubs.problem_at(problems, '"18:00"', "must end after it starts"), problems
    assert hubs.problem_at(problems, "funday", "unknown key 'funday'"), problems
