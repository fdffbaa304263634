"""Turning states and events into rows, cheaply.

Ids of entity ids and event types are cached. A set of attributes (or event data) shared by
many rows is stored once: the writer remembers the JSON it wrote recently and the id it gave
it, and reuses the id when the same JSON comes again (most state changes keep the entity's
attributes as they were). The writer is the only one inserting, so it numbers new shared rows
itself and inserts them with the states, many rows per statement.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any

from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from .codec import dumps_lenient

SHARED_CACHE_SIZE = 16384
ROWS_PER_STATEMENT = 500

StateRow = tuple[int, str | None, int | None, float, float, str, str | None, str]
EventRow = tuple[int, int | None, float, str, str | None, str]


class MultiInsert:
    """INSERT of many rows per statement: each statement is one step for SQLite, and one
    release of the interpreter lock instead of one per row."""

    def __init__(self, head: str, columns: int, tail: str = "") -> None:
        self._head = head + " VALUES "
        self._tail = f" {tail}" if tail else ""
        self._one = "(" + ",".join("?" * columns) + ")"
        self._full = self._head + ",".join([self._one] * ROWS_PER_STATEMENT) + self._tail

    def run(self, conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
        per = ROWS_PER_STATEMENT
        whole = len(rows) // per * per
        for start in range(0, whole, per):
            conn.execute(self._full, list(chain.from_iterable(rows[start : start + per])))
        rest = rows[whole:]
        if rest:
            sql = self._head + ",".join([self._one] * len(rest)) + self._tail
            conn.execute(sql, list(chain.from_iterable(rest)))


INSERT_STATES = MultiInsert(
    "INSERT INTO states (metadata_id, state, attributes_id, last_changed_ts, last_updated_ts, "
    "context_id, context_parent_id, origin)",
    8,
)
INSERT_EVENTS = MultiInsert(
    "INSERT INTO events (event_type_id, data_id, time_fired_ts, context_id, context_parent_id, "
    "origin)",
    6,
)


class _Shared:
    """Deduplicated JSON blobs in one table (state_attributes or event_data)."""

    def __init__(self, table: str, id_col: str, text_col: str) -> None:
        self._table, self._id_col = table, id_col
        self.insert = MultiInsert(f"INSERT INTO {table} ({id_col}, {text_col})", 2)
        self._cache: OrderedDict[str, int] = OrderedDict()
        self._next = 0
        self.new: list[tuple[int, str]] = []

    def start(self, conn: sqlite3.Connection) -> None:
        """Number new rows after the highest id in the database (at open, after a rollback)."""
        row = conn.execute(f"SELECT MAX({self._id_col}) FROM {self._table}").fetchone()
        self._next = int(row[0] or 0) + 1
        self._cache.clear()
        self.new.clear()

    def id_for(self, text: str) -> int:
        cache = self._cache
        found = cache.get(text)
        if found is not None:
            cache.move_to_end(text)
            return found
        found = self._next
        self._next += 1
        self.new.append((found, text))
        cache[text] = found
        if len(cache) > SHARED_CACHE_SIZE:
            cache.popitem(last=False)
        return found

    def write_new(self, conn: sqlite3.Connection) -> None:
        if self.new:
            self.insert.run(conn, self.new)
            self.new = []

    def forget(self) -> None:
        """Drop remembered ids (a purge may have deleted their rows)."""
        self._cache.clear()


class RowBuilder:
    """Builds rows for the writer thread."""

    def __init__(self) -> None:
        self._meta: dict[str, int] = {}
        self._event_types: dict[str, int] = {}
        self._attrs = _Shared("state_attributes", "attributes_id", "shared_attrs")
        self._data = _Shared("event_data", "data_id", "shared_data")
        # entity_id -> (attributes mapping, its id): most changes keep the attributes as they were.
        self._last_attrs: dict[str, tuple[Mapping[str, Any], int]] = {}

    def start(self, conn: sqlite3.Connection) -> None:
        """Forget everything cached and number from the database (open, rollback, fresh file)."""
        self._meta.clear()
        self._event_types.clear()
        self._last_attrs.clear()
        self._attrs.start(conn)
        self._data.start(conn)

    def forget(self) -> None:
        """After a purge deleted shared rows: stop reusing remembered ids."""
        self._attrs.forget()
        self._data.forget()
        self._last_attrs.clear()

    def write_shared(self, conn: sqlite3.Connection) -> None:
        """Insert the shared rows numbered since the last call (before the rows using them)."""
        self._attrs.write_new(conn)
        self._data.write_new(conn)

    def metadata_id(self, conn: sqlite3.Connection, entity_id: str) -> int:
        found = self._meta.get(entity_id)
        if found is None:
            row = conn.execute(
                "SELECT metadata_id FROM states_meta WHERE entity_id = ?", (entity_id,)
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO states_meta (entity_id) VALUES (?)", (entity_id,)
                )
                found = int(cursor.lastrowid or 0)
            else:
                found = int(row[0])
            self._meta[entity_id] = found
        return found

    def _attributes_id(self, state: State) -> int | None:
        attrs = state.attributes
        if not attrs:
            return None
        last = self._last_attrs.get(state.entity_id)
        if last is not None and (last[0] is attrs or last[0] == attrs):
            return last[1]
        attributes_id = self._attrs.id_for(dumps_lenient(dict(attrs)))
        self._last_attrs[state.entity_id] = (attrs, attributes_id)
        return attributes_id

    def state_row(
        self, conn: sqlite3.Connection, entity_id: str, state: State | None, fired: float
    ) -> StateRow:
        metadata_id = self._meta.get(entity_id) or self.metadata_id(conn, entity_id)
        if state is None:  # the entity was removed
            return (metadata_id, None, None, fired, fired, "", None, "local")
        updated_at = state.last_updated
        updated = updated_at.timestamp() if updated_at else fired
        changed_at = state.last_changed
        changed = (
            updated if changed_at is updated_at or changed_at is None else changed_at.timestamp()
        )
        ctx = state.context
        return (
            metadata_id,
            state.state,
            self._attributes_id(state),
            changed,
            updated,
            ctx.id,
            ctx.parent_id,
            ctx.origin,
        )

    def event_type_id(self, conn: sqlite3.Connection, event_type: str) -> int:
        found = self._event_types.get(event_type)
        if found is None:
            row = conn.execute(
                "SELECT event_type_id FROM event_types WHERE event_type = ?", (event_type,)
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO event_types (event_type) VALUES (?)", (event_type,)
                )
                found = int(cursor.lastrowid or 0)
            else:
                found = int(row[0])
            self._event_types[event_type] = found
        return found

    def event_row(self, conn: sqlite3.Connection, event: Event, fired: float) -> EventRow:
        data_id = self._data.id_for(dumps_lenient(dict(event.data))) if event.data else None
        ctx = event.context
        return (
            self._event_types.get(event.event_type) or self.event_type_id(conn, event.event_type),
            data_id,
            event.time_fired.timestamp() if event.time_fired else fired,
            ctx.id,
            ctx.parent_id,
            ctx.origin,
        )


UPSERT_RESTORE_STATES = MultiInsert(
    "INSERT INTO restore_states (entity_id, state, attributes, last_changed_ts, last_updated_ts, "
    "context_id)",
    6,
    "ON CONFLICT (entity_id) DO UPDATE SET "
    "state = excluded.state, attributes = excluded.attributes, "
    "last_changed_ts = excluded.last_changed_ts, last_updated_ts = excluded.last_updated_ts, "
    "context_id = excluded.context_id",
)


def restore_row(state: State, fired: float) -> tuple[str, str, str, float, float, str]:
    updated = state.last_updated.timestamp() if state.last_updated else fired
    changed = state.last_changed.timestamp() if state.last_changed else updated
    return (
        state.entity_id,
        state.state,
        dumps_lenient(dict(state.attributes)),
        changed,
        updated,
        state.context.id,
    )
