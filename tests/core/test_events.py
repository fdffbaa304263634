from __future__ import annotations

import logging

import pytest

from kozani_hub.core.context import Context
from kozani_hub.core.events import MATCH_ALL, MAX_ROUTES, Event
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


async def test_a_listener_of_all_events_can_leave_some_out(hub: Hub) -> None:
    heard: list[str] = []
    hub.bus.listen(
        MATCH_ALL,
        lambda e: heard.append(f"{e.event_type}/{e.context.origin}"),
        skip_types={"time_tick"},
        skip_origins={"call_service": {"rule"}},
    )
    hub.bus.fire("time_tick")
    hub.bus.fire("call_service", context=Context(origin="rule"))
    hub.bus.fire("call_service", context=Context(origin="user"))
    hub.bus.fire("sos_pressed", context=Context(origin="rule"))
    assert heard == ["call_service/user", "sos_pressed/rule"]


async def test_wants_says_whether_an_event_would_be_heard(hub: Hub) -> None:
    bus = hub.bus
    assert not bus.wants("call_service")
    undo = bus.listen(MATCH_ALL, lambda e: None, skip_origins={"call_service": {"rule"}})
    assert bus.wants("call_service")  # origin not given: someone hears some of them
    assert not bus.wants("call_service", "rule")  # so a rule's call need not be built
    assert bus.wants("call_service", "user")
    own = bus.listen("call_service", lambda e: None)
    assert bus.wants("call_service", "rule")  # a listener of its own hears every origin
    own()
    undo()
    assert not bus.wants("call_service", "user")
    assert not bus.wants("anything")


async def test_listeners_of_a_type_come_before_listeners_of_all(hub: Hub) -> None:
    order: list[str] = []
    hub.bus.listen(MATCH_ALL, lambda e: order.append("all"))
    hub.bus.listen("door_opened", lambda e: order.append("door 1"))
    hub.bus.listen("door_opened", lambda e: order.append("door 2"))
    hub.bus.fire("door_opened")
    assert order == ["door 1", "door 2", "all"]


def test_skip_types_is_for_listeners_of_all_events(hub: Hub) -> None:
    with pytest.raises(ValueError, match="skip_types is for listeners of all event types"):
        hub.bus.listen("door_opened", lambda e: None, skip_types={"x"})


async def test_many_event_types_do_not_grow_the_bus_without_bound(hub: Hub) -> None:
    heard: list[str] = []
    hub.bus.listen(MATCH_ALL, lambda e: heard.append(e.event_type))
    for number in range(MAX_ROUTES + 10):
        hub.bus.fire(f"webhook_{number}")
    assert len(heard) == MAX_ROUTES + 10
    assert len(hub.bus._routes) <= MAX_ROUTES
