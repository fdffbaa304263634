"""What must survive a restart, written durably: pending `for:` timers, runs waiting in a delay,
alerts and their outbox. Each write is committed (and synced to disk) before the awaitable it
returns completes; nothing here waits for the next batch."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TypeVar

from kozani_hub.core.context import Context
from kozani_hub.core.states import State

from .codec import dumps_strict, loads_strict

_LOGGER = logging.getLogger("kozani_hub.recorder")
_T = TypeVar("_T")

PendingRow = tuple[str, str, str, float | None, float]
Submit = Callable[[Callable[[sqlite3.Connection], Any]], "asyncio.Future[Any]"]


@dataclass(frozen=True, slots=True)
class PendingItem:
    """One saved item: `kind` says whose it is (e.g. "rule_for", "rule_wait", "alert"), `key`
    which one; `due` is when it falls due, if it has a time."""

    kind: str
    key: str
    payload: Mapping[str, Any]
    due: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """The hub's previous run, as the database saw it."""

    started: datetime
    last_alive: datetime
    ended: datetime | None
    clean: bool


@dataclass(frozen=True, slots=True)
class RestoreData:
    """Read once at start: the last states of restorable entities, pending items, the last run."""

    states: Mapping[str, State] = field(default_factory=dict)
    pending: tuple[PendingItem, ...] = ()
    previous_run: PreviousRun | None = None
    problems: tuple[str, ...] = ()


def _utc(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _restored_state(row: tuple[Any, ...]) -> State:
    entity_id, state, attributes, changed, updated, context_id = row
    return State(
        entity_id,
        state,
        MappingProxyType(json.loads(attributes)),
        datetime.fromtimestamp(changed, UTC),
        datetime.fromtimestamp(updated, UTC),
        Context(parent_id=context_id, origin="restore"),
    )


def load_restore_data(conn: sqlite3.Connection, run_id: int) -> RestoreData:
    """Read what the previous run left (writer thread, at start)."""
    problems: list[str] = []
    states: dict[str, State] = {}
    for row in conn.execute(
        "SELECT entity_id, state, attributes, last_changed_ts, last_updated_ts, context_id "
        "FROM restore_states"
    ):
        try:
            states[row[0]] = _restored_state(row)
        except (ValueError, TypeError) as err:
            problems.append(f"last state of {row[0]} cannot be read back ({err}); not restored")
    pending: list[PendingItem] = []
    for kind, key, payload, due_ts, updated_ts in conn.execute(
        "SELECT kind, key, payload, due_ts, updated_ts FROM pending ORDER BY due_ts, kind, key"
    ):
        try:
            value = loads_strict(payload)
        except (ValueError, TypeError, KeyError) as err:
            problems.append(f"saved {kind} {key} cannot be read back ({err}); skipped")
            continue
        pending.append(PendingItem(kind, key, value, _utc(due_ts), _utc(updated_ts)))
    row = conn.execute(
        "SELECT start_ts, last_alive_ts, end_ts, closed_cleanly FROM recorder_runs "
        "WHERE run_id < ? ORDER BY run_id DESC LIMIT 1",
        (run_id,),
    ).fetchone()
    previous = None
    if row is not None:
        started, alive = _utc(row[0]), _utc(row[1])
        assert started is not None and alive is not None
        previous = PreviousRun(started, alive, _utc(row[2]), bool(row[3]))
    return RestoreData(states, tuple(pending), previous, tuple(problems))


_UPSERT = (
    "INSERT OR REPLACE INTO pending (kind, key, payload, due_ts, updated_ts) VALUES (?, ?, ?, ?, ?)"
)


class RestoreStore:
    """Durable keyed items, grouped by kind. Every method returns an awaitable that completes
    after the change is committed and synced; the change is queued at once, so a caller that
    does not await still has it written (ahead of anything queued later)."""

    def __init__(
        self,
        submit: Submit,
        mirror: dict[tuple[str, str], tuple[Any, ...]],
        now: Callable[[], datetime],
    ) -> None:
        self._submit = submit
        self._mirror = mirror
        self._now = now

    def _row(
        self, kind: str, key: str, payload: Mapping[str, Any], due: datetime | None
    ) -> PendingRow:
        text = dumps_strict(payload)  # raises NotSerialisable here, in the caller
        return (kind, key, text, due.timestamp() if due else None, self._now().timestamp())

    def put(
        self, kind: str, key: str, payload: Mapping[str, Any], due: datetime | None = None
    ) -> asyncio.Future[None]:
        """Save (or replace) one item."""
        return self.put_many([PendingItem(kind, key, payload, due)])

    def put_many(self, items: Iterable[PendingItem]) -> asyncio.Future[None]:
        """Save several items in one transaction."""
        rows = [self._row(i.kind, i.key, i.payload, i.due) for i in items]
        mirror = self._mirror

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(_UPSERT, rows)
            for row in rows:
                mirror[(row[0], row[1])] = row

        return self._submit(write)

    def delete(self, kind: str, key: str) -> asyncio.Future[None]:
        """Forget one item (nothing happens if it is not there)."""
        mirror = self._mirror

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM pending WHERE kind = ? AND key = ?", (kind, key))
            mirror.pop((kind, key), None)

        return self._submit(write)

    def replace(self, kind: str, items: Iterable[PendingItem]) -> asyncio.Future[None]:
        """Make the saved items of `kind` exactly `items`, in one transaction."""
        rows = [self._row(kind, i.key, i.payload, i.due) for i in items]
        mirror = self._mirror

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM pending WHERE kind = ?", (kind,))
            conn.executemany(_UPSERT, rows)
            for gone in [k for k in mirror if k[0] == kind]:
                del mirror[gone]
            for row in rows:
                mirror[(row[0], row[1])] = row

        return self._submit(write)

    def sync(
        self,
        kind: str,
        added: Mapping[str, tuple[str, datetime | None]],
        gone: Iterable[str],
    ) -> asyncio.Future[None]:
        """Add items already written as JSON (key -> (text, due)) and delete others, at once."""
        now = self._now().timestamp()
        rows = [
            (kind, key, text, due.timestamp() if due else None, now)
            for key, (text, due) in added.items()
        ]
        keys = [(kind, key) for key in gone]
        mirror = self._mirror

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM pending WHERE kind = ? AND key = ?", keys)
            conn.executemany(_UPSERT, rows)
            for key in keys:
                mirror.pop(key, None)
            for row in rows:
                mirror[(row[0], row[1])] = row

        return self._submit(write)

    def items(self, kind: str | None = None) -> asyncio.Future[list[PendingItem]]:
        """The items saved now (of one kind, or all), soonest due first."""

        def read(conn: sqlite3.Connection) -> list[PendingItem]:
            sql = "SELECT kind, key, payload, due_ts, updated_ts FROM pending"
            args: tuple[str, ...] = ()
            if kind is not None:
                sql += " WHERE kind = ?"
                args = (kind,)
            out = []
            for k, key, payload, due_ts, updated_ts in conn.execute(sql + " ORDER BY due_ts", args):
                out.append(
                    PendingItem(k, key, loads_strict(payload), _utc(due_ts), _utc(updated_ts))
                )
            return out

        return self._submit(read)
