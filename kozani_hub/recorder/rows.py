"""Turning states and events into rows, cheaply.

Ids of entity ids and event types are cached. A set of attributes (or event data) shared by
many rows is stored once: the writer remembers the JSON it wrote recently and the id it gave
it, and reuses the id when the same JSON comes again (most state changes keep the entity's
attributes as they were). The writer is the only one inserting, so it numbers new shared rows
itself and inserts them with the states, many rows per statement.

States come in by the thousand, and the writer holds the interpreter lock the event loop
needs while it turns them into rows, so they are turned into columns a field at a time with
`map` (one C loop per field) rather than a row at a time in Python; the columns go to SQLite
without ever becoming row tuples.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter
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

    def _statement(self, count: int) -> str:
        """The statement for `count` rows: the whole one is built once and cached by SQLite."""
        if count == ROWS_PER_STATEMENT:
            return self._full
        return self._head + ",".join([self._one] * count) + self._tail

    def run(self, conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            conn.execute(self._statement(len(chunk)), list(chain.from_iterable(chunk)))

    def run_columns(self, conn: sqlite3.Connection, columns: Sequence[Sequence[Any]]) -> None:
        """Insert rows given as columns of equal length (the parameters are laid out with
        one slice assignment per column, not a tuple per row)."""
        width = len(columns)
        total = len(columns[0])
        for start in range(0, total, ROWS_PER_STATEMENT):
            end = min(total, start + ROWS_PER_STATEMENT)
            count = end - start
            params: list[Any] = [None] * (width * count)
            for index, column in enumerate(columns):
                params[index::width] = column[start:end]
            conn.execute(self._statement(count), params)


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


_MISS = object()
_ENTITY_ID = attrgetter("entity_id")
_STATE = attrgetter("state")
_ATTRIBUTES = attrgetter("attributes")
_LAST_CHANGED = attrgetter("last_changed")
_LAST_UPDATED = attrgetter("last_updated")
_CONTEXT = attrgetter("context")
_CONTEXT_ID = attrgetter("id")
_PARENT_ID = attrgetter("parent_id")
_ORIGIN = attrgetter("origin")
_TIMESTAMP = datetime.timestamp

STATE_COLUMNS = 8


def entity_ids_of(states: Sequence[State]) -> list[str]:
    return list(map(_ENTITY_ID, states))


def state_columns() -> list[list[Any]]:
    """Empty columns for `RowBuilder.add_states`, in INSERT_STATES order."""
    return [[] for _ in range(STATE_COLUMNS)]


class RowBuilder:
    """Builds rows for the writer thread."""

    def __init__(self) -> None:
        self._meta: dict[str, int] = {}
        self._event_types: dict[str, int] = {}
        self._attrs = _Shared("state_attributes", "attributes_id", "shared_attrs")
        self._data = _Shared("event_data", "data_id", "shared_data")
        # entity_id -> (attributes mapping, its id): most changes keep the attributes as they were.
        self._last_attrs: dict[str, tuple[Mapping[str, Any], int]] = {}
        # id(attributes mapping) -> its attributes_id: a State's attributes are a read-only
        # mapping, mostly handed on from change to change, so one lookup by identity finds
        # its id. `_alive` keeps the mappings so keyed alive (an id is unique while it lives).
        self._by_object: dict[int, int | None] = {}
        self._alive: OrderedDict[int, Mapping[str, Any]] = OrderedDict()

    def start(self, conn: sqlite3.Connection) -> None:
        """Forget everything cached and number from the database (open, rollback, fresh file)."""
        self._meta.clear()
        self._event_types.clear()
        self._forget_attributes()
        self._attrs.start(conn)
        self._data.start(conn)

    def forget(self) -> None:
        """After a purge deleted shared rows: stop reusing remembered ids."""
        self._attrs.forget()
        self._data.forget()
        self._forget_attributes()

    def _forget_attributes(self) -> None:
        self._last_attrs.clear()
        self._by_object.clear()
        self._alive.clear()

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

    def add_states(
        self,
        conn: sqlite3.Connection,
        states: Sequence[State],
        entity_ids: Sequence[str],
        columns: list[list[Any]],
    ) -> None:
        """Append the rows of `states` (whose entity ids are `entity_ids`) to `columns`."""
        meta = self._meta
        try:
            metadata_ids = list(map(meta.__getitem__, entity_ids))
        except KeyError:
            for entity_id in set(entity_ids).difference(meta):
                self.metadata_id(conn, entity_id)
            metadata_ids = list(map(meta.__getitem__, entity_ids))
        try:
            updated = list(map(_TIMESTAMP, map(_LAST_UPDATED, states)))
            changed = list(map(_TIMESTAMP, map(_LAST_CHANGED, states)))
        except TypeError:  # a State made without times (only by hand): a row at a time
            for state, entity_id in zip(states, entity_ids, strict=True):
                for column, value in zip(
                    columns, self.state_row(conn, entity_id, state, 0.0), strict=True
                ):
                    column.append(value)
            return
        contexts = list(map(_CONTEXT, states))
        columns[0] += metadata_ids
        columns[1] += map(_STATE, states)
        columns[2] += self._attribute_ids(states, entity_ids)
        columns[3] += changed
        columns[4] += updated
        columns[5] += map(_CONTEXT_ID, contexts)
        columns[6] += map(_PARENT_ID, contexts)
        columns[7] += map(_ORIGIN, contexts)

    def _attribute_ids(self, states: Sequence[State], entity_ids: Sequence[str]) -> list[Any]:
        attrs = list(map(_ATTRIBUTES, states))
        ids = list(map(self._by_object.get, map(id, attrs), repeat(_MISS)))
        if _MISS in ids:
            for index in [i for i, found in enumerate(ids) if found is _MISS]:
                ids[index] = self._attribute_id_of(entity_ids[index], attrs[index])
        return ids

    def _attribute_id_of(self, entity_id: str, attrs: Mapping[str, Any]) -> int | None:
        attributes_id: int | None = None
        if attrs:
            last = self._last_attrs.get(entity_id)
            if last is not None and (last[0] is attrs or last[0] == attrs):
                attributes_id = last[1]
            else:
                attributes_id = self._attrs.id_for(dumps_lenient(dict(attrs)))
            self._last_attrs[entity_id] = (attrs, attributes_id)
        key = id(attrs)
        self._by_object[key] = attributes_id
        self._alive[key] = attrs
        if len(self._alive) > SHARED_CACHE_SIZE:
            old, _ = self._alive.popitem(last=False)
            del self._by_object[old]
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
