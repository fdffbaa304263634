"""Turning states and events into rows, cheaply: ids of entity ids, event types, attribute
sets and event data are cached, and a set of attributes shared by many rows is stored once
(found by a stable hash of its JSON, like Home Assistant's state_attributes table)."""

from __future__ import annotations

import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from .codec import dumps_lenient

SHARED_CACHE_SIZE = 8192

StateRow = tuple[int, str | None, int | None, float, float, str, str | None, str]
EventRow = tuple[int, int | None, float, str, str | None, str]


class _Shared:
    """Deduplicated JSON blobs in one table (state_attributes or event_data)."""

    def __init__(self, table: str, id_col: str, text_col: str) -> None:
        self._select = f"SELECT {id_col}, {text_col} FROM {table} WHERE hash = ?"
        self._insert = f"INSERT INTO {table} (hash, {text_col}) VALUES (?, ?)"
        self._cache: OrderedDict[str, int] = OrderedDict()

    def id_for(self, conn: sqlite3.Connection, text: str) -> int:
        found = self._cache.get(text)
        if found is not None:
            self._cache.move_to_end(text)
            return found
        digest = zlib.crc32(text.encode())
        for row_id, existing in conn.execute(self._select, (digest,)):
            if existing == text:
                found = int(row_id)
                break
        else:
            cursor = conn.execute(self._insert, (digest, text))
            found = int(cursor.lastrowid or 0)
        self._cache[text] = found
        if len(self._cache) > SHARED_CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def clear(self) -> None:
        self._cache.clear()


class RowBuilder:
    """Builds rows for the writer thread; forget() after a purge removed shared rows."""

    def __init__(self) -> None:
        self._meta: dict[str, int] = {}
        self._event_types: dict[str, int] = {}
        self._attrs = _Shared("state_attributes", "attributes_id", "shared_attrs")
        self._data = _Shared("event_data", "data_id", "shared_data")
        # entity_id -> (attributes mapping, its id): most changes keep the attributes as they were.
        self._last_attrs: dict[str, tuple[Mapping[str, Any], int]] = {}

    def forget(self) -> None:
        self._attrs.clear()
        self._data.clear()
        self._last_attrs.clear()

    def forget_everything(self) -> None:
        """After switching to a fresh database."""
        self.forget()
        self._meta.clear()
        self._event_types.clear()

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

    def _attributes_id(self, conn: sqlite3.Connection, state: State) -> int | None:
        attrs = state.attributes
        if not attrs:
            return None
        last = self._last_attrs.get(state.entity_id)
        if last is not None and (last[0] is attrs or last[0] == attrs):
            return last[1]
        attributes_id = self._attrs.id_for(conn, dumps_lenient(dict(attrs)))
        self._last_attrs[state.entity_id] = (attrs, attributes_id)
        return attributes_id

    def state_row(
        self, conn: sqlite3.Connection, entity_id: str, state: State | None, fired: float
    ) -> StateRow:
        metadata_id = self.metadata_id(conn, entity_id)
        if state is None:  # the entity was removed
            return (metadata_id, None, None, fired, fired, "", None, "local")
        updated = state.last_updated.timestamp() if state.last_updated else fired
        changed = state.last_changed.timestamp() if state.last_changed else updated
        ctx = state.context
        return (
            metadata_id,
            state.state,
            self._attributes_id(conn, state),
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
        data_id = self._data.id_for(conn, dumps_lenient(dict(event.data))) if event.data else None
        ctx = event.context
        return (
            self.event_type_id(conn, event.event_type),
            data_id,
            event.time_fired.timestamp() if event.time_fired else fired,
            ctx.id,
            ctx.parent_id,
            ctx.origin,
        )


INSERT_STATE = (
    "INSERT INTO states (metadata_id, state, attributes_id, last_changed_ts, last_updated_ts, "
    "context_id, context_parent_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_EVENT = (
    "INSERT INTO events (event_type_id, data_id, time_fired_ts, context_id, context_parent_id, "
    "origin) VALUES (?, ?, ?, ?, ?, ?)"
)
UPSERT_RESTORE_STATE = (
    "INSERT INTO restore_states (entity_id, state, attributes, last_changed_ts, last_updated_ts, "
    "context_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entity_id) DO UPDATE SET "
    "state = excluded.state, attributes = excluded.attributes, "
    "last_changed_ts = excluded.last_changed_ts, last_updated_ts = excluded.last_updated_ts, "
    "context_id = excluded.context_id"
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
