"""Opening the database: WAL mode, schema migrations, and what to do with a file we cannot use.

A corrupt or unwritable file is moved aside (with its -wal and -shm companions) and a fresh one
is created in its place; when even that fails, history is kept in memory so the hub runs on.
A file written by a newer release is left untouched, for a downgrade must not destroy history.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .schema import SchemaError, current_version, migrate

_LOGGER = logging.getLogger(__name__)

MEMORY = ":memory:"


class SchemaTooNew(SchemaError):
    """The file was written by a newer release."""


@dataclass(frozen=True, slots=True)
class OpenReport:
    """How the database was opened, for the log and the status page."""

    path: str
    on_disk: bool
    schema_from: int
    schema_to: int
    problem: str | None = None
    moved_to: str | None = None


def connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with our pragmas set."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    try:
        if path != MEMORY:
            if readonly:
                conn.execute("PRAGMA query_only = 1")
            else:
                if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                    # Before the file has pages: lets a purge hand space back a bit at a time.
                    conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    _LOGGER.warning("%s: WAL mode refused (journal mode is %s)", path, mode)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -16384")
    except BaseException:
        conn.close()
        raise
    return conn


def _previous_run_clean(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT closed_cleanly FROM recorder_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    return row is None or bool(row[0])


def _open_checked(path: str, now_ts: float) -> tuple[sqlite3.Connection, int, int]:
    conn = connect(path)
    try:
        try:
            version = current_version(conn)
        except SchemaError as err:
            raise SchemaError(str(err)) from None
        if version > 0 and not _previous_run_clean(conn):
            result = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in result] != [("ok",)]:
                detail = "; ".join(str(r[0]) for r in result[:3])
                raise sqlite3.DatabaseError(f"integrity check failed: {detail}")
        try:
            found, now = migrate(conn, now_ts)
        except SchemaError as err:
            if "newer" in str(err):
                raise SchemaTooNew(str(err)) from None
            raise
    except BaseException:
        conn.close()
        raise
    return conn, found, now


def move_aside(path: Path, when: datetime) -> Path | None:
    """Rename a database (and its -wal, -shm files) out of the way; returns the new name."""
    if not path.exists():
        return None
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        path.rename(target)
    except OSError as err:
        _LOGGER.error("Could not move %s aside: %s", path, err)
        return None
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            try:
                companion.rename(target.with_name(target.name + suffix))
            except OSError:
                companion.unlink(missing_ok=True)
    return target


def open_database(path: Path, now: datetime) -> tuple[sqlite3.Connection, OpenReport]:
    """Open (creating and migrating as needed) the database at `path`, never failing."""
    now_ts = now.timestamp()
    try:
        conn, found, version = _open_checked(str(path), now_ts)
        return conn, OpenReport(str(path), True, found, version)
    except SchemaTooNew as err:
        problem = str(err)
        _LOGGER.error(
            "Recorder database %s cannot be used: %s. It is left untouched; history is kept "
            "in memory only until the hub restarts with a release that understands it",
            path,
            problem,
        )
        return open_memory(now, problem)
    except (sqlite3.Error, SchemaError, OSError) as err:
        problem = f"{type(err).__name__}: {err}"
    moved = move_aside(path, now)
    where = f"; moved aside to {moved}" if moved else ""
    try:
        conn, found, version = _open_checked(str(path), now_ts)
    except (sqlite3.Error, SchemaError, OSError) as err:
        _LOGGER.error(
            "Recorder database %s cannot be used (%s)%s, and no fresh one could be created "
            "there (%s): history is kept in memory only until the hub restarts",
            path,
            problem,
            where,
            err,
        )
        return open_memory(now, problem, moved)
    _LOGGER.error(
        "Recorder database %s was unusable (%s)%s; the hub continues on a fresh database",
        path,
        problem,
        where,
    )
    report = OpenReport(str(path), True, found, version, problem, str(moved) if moved else None)
    return conn, report


def open_memory(
    now: datetime, problem: str, moved: Path | None = None
) -> tuple[sqlite3.Connection, OpenReport]:
    """A database in memory, for when no file can be used."""
    conn, found, version = _open_checked(MEMORY, now.timestamp())
    return conn, OpenReport(MEMORY, False, found, version, problem, str(moved) if moved else None)
