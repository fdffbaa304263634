"""History queries: the states of entities over a period, all of them or the significant ones.

A significant change is a change of the state itself; attribute-only updates (a lamp's
reported power, a sensor's signal strength) are left out, except for domains whose
attributes are the point (climate, water heaters, humidifiers), as in Home Assistant.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from kozani_hub.core.context import Context, Origin
from kozani_hub.core.events import Event
from kozani_hub.core.states import State

SIGNIFICANT_ATTRIBUTE_DOMAINS = frozenset({"climate", "water_heater", "humidifier"})
_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})
_ORIGINS = frozenset({"local", "device", "rule", "user", "api", "scenario", "restore"})

_COLUMNS = (
    "SELECT state, attributes_id, last_changed_ts, last_updated_ts, context_id, "
    "context_parent_id, origin FROM states WHERE metadata_id = ?"
)


def _end_ts(end: datetime | None) -> float:
    return math.inf if end is None else end.timestamp()


def _origin(text: str | None) -> Origin:
    return text if text in _ORIGINS else "local"  # type: ignore[return-value]


class _Attributes:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cache: dict[int, MappingProxyType[str, Any]] = {}

    def get(self, attributes_id: int | None) -> MappingProxyType[str, Any]:
        if attributes_id is None:
            return _EMPTY
        found = self._cache.get(attributes_id)
        if found is None:
            row = self._conn.execute(
                "SELECT shared_attrs FROM state_attributes WHERE attributes_id = ?",
                (attributes_id,),
            ).fetchone()
            found = MappingProxyType(json.loads(row[0])) if row else _EMPTY
            self._cache[attributes_id] = found
        return found


def _state(entity_id: str, row: tuple[Any, ...], attributes: _Attributes | None) -> State:
    state, attributes_id, changed, updated, context_id, parent_id, origin = row
    return State(
        entity_id,
        state,
        attributes.get(attributes_id) if attributes is not None else _EMPTY,
        datetime.fromtimestamp(changed, UTC),
        datetime.fromtimestamp(updated, UTC),
        Context(id=context_id or "", parent_id=parent_id, origin=_origin(origin)),
    )


def states_during(
    conn: sqlite3.Connection,
    entity_ids: Sequence[str],
    start: datetime,
    end: datetime | None,
    *,
    significant_only: bool = False,
    include_start: bool = True,
    with_attributes: bool = True,
) -> dict[str, list[State]]:
    """Each entity's states in [start, end) (end None: up to now, inclusive), oldest first.

    include_start: begin with the state in force at `start` (which keeps its own, earlier,
    timestamps). Entities with nothing recorded are left out. A removed entity's history
    ends where it was removed.
    """
    attributes = _Attributes(conn) if with_attributes else None
    start_ts, end_ts = start.timestamp(), _end_ts(end)
    out: dict[str, list[State]] = {}
    for entity_id in dict.fromkeys(entity_ids):
        meta = conn.execute(
            "SELECT metadata_id FROM states_meta WHERE entity_id = ?", (entity_id,)
        ).fetchone()
        if meta is None:
            continue
        rows: list[tuple[Any, ...]] = []
        if include_start:
            rows += conn.execute(
                f"{_COLUMNS} AND last_updated_ts < ? "
                "ORDER BY last_updated_ts DESC, state_id DESC LIMIT 1",
                (meta[0], start_ts),
            ).fetchall()
        only_changes = (
            significant_only and entity_id.partition(".")[0] not in SIGNIFICANT_ATTRIBUTE_DOMAINS
        )
        rows += conn.execute(
            f"{_COLUMNS} AND last_updated_ts >= ? AND last_updated_ts < ?"
            + (" AND last_changed_ts = last_updated_ts" if only_changes else "")
            + " ORDER BY last_updated_ts, state_id",
            (meta[0], start_ts, end_ts),
        ).fetchall()
        states = [_state(entity_id, row, attributes) for row in rows if row[0] is not None]
        if states:
            out[entity_id] = states
    return out


def events_during(
    conn: sqlite3.Connection,
    start: datetime,
    end: datetime | None,
    event_types: Sequence[str] | None = None,
    limit: int = 10_000,
) -> list[Event]:
    """Recorded events fired in [start, end), oldest first (state changes are in states)."""
    sql = (
        "SELECT t.event_type, d.shared_data, e.time_fired_ts, e.context_id, e.context_parent_id, "
        "e.origin FROM events e JOIN event_types t ON t.event_type_id = e.event_type_id "
        "LEFT JOIN event_data d ON d.data_id = e.data_id "
        "WHERE e.time_fired_ts >= ? AND e.time_fired_ts < ?"
    )
    args: list[Any] = [start.timestamp(), _end_ts(end)]
    if event_types:
        sql += f" AND t.event_type IN ({', '.join('?' * len(event_types))})"
        args += list(event_types)
    sql += " ORDER BY e.time_fired_ts, e.event_id LIMIT ?"
    args.append(limit)
    return [
        Event(
            event_type,
            MappingProxyType(json.loads(data)) if data else _EMPTY,
            datetime.fromtimestamp(fired, UTC),
            Context(id=context_id or "", parent_id=parent_id, origin=_origin(origin)),
        )
        for event_type, data, fired, context_id, parent_id, origin in conn.execute(sql, args)
    ]
