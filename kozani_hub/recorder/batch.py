"""One batch of queued states, events and rule runs, turned into rows and written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kozani_hub.core.states import State

from .rows import INSERT_EVENTS, INSERT_STATES, UPSERT_RESTORE_STATES, RowBuilder, restore_row
from .runs import RunRow, insert_runs, run_row
from .tasks import EVENT, REMOVED, RUN, STATE


class Batch:
    """Rows built from queued items (everything but tasks), until `write`."""

    __slots__ = ("_now", "_rows", "events", "runs", "states")

    def __init__(self, rows: RowBuilder, now: Callable[[], datetime]) -> None:
        self._rows = rows
        self._now = now
        self.states: list[Any] = []
        self.events: list[Any] = []
        self.runs: list[RunRow] = []

    def add(self, conn: sqlite3.Connection, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == STATE:
            state = item[1]
            self.states.append(self._rows.state_row(conn, state.entity_id, state, 0.0))
        elif kind == EVENT:
            self.events.append(self._rows.event_row(conn, item[1], 0.0))
        elif kind == REMOVED:
            when = item[2].timestamp() if item[2] else self._now().timestamp()
            self.states.append(self._rows.state_row(conn, item[1], None, when))
        elif kind == RUN:  # a RuleRun, or something its converter makes a row of
            self.runs.append(run_row(item[1]) if item[2] is None else item[2](item[1]))
        else:
            raise ValueError(f"not a row item: {kind!r}")

    def write(self, conn: sqlite3.Connection) -> int:
        """Insert what was added (shared rows first); returns the number of rows, and empties."""
        self._rows.write_shared(conn)
        if self.states:
            INSERT_STATES.run(conn, self.states)
        if self.events:
            INSERT_EVENTS.run(conn, self.events)
        if self.runs:
            insert_runs(conn, self.runs)
        written = len(self.states) + len(self.events) + len(self.runs)
        self.states, self.events, self.runs = [], [], []
        return written


def write_restores(
    conn: sqlite3.Connection, restores: dict[str, State], mirror: dict[str, tuple[Any, ...]]
) -> None:
    """Save the latest state of each restorable entity, taking them out of `restores` one
    by one (the event loop may add to it meanwhile: what it adds waits for the next time)."""
    rows: dict[str, tuple[Any, ...]] = {}
    while restores:
        try:
            entity_id, state = restores.popitem()
        except KeyError:
            break
        rows[entity_id] = restore_row(state, 0.0)
    if rows:
        UPSERT_RESTORE_STATES.run(conn, list(rows.values()))
        mirror.update(rows)
