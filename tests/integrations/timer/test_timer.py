"""timer: the countdown on simulated time, its services and events, restore after restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import Event
from kozani_hub.core.services import ServiceError
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import START, HelperHubs

CONFIG = """
timer:
  cooldown:
    name: Pump 1 cool-down
    duration: "00:10:00"
  hold:
    duration: 90
    restore: false
"""
COOLDOWN = {"entity_id": "timer.cooldown"}


def iso(moment: datetime) -> str:
    """An instant as timer attributes and events give it: in UTC, as Home Assistant does."""
    return moment.astimezone(UTC).isoformat()


def events_of(hub: Hub) -> list[Event]:
    seen: list[Event] = []
    hub.bus.listen("*", lambda e: seen.append(e) if e.event_type.startswith("timer.") else None)
    return seen


def status(hub: Hub, entity_id: str = "timer.cooldown") -> tuple[str, dict[str, object]]:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state, dict(state.attributes)


async def test_runs_its_duration_and_fires_finished(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    seen = events_of(hub)
    assert status(hub)[0] == "idle"
    await hub.services.call("timer", "start", target=COOLDOWN)
    state, attrs = status(hub)
    assert state == "active"
    assert attrs["finishes_at"] == iso(START + timedelta(minutes=10))
    assert attrs["duration"] == "0:10:00" and attrs["remaining"] == "0:10:00"
    await clock.advance(599)
    assert status(hub)[0] == "active"
    await clock.advance(1)
    assert status(hub)[0] == "idle"
    assert [e.event_type for e in seen] == ["timer.started", "timer.finished"]
    assert seen[1].data == {
        "entity_id": "timer.cooldown",
        "finished_at": iso(START + timedelta(minutes=10)),
    }


async def test_pause_resume_change_and_cancel(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    seen = events_of(hub)
    await hub.services.call("timer", "start", {"duration": "00:05:00"}, target=COOLDOWN)
    await clock.advance(60)
    await hub.services.call("timer", "pause", target=COOLDOWN)
    state, attrs = status(hub)
    assert state == "paused" and attrs["remaining"] == "0:04:00" and "finishes_at" not in attrs
    await clock.advance(3600)
    await hub.services.call("timer", "start", target=COOLDOWN)  # resumes with what was left
    await hub.services.call("timer", "change", {"duration": "-00:01:00"}, target=COOLDOWN)
    assert status(hub)[1]["finishes_at"] == iso(clock.now() + timedelta(minutes=3))
    with pytest.raises(ServiceError, match="cannot add 0:03:00: 0:03:00 is left of a 0:05:00"):
        await hub.services.call("timer", "change", {"duration": 180}, target=COOLDOWN)
    await clock.advance(60)
    await hub.services.call("timer", "cancel", target=COOLDOWN)
    assert status(hub) == ("idle", {"duration": "0:10:00", "editable": False, "restore": True,
                                    "friendly_name": "Pump 1 cool-down"})
    await clock.advance(600)
    assert [e.event_type for e in seen] == [
        "timer.started", "timer.paused", "timer.restarted", "timer.changed", "timer.cancelled",
    ]


async def test_finish_ends_it_early_and_start_again_restarts(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock, recorder=False)
    seen = events_of(hub)
    target = {"entity_id": "timer.hold"}
    await hub.services.call("timer", "start", target=target)
    await clock.advance(60)
    await hub.services.call("timer", "start", target=target)
    await clock.advance(60)
    assert status(hub, "timer.hold")[0] == "active"  # 90 s again from the second start
    await hub.services.call("timer", "finish", target=target)
    await clock.advance(600)
    assert [e.event_type for e in seen] == ["timer.started", "timer.restarted", "timer.finished"]


async def test_a_running_timer_keeps_its_finish_time_across_a_restart(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock)
    await hub.services.call("timer", "start", target=COOLDOWN)
    await hub.services.call("timer", "start", target={"entity_id": "timer.hold"})
    finishes_at = status(hub)[1]["finishes_at"]
    hub = await hubs.restart(hub, downtime=240)
    seen = events_of(hub)
    assert status(hub)[0] == "active" and status(hub)[1]["finishes_at"] == finishes_at
    assert status(hub, "timer.hold")[0] == "idle"  # restore: false
    assert isinstance(hub.clock, SimulatedClock)
    await hub.clock.advance(359)
    assert status(hub)[0] == "active"
    await hub.clock.advance(1)
    assert status(hub)[0] == "idle"
    assert [e.event_type for e in seen] == ["timer.finished"]


async def test_a_timer_due_while_down_finishes_at_start_for_rules_to_hear(
    hubs: HelperHubs,
) -> None:
    hub = await hubs.start(CONFIG, clock=SimulatedClock(START))
    await hub.services.call("timer", "start", target=COOLDOWN)
    await hub.services.call("timer", "start", {"duration": 30}, target={"entity_id": "timer.hold"})
    order: list[str] = []

    def listen(new_hub: Hub) -> None:
        new_hub.bus.listen("hub_started", lambda e: order.append("hub_started"))
        new_hub.bus.listen("timer.finished", lambda e: order.append(e.data["finished_at"]))

    hub = await hubs.restart(hub, downtime=3600, before_start=listen)
    assert order == ["hub_started", iso(START + timedelta(minutes=10))]
    assert status(hub)[0] == "idle"


async def test_a_paused_timer_stays_paused_across_a_restart(hubs: HelperHubs) -> None:
    clock = SimulatedClock(START)
    hub = await hubs.start(CONFIG, clock=clock)
    await hub.services.call("timer", "start", target=COOLDOWN)
    await clock.advance(150)
    await hub.services.call("timer", "pause", target=COOLDOWN)
    hub = await hubs.restart(hub, downtime=7200)
    assert status(hub)[0] == "paused" and status(hub)[1]["remaining"] == "0:07:30"


def test_bad_durations_are_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
timer:
  negative:
    duration: "-00:05:00"
  words:
    duration: five minutes
"""
    )
    assert hubs.problem_at(problems, "-00:05:00", "a duration cannot be negative"), problems
    assert hubs.problem_at(problems, "five minutes", 'expected a duration such as "00:05:00"')
