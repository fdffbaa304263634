"""A database that cannot be used is reported, moved aside, and the hub runs on."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.recorder.database import open_database
from kozani_hub.recorder.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from tests.recorder.conftest import START, StartHub, crash

NOW = datetime(2026, 1, 15, 3, 12, 4, tzinfo=UTC)


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def head(path: Path, size: int = 26) -> bytes:
    with path.open("rb") as file:
        return file.read(size)


async def test_a_corrupt_file_is_moved_aside_and_replaced(
    start_hub: StartHub, clock: SimulatedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "kozani.db"
    db.write_bytes(b"this is not an sqlite file, it was damaged by a power cut" * 100)
    with caplog.at_level(logging.ERROR):
        hub, recorder = await start_hub(clock)
    status = recorder.status
    assert status.on_disk
    assert status.moved_to is not None
    moved = Path(status.moved_to)
    assert moved.name.startswith("kozani.db.corrupt-20260115T1000")
    assert head(moved) == b"this is not an sqlite file"
    message = caplog.records[-1].getMessage()
    assert str(db) in message
    assert "not a database" in message
    assert "continues on a fresh database" in message
    hub.states.set("sensor.tank_level", 1.5)
    await clock.advance(1)
    assert "sensor.tank_level" in await recorder.history.states(["sensor.tank_level"], START)


async def test_an_unusable_place_falls_back_to_memory(
    start_hub: StartHub, clock: SimulatedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not_a_dir").write_text("a file where a directory should be")
    with caplog.at_level(logging.ERROR):
        hub, recorder = await start_hub(clock, db_path="not_a_dir/kozani.db")
    assert not recorder.status.on_disk
    assert "kept in memory only" in caplog.records[-1].getMessage()
    # The hub runs on, with history for this run.
    hub.states.set("switch.pump_2", "on")
    await clock.advance(1)
    history = await recorder.history.states(["switch.pump_2"], START)
    assert [s.state for s in history["switch.pump_2"]] == ["on"]
    await recorder.store.put("rule_for", "x", {"a": 1})
    assert [i.key for i in await recorder.store.items()] == ["x"]


async def test_a_database_from_a_newer_release_is_left_untouched(
    start_hub: StartHub, clock: SimulatedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "kozani.db"
    conn, _ = open_database(db, NOW)
    conn.execute("INSERT INTO schema_changes (schema_version, changed_ts) VALUES (99, 0)")
    conn.close()
    before = file_bytes(db)
    with caplog.at_level(logging.ERROR):
        _, recorder = await start_hub(clock)
    assert not recorder.status.on_disk
    assert "newer than this release understands" in caplog.text
    assert "left untouched" in caplog.text
    await recorder.stop()
    assert file_bytes(db) == before


async def test_someone_elses_database_is_moved_aside(
    start_hub: StartHub, clock: SimulatedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    conn = sqlite3.connect(tmp_path / "kozani.db")
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with caplog.at_level(logging.ERROR):
        _, recorder = await start_hub(clock)
    assert recorder.status.on_disk
    assert "not a Kozani Hub database" in caplog.text
    assert recorder.status.moved_to is not None


def test_a_new_database_has_the_current_schema(tmp_path: Path) -> None:
    conn, report = open_database(tmp_path / "k.db", NOW)
    assert (report.schema_from, report.schema_to) == (0, SCHEMA_VERSION)
    assert conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental
    conn.close()


def test_migrations_keep_the_data_of_an_older_schema(tmp_path: Path) -> None:
    """An upgrade runs only the missing steps, each once, and keeps what was there."""
    path = tmp_path / "k.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, 0.0, MIGRATIONS) == (0, SCHEMA_VERSION)
    conn.execute("INSERT INTO states_meta (entity_id) VALUES ('sensor.tank_level')")

    def add_note_column(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE states_meta ADD COLUMN note TEXT")

    def fail(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x INTEGER)")
        raise sqlite3.OperationalError("power cut")

    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, 1.0, (*MIGRATIONS, add_note_column, fail))
    # The failed step left nothing behind; the one before it is recorded.
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert migrate(conn, 2.0, (*MIGRATIONS, add_note_column)) == (SCHEMA_VERSION + 1,) * 2
    assert conn.execute("SELECT entity_id, note FROM states_meta").fetchall() == [
        ("sensor.tank_level", None)
    ]
    conn.close()


async def test_a_database_going_bad_while_running_is_replaced_keeping_restore_data(
    start_hub: StartHub, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    hub, recorder = await start_hub(clock)
    await recorder.store.put("rule_for", "tank_low/0", {"due": "soon"}, due=START)
    hub.states.set("input_boolean.holiday_mode", "on")
    await recorder.flush()

    def hits_a_bad_page(conn: sqlite3.Connection) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    with caplog.at_level(logging.ERROR):
        with pytest.raises(sqlite3.DatabaseError):
            await recorder.write_now(hits_a_bad_page)
        await recorder.flush()
    assert "went bad while running" in caplog.text
    status = recorder.status
    assert status.on_disk
    assert status.problem == "database disk image is malformed"
    assert status.moved_to is not None and ".corrupt-" in status.moved_to
    # A fresh file in the same place, with what a restart needs written again.
    hub.states.set("sensor.tank_level", 0.9)
    await recorder.flush()
    assert [i.key for i in await recorder.store.items()] == ["tank_low/0"]
    history = await recorder.history.states(["sensor.tank_level"], START)
    assert [s.state for s in history["sensor.tank_level"]] == ["0.9"]
    await crash(hub, recorder)
    _, recorder = await start_hub(clock)
    assert recorder.last_state("input_boolean.holiday_mode") is not None
    assert [i.key for i in recorder.restored.pending] == ["tank_low/0"]
