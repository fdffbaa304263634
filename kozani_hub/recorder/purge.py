"""Retention: states, events, rule runs and 5-minute statistics older than the kept days are
deleted a few thousand rows at a time, with writes going on in between, so a purge of a year
never stalls the hub. Hourly statistics, restore data and pending items are never purged."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Generator
from dataclasses import dataclass

_LOGGER = logging.getLogger("kozani_hub.recorder")

CHUNK = 4000

_OLD_ROWS: tuple[tuple[str, str, str], ...] = (
    ("events", "event_id", "time_fired_ts"),
    ("rule_runs", "id", "started_ts"),
    ("statistics_short_term", "id", "start_ts"),
)
_ORPHANS: tuple[tuple[str, str, str, str], ...] = (
    ("state_attributes", "attributes_id", "states", "attributes_id"),
    ("event_data", "data_id", "events", "data_id"),
)


@dataclass(slots=True)
class PurgeResult:
    deleted: dict[str, int]

    def total(self) -> int:
        return sum(self.deleted.values())


def purge(
    conn: sqlite3.Connection,
    cutoff_ts: float,
    forget_shared: Callable[[], None],
    chunk: int = CHUNK,
) -> Generator[None, None, PurgeResult]:
    """Delete rows older than `cutoff_ts`, one chunk per step. Returns a PurgeResult."""
    deleted: dict[str, int] = {"states": 0}
    # States by entity, through the (entity, time) index that history queries use anyway:
    # one index less to keep up at every write.
    entities = [row[0] for row in conn.execute("SELECT metadata_id FROM states_meta")]
    for number, metadata_id in enumerate(entities, 1):
        if number % 200 == 0:
            yield
        while True:
            cursor = conn.execute(
                "DELETE FROM states WHERE state_id IN (SELECT state_id FROM states "
                "WHERE metadata_id = ? AND last_updated_ts < ? LIMIT ?)",
                (metadata_id, cutoff_ts, chunk),
            )
            deleted["states"] += cursor.rowcount
            if cursor.rowcount:
                yield
            if cursor.rowcount < chunk:
                break
    for table, key, ts_column in _OLD_ROWS:
        while True:
            cursor = conn.execute(
                f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} "
                f"WHERE {ts_column} < ? LIMIT ?)",
                (cutoff_ts, chunk),
            )
            deleted[table] = deleted.get(table, 0) + cursor.rowcount
            yield
            if cursor.rowcount < chunk:
                break
    # Shared rows no longer used: the writer's caches may point at them, so it forgets them.
    forget_shared()
    for table, key, user, user_key in _ORPHANS:
        while True:
            cursor = conn.execute(
                f"DELETE FROM {table} WHERE {key} IN (SELECT a.{key} FROM {table} a "
                f"WHERE NOT EXISTS (SELECT 1 FROM {user} u WHERE u.{user_key} = a.{key}) LIMIT ?)",
                (chunk,),
            )
            deleted[table] = deleted.get(table, 0) + cursor.rowcount
            forget_shared()
            yield
            if cursor.rowcount < chunk:
                break
    conn.execute(
        "DELETE FROM recorder_runs WHERE COALESCE(end_ts, last_alive_ts) < ? "
        "AND run_id < (SELECT MAX(run_id) - 1 FROM recorder_runs)",
        (cutoff_ts,),
    )
    conn.execute(
        "DELETE FROM statistics_runs WHERE start_ts < ? "
        "AND start_ts < (SELECT MAX(start_ts) FROM statistics_runs)",
        (cutoff_ts,),
    )
    yield
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
        # Hand freed pages back to the file system, a little at a time.
        while conn.execute("PRAGMA freelist_count").fetchone()[0] > 0:
            conn.execute("PRAGMA incremental_vacuum(2000)")
            yield
    result = PurgeResult(deleted)
    _LOGGER.info("Recorder purge deleted %d rows: %s", result.total(), deleted)
    return result
