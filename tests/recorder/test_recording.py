"""States, events and rule runs reach the database, filtered as configured, cheaply."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, RuleRun
from tests.recorder.conftest import START, StartHub, crash


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_states_are_written_with_shared_attributes(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    for level in range(50):
        hub.states.set("sensor.tank_3_level", level / 10, {"unit_of_measurement": "m"})
        await clock.advance(10)
    await recorder.flush()

    history = await recorder.history.states(["sensor.tank_3_level"], START)
    assert [s.state for s in history["sensor.tank_3_level"]] == [str(i / 10) for i in range(50)]
    assert history["sensor.tank_3_level"][7].attributes == {"unit_of_measurement": "m"}
    assert history["sensor.tank_3_level"][7].last_updated == START + timedelta(seconds=70)
    # Fifty rows share one attribute row.
    assert rows(recorder.path, "SELECT COUNT(*) FROM state_attributes") == [(1,)]


async def test_the_database_is_in_wal_mode_in_the_config_dir(
    hub_and_recorder: tuple[Hub, Recorder], tmp_path: Path
) -> None:
    _, recorder = hub_and_recorder
    assert recorder.path == tmp_path / "kozani.db"
    assert rows(recorder.path, "PRAGMA journal_mode") == [("wal",)]
    assert recorder.status.on_disk


async def test_include_and_exclude(start_hub: StartHub, clock: SimulatedClock) -> None:
    hub, recorder = await start_hub(
        clock,
        include={"domains": ["sensor", "light"], "entities": ["switch.pump_2"]},
        exclude={"entity_globs": ["sensor.*_rssi"], "event_types": ["noisy"]},
    )
    for entity_id in (
        "sensor.tank_level",
        "sensor.lamp_7_rssi",
        "light.dimokratias_01",
        "switch.pump_1",
        "switch.pump_2",
    ):
        hub.states.set(entity_id, "1")
    hub.bus.fire("noisy", {"x": 1})
    hub.bus.fire("sos_pressed", {"resident": "r12"})
    await clock.advance(1)

    recorded = await recorder.history.states(
        [
            "sensor.tank_level",
            "sensor.lamp_7_rssi",
            "light.dimokratias_01",
            "switch.pump_1",
            "switch.pump_2",
        ],
        START,
    )
    assert sorted(recorded) == ["light.dimokratias_01", "sensor.tank_level", "switch.pump_2"]
    events = await recorder.history.events(START)
    assert [e.event_type for e in events if e.event_type in ("noisy", "sos_pressed")] == [
        "sos_pressed"
    ]
    assert events[-1].data == {"resident": "r12"}


async def test_rule_runs_are_kept(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    _hub, recorder = hub_and_recorder
    recorder.record_rule_run(
        RuleRun(
            run_id="r1",
            rule_id="dimokratias_midnight_dim",
            started=clock.now(),
            finished=clock.now() + timedelta(seconds=2),
            outcome="finished",
            trigger="time 00:00:00",
            summary={"actions": [{"action": "light.turn_on", "result": "ok"}]},
        )
    )
    runs = await recorder.history.rule_runs(START, START + timedelta(hours=1))
    assert [(r.rule_id, r.outcome) for r in runs] == [("dimokratias_midnight_dim", "finished")]
    assert runs[0].summary["actions"][0]["result"] == "ok"


async def test_a_full_queue_drops_with_one_warning(
    start_hub: StartHub, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    hub, recorder = await start_hub(clock, queue_max=100)
    longest = 0
    with caplog.at_level(logging.INFO, "kozani_hub.recorder"):
        # The loop does not yield here, so the writer cannot always keep up.
        for i in range(20_000):
            hub.states.set("sensor.flood", i)
            longest = max(longest, recorder.status.queued)
        await recorder.flush()
    status = recorder.status
    assert longest <= 100
    assert status.dropped > 0
    full = [r for r in caplog.records if "queue is full" in r.getMessage()]
    assert len(full) == 1
    assert "dropped from history" in full[0].getMessage()
    recorded = await recorder.history.states(["sensor.flood"], START, include_start=False)
    assert len(recorded["sensor.flood"]) + status.dropped == 20_000


async def record_calls_and_rule_entity(
    hub: Hub, recorder: Recorder, clock: SimulatedClock
) -> tuple[list[str], list[str]]:
    """Service calls by a rule and by a person, a rule firing, and its entity's updates;
    returns (recorded events as 'type/origin', recorded states of the rule entity)."""
    hub.services.register("switch", "turn_on", lambda call: None)
    attrs = {"last_triggered": None, "current": 0}
    hub.states.set("automation.pump_2_guard", "on", attrs)
    await hub.services.call("switch", "turn_on", context=Context(origin="rule"))
    await hub.services.call("switch", "turn_on", context=Context(origin="user"))
    hub.bus.fire("automation_triggered", {"entity_id": "automation.pump_2_guard"})
    hub.states.set("automation.pump_2_guard", "on", {**attrs, "current": 1})
    hub.states.set("automation.pump_2_guard", "off", {**attrs, "current": 0})
    await clock.advance(1)
    events = await recorder.history.events(START)
    history = await recorder.history.states(["automation.pump_2_guard"], START)
    return (
        [f"{e.event_type}/{e.context.origin}" for e in events if e.event_type != "hub_started"],
        [f"{s.state}/{s.attributes['current']}" for s in history["automation.pump_2_guard"]],
    )


async def test_what_a_rule_run_record_says_is_not_recorded_twice(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock)
    events, states = await record_calls_and_rule_entity(hub, recorder, clock)
    # A person's call is kept; a rule's call and its triggering are in the rule run record.
    assert events == ["call_service/user"]
    # The rule's on/off is kept; its attribute-only update (current: 1) is not.
    assert states == ["on/0", "off/0"]
    # What a restart needs is saved all the same.
    await crash(hub, recorder)
    _, recorder = await start_hub(clock)
    saved = recorder.last_state("automation.pump_2_guard")
    assert saved is not None and saved.state == "off"


async def test_rule_echoes_can_be_recorded(start_hub: StartHub, clock: SimulatedClock) -> None:
    hub, recorder = await start_hub(clock, record_rule_echoes=True)
    events, states = await record_calls_and_rule_entity(hub, recorder, clock)
    assert events == ["call_service/rule", "call_service/user", "automation_triggered/local"]
    assert states == ["on/0", "on/1", "off/0"]


async def test_an_event_type_asked_for_by_name_is_recorded(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock, include={"event_types": ["call_service"]})
    events, _ = await record_calls_and_rule_entity(hub, recorder, clock)
    assert events == ["call_service/rule", "call_service/user"]


async def test_one_batch_of_changes_removals_and_rule_updates_is_written_in_order(
    hub_and_recorder: tuple[Hub, Recorder], clock: SimulatedClock
) -> None:
    hub, recorder = hub_and_recorder
    amps = {"unit_of_measurement": "A"}
    # No await in between: the writer gets all of it as one batch.
    hub.states.set("sensor.pump_1_current", 3.1, amps)
    hub.states.set("automation.pump_1_guard", "on", {"current": 0})
    hub.states.set("automation.pump_1_guard", "on", {"current": 1})  # in the run record
    hub.states.remove("sensor.pump_1_current")
    hub.states.set("sensor.pump_1_current", 3.3, amps)
    hub.states.set("automation.pump_1_guard", "off", {"current": 0})
    hub.states.set("light.lamp_7", "on", context=Context(origin="restore"))  # recorded before
    await clock.advance(1)
    history = await recorder.history.states(
        ["sensor.pump_1_current", "automation.pump_1_guard", "light.lamp_7"], START
    )
    assert [(s.state, dict(s.attributes)) for s in history["sensor.pump_1_current"]] == [
        ("3.1", amps),
        ("3.3", amps),
    ]
    assert [s.state for s in history["automation.pump_1_guard"]] == ["on", "off"]
    assert "light.lamp_7" not in history
    raw = rows(
        recorder.path,
        "SELECT s.state FROM states s JOIN states_meta m USING (metadata_id) "
        "WHERE m.entity_id = 'sensor.pump_1_current' ORDER BY s.state_id",
    )
    assert raw == [("3.1",), (None,), ("3.3",)]  # the removal between the two
