from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.core.states import InvalidEntityId, State, StateRemoved, valid_entity_id
from kozani_hub.hub import Hub


async def test_set_fires_state_changed_with_old_and_new(hub: Hub) -> None:
    events: list[Event] = []
    hub.bus.listen(EVENT_STATE_CHANGED, events.append)
    hub.states.set("sensor.tank_north_level", 2.5, {"unit_of_measurement": "m"})
    hub.states.set("sensor.tank_north_level", 2.4, {"unit_of_measurement": "m"})
    assert [e.data["new_state"].state for e in events] == ["2.5", "2.4"]
    assert events[0].data["old_state"] is None
    assert events[1].data["old_state"].state == "2.5"


async def test_state_is_immutable(hub: Hub) -> None:
    state = hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    with pytest.raises(AttributeError):
        state.state = "off"  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.attributes["brightness"] = 1  # type: ignore[index]


async def test_last_changed_moves_only_when_the_state_string_changes(
    hub: Hub, clock: SimulatedClock
) -> None:
    first = hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    await clock.advance(60)
    second = hub.states.set("light.dimokratias_01", "on", {"brightness": 64})
    assert second.last_changed == first.last_changed
    assert second.last_updated == clock.now()
    await clock.advance(60)
    third = hub.states.set("light.dimokratias_01", "off")
    assert third.last_changed == clock.now()


async def test_identical_set_is_not_an_event_unless_forced(hub: Hub) -> None:
    events: list[Event] = []
    hub.bus.listen(EVENT_STATE_CHANGED, events.append)
    hub.states.set("switch.pump_north_1", "on")
    hub.states.set("switch.pump_north_1", "on")
    assert len(events) == 1
    hub.states.set("switch.pump_north_1", "on", force_update=True)
    assert len(events) == 2


async def test_track_reaches_only_listeners_of_that_entity(hub: Hub) -> None:
    north: list[str] = []
    south: list[str] = []
    unsub = hub.states.track(["sensor.north"], lambda e: north.append(e.data["new_state"].state))
    hub.states.track(["sensor.south"], lambda e: south.append(e.data["new_state"].state))
    hub.states.set("sensor.north", 1)
    hub.states.set("sensor.south", 2)
    unsub()
    hub.states.set("sensor.north", 3)
    assert north == ["1"]
    assert south == ["2"]


async def test_each_tracking_is_undone_on_its_own(hub: Hub) -> None:
    heard: list[str] = []

    def listener(event: Event) -> None:
        heard.append(event.data["entity_id"])

    first = hub.states.track(("sensor.a",), listener)
    second = hub.states.track(["sensor.a", "sensor.b", "sensor.a"], listener)
    hub.states.set("sensor.a", 1)
    hub.states.set("sensor.b", 1)
    assert heard == ["sensor.a", "sensor.a", "sensor.b"]  # tracked twice, heard twice
    first()
    first()  # a second call changes nothing
    hub.states.set("sensor.a", 2)
    assert heard[3:] == ["sensor.a"]
    second()
    hub.states.set("sensor.a", 3)
    hub.states.set("sensor.b", 3)
    assert heard[4:] == []


async def test_a_listener_may_stop_tracking_while_it_is_called(hub: Hub) -> None:
    heard: list[str] = []
    undo: list[Callable[[], None]] = []

    def once(event: Event) -> None:
        heard.append("once")
        undo[0]()

    undo.append(hub.states.track(["sensor.a"], once))
    hub.states.track(["sensor.a"], lambda e: heard.append("always"))
    hub.states.set("sensor.a", 1)
    hub.states.set("sensor.a", 2)
    assert heard == ["once", "always", "always"]


@pytest.mark.parametrize(
    "entity_id",
    [
        "Light.x",
        "light",
        "light.",
        ".x",
        "light.x__y",
        "light._x",
        "light.x_",
        "light.x-y",
        "light.x.y",
    ],
)
async def test_invalid_entity_ids_are_refused_with_an_explanation(hub: Hub, entity_id: str) -> None:
    assert not valid_entity_id(entity_id)
    with pytest.raises(InvalidEntityId, match=r"domain\.object_id"):
        hub.states.set(entity_id, "on")


async def test_values_become_home_assistant_state_strings(hub: Hub) -> None:
    assert hub.states.set("sensor.a", None).state == "unknown"
    assert hub.states.set("binary_sensor.b", True).state == "on"
    assert hub.states.set("sensor.c", 21.5).state == "21.5"
    with pytest.raises(ValueError, match="255"):
        hub.states.set("sensor.d", "x" * 300)


async def test_queries_and_removal(hub: Hub) -> None:
    hub.states.set("light.a", "on")
    hub.states.set("light.b", "off")
    hub.states.set("switch.c", "on")
    assert sorted(hub.states.entity_ids("light")) == ["light.a", "light.b"]
    assert [s.entity_id for s in hub.states.all("switch")] == ["switch.c"]
    assert hub.states.remove("light.a")
    assert hub.states.get("light.a") is None
    assert not hub.states.remove("light.a")


async def test_restore_keeps_saved_timestamps(hub: Hub, clock: SimulatedClock) -> None:
    saved = State(
        "input_boolean.night_mode", "on", last_changed=clock.now(), last_updated=clock.now()
    )
    await clock.advance(3600)
    hub.states.restore(saved)
    got = hub.states.get("input_boolean.night_mode")
    assert got is not None and got.last_changed == saved.last_changed


class _Journal:
    def __init__(self, maxsize: int) -> None:
        self.items: deque[Any] = deque()
        self.maxsize = maxsize
        self.overflowed: list[Any] = []

    def overflow(self, item: Any) -> None:
        self.overflowed.append(item)


async def test_the_journal_gets_every_change_in_order(hub: Hub, clock: SimulatedClock) -> None:
    journal = _Journal(maxsize=10)
    stop = hub.states.journal_to(journal)
    hub.states.set("sensor.tank_level", 40)
    hub.states.set("sensor.tank_level", 40)  # no change: nothing journaled
    hub.states.set("sensor.tank_level", 41, {"unit_of_measurement": "%"})
    hub.states.remove("sensor.tank_level")
    hub.states.set("light.lamp_1", "on", context=Context(origin="restore"))  # recorded before
    hub.states.restore(State("light.lamp_2", "off", last_updated=clock.now()))
    stop()
    hub.states.set("sensor.tank_level", 42)  # after stop: not journaled
    items = list(journal.items)
    assert [(s.entity_id, s.state) for s in items[:2]] == [
        ("sensor.tank_level", "40"),
        ("sensor.tank_level", "41"),
    ]
    assert items[2] == StateRemoved("sensor.tank_level", clock.now())
    assert len(items) == 3


async def test_a_full_journal_hands_the_overflow_back(hub: Hub) -> None:
    journal = _Journal(maxsize=2)
    hub.states.journal_to(journal)
    for value in range(5):
        hub.states.set("sensor.flow", value)
    assert [s.state for s in journal.items] == ["0", "1"]
    assert [s.state for s in journal.overflowed] == ["2", "3", "4"]
    assert hub.states.get("sensor.flow").state == "4"  # the state machine itself goes on


async def test_one_journal_at_a_time(hub: Hub) -> None:
    hub.states.journal_to(_Journal(maxsize=1))
    with pytest.raises(RuntimeError, match="already has a journal"):
        hub.states.journal_to(_Journal(maxsize=1))
