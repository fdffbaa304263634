from __future__ import annotations

import logging

import pytest

from kozani_hub.core.context import Context
from kozani_hub.core.events import MATCH_ALL, Event
from kozani_hub.hub import Hub


async def test_listeners_get_their_event_type_only(hub: Hub) -> None:
    seen: list[str] = []
    hub.bus.listen("sos_pressed", lambda e: seen.append(e.data["resident"]))
    hub.bus.fire("door_opened", {"resident": "r01"})
    hub.bus.fire("sos_pressed", {"resident": "r12"})
    assert seen == ["r12"]


async def test_unsubscribe_stops_delivery(hub: Hub) -> None:
    seen: list[Event] = []
    unsub = hub.bus.listen("x", seen.append)
    hub.bus.fire("x")
    unsub()
    unsub()  # a second call is harmless
    hub.bus.fire("x")
    assert len(seen) == 1


async def test_match_all_and_listen_once(hub: Hub) -> None:
    everything: list[str] = []
    once: list[str] = []
    hub.bus.listen(MATCH_ALL, lambda e: everything.append(e.event_type))
    hub.bus.listen_once("a", lambda e: once.append(e.event_type))
    hub.bus.fire("a")
    hub.bus.fire("a")
    hub.bus.fire("b")
    assert everything == ["a", "a", "b"]
    assert once == ["a"]


async def test_failing_listener_is_logged_and_others_still_run(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    hub.bus.listen("x", broken)
    hub.bus.listen("x", lambda e: seen.append("ok"))
    with caplog.at_level(logging.ERROR):
        hub.bus.fire("x")
    assert seen == ["ok"]
    assert "boom" in caplog.text


async def test_event_carries_time_and_context(hub: Hub) -> None:
    ctx = Context(origin="user", user="technician")
    event = hub.bus.fire("x", {"a": 1}, ctx)
    assert event.time_fired == hub.clock.now()
    assert event.context is ctx
    assert event.as_dict()["context"]["user"] == "technician"
    child = ctx.child()
    assert child.parent_id == ctx.id and child.origin == "rule"
