"""The alert history: every transition and every notification attempt, one row each, in the
recorder's database (table `alert_log`), committed and synced before anything is sent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TABLE = "alert_log"
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "log_id INTEGER PRIMARY KEY, ts REAL NOT NULL, alert_id TEXT NOT NULL, kind TEXT NOT NULL, "
    "action TEXT, old_state TEXT, new_state TEXT, who TEXT, note TEXT, severity TEXT, "
    "category TEXT, key TEXT, recipient TEXT, channel TEXT, detail TEXT)"
)
INDEXES = (
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_ts ON {TABLE} (ts)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_alert ON {TABLE} (alert_id, ts)",
)
_COLUMNS = ("ts", "alert_id", "kind", "action", "old_state", "new_state", "who", "note",
            "severity", "category", "key", "recipient", "channel", "detail")
INSERT = f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


@dataclass(frozen=True, slots=True)
class LogRow:
    """One line of alert history.

    kind: "transition" (action, old_state → new_state, who, note), "queued" (a notification
    decided), "attempt" (about to be sent), "delivered", "retry", "failed", "problem".
    """

    at: datetime
    alert_id: str
    kind: str
    action: str | None = None
    old_state: str | None = None
    new_state: str | None = None
    who: str | None = None
    note: str | None = None
    severity: str | None = None
    category: str | None = None
    key: str | None = None
    recipient: str | None = None
    channel: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def values(self) -> tuple[Any, ...]:
        detail = json.dumps(dict(self.detail), default=str) if self.detail else None
        return (self.at.timestamp(), self.alert_id, self.kind, self.action, self.old_state,
                self.new_state, self.who, self.note, self.severity, self.category, self.key,
                self.recipient, self.channel, detail)


def ensure_table(conn: sqlite3.Connection) -> None:
    conn.execute(CREATE)
    for statement in INDEXES:
        conn.execute(statement)


def writer(rows: Sequence[LogRow]) -> Any:
    """The function the recorder runs on its connection to write `rows`."""
    values = [row.values() for row in rows]

    def write(conn: sqlite3.Connection) -> None:
        # The table is made here (not once at start) so a database the recorder had to
        # replace mid-run gets it back at the next write.
        ensure_table(conn)
        conn.executemany(INSERT, values)

    return write


def purger(before: datetime) -> Any:
    """The function that deletes history older than `before`."""
    cutoff = before.timestamp()

    def purge(conn: sqlite3.Connection) -> int:
        ensure_table(conn)
        return int(conn.execute(f"DELETE FROM {TABLE} WHERE ts < ?", (cutoff,)).rowcount)

    return purge
