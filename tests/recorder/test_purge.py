"""Retention: old history goes, a little at a time; hourly statistics stay."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.recorder.database import open_database
from kozani_hub.recorder.purge import purge
from tests.recorder.conftest import START, StartHub

ENERGY = {"state_class": "total_increasing", "unit_of_measurement": "kWh"}


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


async def test_old_history_is_purged_and_statistics_stay(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    hub, recorder = await start_hub(clock, purge_keep_days=3, auto_purge=False)
    for hour in range(24 * 5):
        hub.states.set("sensor.school_energy", 1000 + hour, {**ENERGY, "rssi": hour})
        hub.bus.fire("sos_pressed", {"n": hour})
        await clock.advance(3600)
    await recorder.flush()
    assert count(recorder.path, "states") == 120
    assert count(recorder.path, "state_attributes") == 120

    result = await recorder.purge()
    assert result.deleted["states"] == 48  # the first two of five days
    assert result.deleted["events"] >= 48
    assert result.deleted["state_attributes"] == 48
    history = await recorder.history.states(["sensor.school_energy"], START)
    assert history["sensor.school_energy"][0].last_updated == START + timedelta(days=2)
    stats = await recorder.statistics.during(["sensor.school_energy"], START, None, "hour")
    assert len(stats["sensor.school_energy"]) == 120  # hourly rows are kept for good
    short = await recorder.statistics.during(["sensor.school_energy"], START, None, "5minute")
    assert short["sensor.school_energy"][0].start >= START + timedelta(days=2)
    # Recording goes on with the shared rows the purge removed.
    hub.states.set("sensor.school_energy", 2000, {**ENERGY, "rssi": 0})
    await recorder.flush()
    latest = await recorder.history.states(["sensor.school_energy"], clock.now())
    assert latest["sensor.school_energy"][-1].attributes["rssi"] == 0


async def test_the_nightly_purge_runs_at_4_12(start_hub: StartHub, clock: SimulatedClock) -> None:
    hub, recorder = await start_hub(clock, purge_keep_days=1)
    hub.states.set("sensor.x", 1)
    # 2026-01-17 04:12 in Kozani is 02:12 UTC.
    await clock.advance_to(datetime(2026, 1, 17, 2, 11, tzinfo=UTC))
    await recorder.flush()
    assert count(recorder.path, "states") == 1
    await clock.advance_to(datetime(2026, 1, 17, 2, 13, tzinfo=UTC))
    await recorder.flush()
    assert count(recorder.path, "states") == 0


def test_a_purge_goes_a_chunk_at_a_time(tmp_path: Path) -> None:
    conn, _ = open_database(tmp_path / "k.db", START)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO states_meta (entity_id) VALUES ('sensor.x')")
    conn.executemany(
        "INSERT INTO states (metadata_id, state, last_changed_ts, last_updated_ts) "
        "VALUES (1, 'x', ?, ?)",
        [(float(i), float(i)) for i in range(10_000)],
    )
    conn.execute("COMMIT")
    forgotten: list[int] = []
    steps = purge(conn, 20_000.0, lambda: forgotten.append(1), chunk=1000)
    taken = 0
    result = None
    while True:
        try:
            next(steps)
            taken += 1
        except StopIteration as done:
            result = done.value
            break
    assert taken > 10  # other writes may run between any two steps
    assert result is not None and result.deleted["states"] == 10_000
    assert forgotten  # the writer was told to drop its cached shared rows
    conn.close()


async def test_the_purge_service(start_hub: StartHub, clock: SimulatedClock) -> None:
    hub, recorder = await start_hub(clock, auto_purge=False)
    hub.states.set("sensor.x", 1)
    await clock.advance(3 * 86400)
    hub.states.set("sensor.x", 2)
    await hub.services.call("recorder", "purge", {"keep_days": 1})
    history = await recorder.history.states(["sensor.x"], START)
    assert [s.state for s in history["sensor.x"]] == ["2"]


async def test_writes_go_on_while_a_big_purge_runs(
    start_hub: StartHub, clock: SimulatedClock
) -> None:
    _, recorder = await start_hub(clock, auto_purge=False)
    old = (START - timedelta(days=30)).timestamp()

    def a_month_of_history(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO states_meta (entity_id) VALUES ('sensor.old')")
        meta = conn.execute("SELECT metadata_id FROM states_meta WHERE entity_id = 'sensor.old'")
        metadata_id = meta.fetchone()[0]
        conn.executemany(
            "INSERT INTO states (metadata_id, state, last_changed_ts, last_updated_ts) "
            "VALUES (?, 'x', ?, ?)",
            [(metadata_id, old + i, old + i) for i in range(100_000)],
        )

    await recorder.write_now(a_month_of_history)
    purging = recorder.purge(keep_days=10)

    def old_rows_left(conn: sqlite3.Connection) -> int:
        conn.execute(
            "INSERT INTO pending (kind, key, payload, updated_ts) VALUES ('t', '1', '{}', 0)"
        )
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM states WHERE last_updated_ts < ?", (old + 1e6,)
            ).fetchone()[0]
        )

    # Queued after the purge began, written (and synced) before it ends.
    assert await recorder.write_now(old_rows_left) > 0
    result = await purging
    assert result.deleted["states"] == 100_000
