"""The database schema, versioned from the first release on.

`MIGRATIONS[i]` takes a database from version i to version i + 1; a new database runs them
all. Each step runs in its own transaction and is recorded in `schema_changes`, so an upgrade
interrupted by a power cut resumes at the step that did not finish.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]


class SchemaError(Exception):
    """The database cannot be used by this release (too new, or not ours)."""


_V1 = """
CREATE TABLE recorder_runs (
    run_id INTEGER PRIMARY KEY,
    start_ts REAL NOT NULL,
    last_alive_ts REAL NOT NULL,
    end_ts REAL,
    closed_cleanly INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE states_meta (
    metadata_id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL UNIQUE
);
CREATE TABLE state_attributes (
    attributes_id INTEGER PRIMARY KEY,
    shared_attrs TEXT NOT NULL
);
CREATE TABLE states (
    state_id INTEGER PRIMARY KEY,
    metadata_id INTEGER NOT NULL,
    state TEXT,
    attributes_id INTEGER,
    last_changed_ts REAL NOT NULL,
    last_updated_ts REAL NOT NULL,
    context_id TEXT,
    context_parent_id TEXT,
    origin TEXT
);
CREATE INDEX ix_states_metadata_updated ON states (metadata_id, last_updated_ts);
CREATE INDEX ix_states_attributes ON states (attributes_id);
CREATE TABLE event_types (
    event_type_id INTEGER PRIMARY KEY,
    event_type TEXT NOT NULL UNIQUE
);
CREATE TABLE event_data (
    data_id INTEGER PRIMARY KEY,
    shared_data TEXT NOT NULL
);
CREATE TABLE events (
    event_id INTEGER PRIMARY KEY,
    event_type_id INTEGER NOT NULL,
    data_id INTEGER,
    time_fired_ts REAL NOT NULL,
    context_id TEXT,
    context_parent_id TEXT,
    origin TEXT
);
CREATE INDEX ix_events_type_time ON events (event_type_id, time_fired_ts);
CREATE INDEX ix_events_time ON events (time_fired_ts);
CREATE INDEX ix_events_data ON events (data_id);
CREATE TABLE rule_runs (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    started_ts REAL NOT NULL,
    finished_ts REAL,
    outcome TEXT NOT NULL,
    trigger TEXT,
    error TEXT,
    context_id TEXT,
    summary TEXT
);
CREATE INDEX ix_rule_runs_rule_started ON rule_runs (rule_id, started_ts);
CREATE INDEX ix_rule_runs_started ON rule_runs (started_ts);
CREATE TABLE statistics_meta (
    metadata_id INTEGER PRIMARY KEY,
    statistic_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    unit TEXT,
    has_mean INTEGER NOT NULL,
    has_sum INTEGER NOT NULL,
    state_class TEXT,
    name TEXT
);
CREATE TABLE statistics_short_term (
    id INTEGER PRIMARY KEY,
    metadata_id INTEGER NOT NULL,
    start_ts REAL NOT NULL,
    mean REAL,
    min REAL,
    max REAL,
    state REAL,
    sum REAL,
    last_reset_ts REAL,
    UNIQUE (metadata_id, start_ts)
);
CREATE INDEX ix_statistics_short_term_start ON statistics_short_term (start_ts);
CREATE TABLE statistics (
    id INTEGER PRIMARY KEY,
    metadata_id INTEGER NOT NULL,
    start_ts REAL NOT NULL,
    mean REAL,
    min REAL,
    max REAL,
    state REAL,
    sum REAL,
    last_reset_ts REAL,
    UNIQUE (metadata_id, start_ts)
);
CREATE TABLE statistics_runs (
    start_ts REAL PRIMARY KEY
);
CREATE TABLE restore_states (
    entity_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    attributes TEXT NOT NULL,
    last_changed_ts REAL NOT NULL,
    last_updated_ts REAL NOT NULL,
    context_id TEXT
);
CREATE TABLE pending (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    due_ts REAL,
    updated_ts REAL NOT NULL,
    PRIMARY KEY (kind, key)
);
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)

_OUR_TABLE = "schema_changes"


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of an open database: 0 for an empty one."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if _OUR_TABLE not in tables:
        if tables:
            raise SchemaError(
                f"it holds tables ({', '.join(sorted(tables)[:5])}) but is not a Kozani Hub database"
            )
        return 0
    row = conn.execute("SELECT MAX(schema_version) FROM schema_changes").fetchone()
    return int(row[0] or 0)


def migrate(
    conn: sqlite3.Connection, now_ts: float, migrations: Sequence[Migration] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the schema up to date; returns (version found, version now).

    The connection must be in autocommit mode (isolation_level None): each step is one
    explicit transaction.
    """
    found = current_version(conn)
    target = len(migrations)
    if found > target:
        raise SchemaError(
            f"its schema version is {found}, newer than this release understands ({target}); "
            "it was written by a later version of Kozani Hub"
        )
    if found == 0:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_changes (change_id INTEGER PRIMARY KEY, "
            "schema_version INTEGER NOT NULL, changed_ts REAL NOT NULL)"
        )
    for version in range(found, target):
        conn.execute("BEGIN")
        try:
            migrations[version](conn)
            conn.execute(
                "INSERT INTO schema_changes (schema_version, changed_ts) VALUES (?, ?)",
                (version + 1, now_ts),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return found, target
