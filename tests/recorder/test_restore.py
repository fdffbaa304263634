"""What a restart must not forget: pending items, saved states, the previous run."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.core.states import State
from kozani_hub.recorder import NotSerialisable, PendingItem
from tests.recorder.conftest import START, StartHub, crash


def committed_keys(path: Path) -> list[tuple[str, str]]:
    """What another process would read from the file right now."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT kind, key FROM pending ORDER BY kind, key").fetchall()
    finally:
        conn.close()


async def test_a_put_is_on_disk_when_it_completes(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    _, recorder = await start_hub(clock)
    await recorder.store.put("rule_for", "night_dim/0", {"entity_id": "sensor.x"}, due=START)
    assert committed_keys(recorder.path) == [("rule_for", "night_dim/0")]
    await recorder.store.delete("rule_for", "night_dim/0")
    assert committed_keys(recorder.path) == []


async def test_pending_items_survive_a_crash_with_their_values(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock)
    hub.states.set("sensor.tank_3_level", 0.4, {"unit_of_measurement": "m"})
    trigger_state = hub.states.get("sensor.tank_3_level")
    due = START + timedelta(minutes=30)
    payload = {
        "step": [2, "delay"],
        "variables": {
            "trigger": {"to_state": trigger_state, "now": START, "for": timedelta(minutes=10)},
            "pumps": ("switch.pump_1", "switch.pump_2"),
            "context": Context(origin="rule"),
        },
    }
    # Not awaited: queued at once, so it is written all the same.
    recorder.store.put("rule_wait", "tank_low/run-7", payload, due=due)
    await crash(hub, recorder)

    _, recorder = await start_hub(clock)
    (item,) = recorder.restored.pending
    assert (item.kind, item.key, item.due) == ("rule_wait", "tank_low/run-7", due)
    variables = item.payload["variables"]
    assert variables["trigger"]["to_state"] == trigger_state
    assert variables["trigger"]["now"] == START
    assert variables["trigger"]["for"] == timedelta(minutes=10)
    assert variables["pumps"] == ["switch.pump_1", "switch.pump_2"]
    assert variables["context"] == payload["variables"]["context"]  # type: ignore[index]
    previous = recorder.restored.previous_run
    assert previous is not None and not previous.clean
    assert previous.last_alive == START


async def test_replace_makes_a_kind_exactly_what_is_given(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    _, recorder = await start_hub(clock)
    store = recorder.store
    await store.put_many(
        [
            PendingItem("rule_for", "a", {}),
            PendingItem("rule_for", "b", {}),
            PendingItem("alert", "tank_low", {"state": "active"}),
        ]
    )
    await store.replace("rule_for", [PendingItem("rule_for", "c", {"n": 1})])
    assert committed_keys(recorder.path) == [("alert", "tank_low"), ("rule_for", "c")]
    assert [i.payload for i in await store.items("rule_for")] == [{"n": 1}]


async def test_a_value_that_cannot_be_saved_is_refused_with_its_path(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    _, recorder = await start_hub(clock)
    with pytest.raises(NotSerialisable) as caught:
        recorder.store.put("rule_wait", "r", {"variables": {"socket": object()}})
    assert "variables.socket holds a object" in str(caught.value)


async def test_a_clean_stop_is_remembered(start_hub: StartHub, clock: SimulatedClock) -> None:
    hub, _ = await start_hub(clock)
    await clock.advance(90)
    await hub.stop()
    await clock.advance(600)
    _, recorder = await start_hub(clock)
    previous = recorder.restored.previous_run
    assert previous is not None and previous.clean
    assert previous.ended == START + timedelta(seconds=90)


async def test_states_without_a_device_come_back(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock, exclude={"domains": ["input_boolean"]})
    hub.states.set("input_boolean.holiday_mode", "on", {"friendly_name": "Holiday mode"})
    hub.states.set("automation.night_dim", "off", {"last_triggered": "2026-01-14T23:00:00+00:00"})
    hub.states.set("sensor.tank_level", 1.2)
    await clock.advance(60)
    await crash(hub, recorder)
    await clock.advance(3600)

    hub, recorder = await start_hub(
        clock,
        # The helper integration came up before the recorder, not knowing its state yet.
        before_start=lambda h: h.states.set("input_boolean.holiday_mode", None),
    )
    # Excluded from history, it is still restored: restore does not depend on history.
    restored = hub.states.get("input_boolean.holiday_mode")
    assert restored is not None
    assert (restored.state, restored.attributes["friendly_name"]) == ("on", "Holiday mode")
    assert restored.last_changed == START
    assert restored.context.origin == "restore"
    # A rule's state is there for the rules engine to ask for; no state is made up for it.
    saved = recorder.last_state("automation.night_dim")
    assert isinstance(saved, State) and saved.state == "off"
    assert saved.attributes["last_triggered"] == "2026-01-14T23:00:00+00:00"
    assert hub.states.get("automation.night_dim") is None
    # Sensors have a device to ask.
    assert recorder.last_state("sensor.tank_level") is None


async def test_write_now_commits_before_returning(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    _, recorder = await start_hub(clock)

    def write(conn: sqlite3.Connection) -> int:
        conn.execute(
            "INSERT INTO pending (kind, key, payload, updated_ts) VALUES ('outbox', '1', '{}', 0)"
        )
        return 42

    assert await recorder.write_now(write) == 42
    assert committed_keys(recorder.path) == [("outbox", "1")]

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO pending (kind, key, payload, updated_ts) VALUES ('outbox', '2', '{}', 0)"
        )
        raise ValueError("the notifier's data is wrong")

    with pytest.raises(ValueError, match="notifier"):
        await recorder.write_now(broken)
    assert committed_keys(recorder.path) == [("outbox", "1")]  # undone


async def test_the_last_saved_state_wins_even_around_a_durable_write(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock)
    # All in one turn of the loop, so one batch for the writer, with a durable write inside.
    hub.states.set("input_number.boiler_setpoint", "20")
    recorder.store.put("rule_for", "x", {})
    hub.states.set("input_number.boiler_setpoint", "21")
    await crash(hub, recorder)
    _, recorder = await start_hub(clock)
    saved = recorder.last_state("input_number.boiler_setpoint")
    assert saved is not None and saved.state == "21"
