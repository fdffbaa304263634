from __future__ import annotations

import logging

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.events import EVENT_HUB_STARTED, EVENT_HUB_STOP, Event
from kozani_hub.hub import Hub
from kozani_hub.integration import IntegrationError, load
from tests.core.fakes.recording import Journal

REGISTRY = {
    "recording": "tests.core.fakes.recording",
    "dependent": "tests.core.fakes.dependent",
    "broken": "tests.core.fakes.broken",
    "bogus": "tests.core.fakes",  # a package without the contract
}


def make_hub(clock: SimulatedClock, configs: dict[str, object]) -> Hub:
    return Hub(clock=clock, integration_configs=configs, integration_registry=REGISTRY)


async def test_dependencies_first_and_stop_in_reverse(clock: SimulatedClock) -> None:
    journal = Journal()
    # `dependent` is listed first but needs `recording`.
    hub = make_hub(
        clock,
        {"dependent": {"journal": journal, "name": "dep"}, "recording": {"journal": journal}},
    )
    events: list[Event] = []
    hub.bus.listen(EVENT_HUB_STARTED, events.append)
    hub.bus.listen(EVENT_HUB_STOP, events.append)
    await hub.start()
    assert journal.lines == ["setup recording", "setup dep"]
    assert hub.running
    await hub.stop()
    assert journal.lines[2:] == ["stop dep", "stop recording"]
    assert [e.event_type for e in events] == [EVENT_HUB_STARTED, EVENT_HUB_STOP]


async def test_failing_integration_is_reported_and_the_hub_runs_on(
    clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal()
    hub = make_hub(
        clock,
        {"broken": {}, "recording": {"journal": journal}, "nosuch": {}, "bogus": {}},
    )
    with caplog.at_level(logging.ERROR):
        await hub.start()
    assert hub.running
    assert "recording" in hub.integrations
    assert "gateway 127.0.0.1:1502 refused" in hub.failed_integrations["broken"]
    assert "no integration named 'nosuch'" in hub.failed_integrations["nosuch"]
    assert "lacks DOMAIN" in hub.failed_integrations["bogus"]
    assert "Integration broken failed to set up" in caplog.text
    assert "the hub runs on without it" in caplog.text
    await hub.stop()


async def test_dependents_of_a_failed_integration_are_skipped_with_the_reason(
    clock: SimulatedClock,
) -> None:
    hub = make_hub(
        clock, {"dependent": {"journal": Journal()}, "recording": {"journal": "not a journal"}}
    )
    await hub.start()
    assert "invalid configuration" in hub.failed_integrations["recording"]
    assert "needs recording" in hub.failed_integrations["dependent"]
    await hub.stop()


async def test_a_dependency_that_is_not_configured_is_named(clock: SimulatedClock) -> None:
    hub = make_hub(clock, {"dependent": {"journal": Journal()}})
    await hub.start()
    assert "depends on 'recording', which is not configured" in hub.failed_integrations["dependent"]
    await hub.stop()


async def test_stop_cancels_tasks_left_running(clock: SimulatedClock) -> None:
    hub = Hub(clock=clock)
    await hub.start()
    task = hub.create_task(clock.sleep(3600), name="long wait")
    assert hub.pending_tasks == 1
    await hub.stop()
    assert task.cancelled()
    assert hub.pending_tasks == 0


def test_builtin_integrations_are_found_through_entry_points() -> None:
    demo = load("demo")
    assert demo.domain == "demo"
    with pytest.raises(IntegrationError, match=r"installed: .*demo"):
        load("zigbee2mqtt")


async def test_hub_time_is_local(clock: SimulatedClock) -> None:
    hub = Hub(clock=clock)
    assert hub.now().utcoffset() is not None
    assert str(hub.now().tzinfo) == "Europe/Athens"
