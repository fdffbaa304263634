"""One batch of queued states, events and rule runs, turned into rows and written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import compress
from typing import Any

from kozani_hub.core.states import State, StateRemoved

from .rows import (
    INSERT_EVENTS,
    INSERT_STATES,
    ROWS_PER_STATEMENT,
    UPSERT_RESTORE_STATES,
    RowBuilder,
    entity_ids_of,
    restore_row,
    state_columns,
)
from .runs import RunRow, TraceRows, insert_runs, run_row
from .tasks import EVENT, RECORD, RESTORE, RULE_ENTITY, RUN, TASK, TRACE


class Picks:
    """What the writer keeps of the state changes it is handed (writer thread only).

    Every change of every entity comes through the queue; `classify(entity_id)` says, once
    per entity, whether its states are recorded (RECORD), saved for restore (RESTORE), and
    whether it is a rule's entity, whose updates that keep its on/off state only repeat the
    rule run record (RULE_ENTITY).
    """

    def __init__(self, classify: Callable[[str], int]) -> None:
        self.classify = classify
        self.flags: dict[str, int] = {}
        self.rule_states: dict[str, str] = {}  # a rule entity's last recorded on/off
        # The latest state of each restorable entity, saved at the next commit: only the
        # last one counts, and a rule's entity changes with every run.
        self.restores: dict[str, State] = {}

    def flags_for(self, entity_id: str) -> int:
        flags = self.flags.get(entity_id)
        if flags is None:
            flags = self.flags[entity_id] = self.classify(entity_id)
        return flags

    def pick(self, states: list[State]) -> tuple[list[State], list[str]]:
        """The states to record, and their entity ids; notes the ones to save for restore."""
        entity_ids = entity_ids_of(states)
        flags = self.flags
        try:
            kinds = list(map(flags.__getitem__, entity_ids))
        except KeyError:
            for entity_id in set(entity_ids).difference(flags):
                self.flags_for(entity_id)
            kinds = list(map(flags.__getitem__, entity_ids))
        if kinds.count(RECORD) == len(kinds):  # recorded, nothing else: most entities
            return states, entity_ids
        keep = list(map(RECORD.__eq__, kinds))
        restores, rule_states = self.restores, self.rule_states
        for index in [i for i, kind in enumerate(kinds) if kind != RECORD]:
            kind, state, entity_id = kinds[index], states[index], entity_ids[index]
            if kind & RESTORE:
                restores[entity_id] = state
            if kind & RULE_ENTITY:
                if rule_states.get(entity_id) == state.state:
                    continue  # last_triggered, current: in the rule run record
                rule_states[entity_id] = state.state
            if kind & RECORD:
                keep[index] = True
        return list(compress(states, keep)), list(compress(entity_ids, keep))

    def removed(self, entity_id: str) -> bool:
        """Forget a removed entity; whether its removal is recorded."""
        self.rule_states.pop(entity_id, None)
        return bool(self.flags_for(entity_id) & RECORD)


class Batch:
    """Rows built from queued items (everything but tasks), until `write`."""

    __slots__ = ("_picks", "_rows", "_states", "_traces", "events", "runs", "states", "traces")

    def __init__(self, rows: RowBuilder, *, picks: Picks, traces: TraceRows) -> None:
        self._rows = rows
        self._picks = picks
        self._traces = traces
        self._states: list[State] = []  # not yet picked
        self.states = state_columns()
        self.events: list[Any] = []
        self.runs: list[RunRow] = []
        self.traces: list[Any] = []

    def add(self, conn: sqlite3.Connection, items: Sequence[Any], start: int = 0) -> int:
        """Take `items[start:]` up to the first task; return the task's index (or the length
        when there is none). States are gathered and turned into rows together."""
        end = len(items)
        kinds = list(map(type, items[start:]))
        if kinds.count(State) == len(kinds):  # state changes only: the common case
            self._states += items[start:]
            return end
        at = start
        for offset in [i for i, kind in enumerate(kinds) if kind is not State]:
            other = start + offset
            self._states += items[at:other]
            at = other + 1
            item = items[other]
            if item.__class__ is StateRemoved:
                self._pick(conn)
                if self._picks.removed(item.entity_id):
                    row = self._rows.state_row(conn, item.entity_id, None, item.time.timestamp())
                    for column, value in zip(self.states, row, strict=True):
                        column.append(value)
            elif item[0] == TASK:
                return other
            else:
                self._other(conn, item)
        self._states += items[at:end]
        return end

    def _pick(self, conn: sqlite3.Connection) -> None:
        if self._states:
            states, entity_ids = self._picks.pick(self._states)
            self._states = []
            if states:
                self._rows.add_states(conn, states, entity_ids, self.states)

    def _other(self, conn: sqlite3.Connection, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == TRACE:
            self.traces.append(item[1])
        elif kind == EVENT:
            self.events.append(self._rows.event_row(conn, item[1], 0.0))
        elif kind == RUN:
            self.runs.append(run_row(item[1]))
        else:
            raise ValueError(f"not a row item: {kind!r}")

    def write(self, conn: sqlite3.Connection, *, whole_statements_only: bool = False) -> int:
        """Insert what was added (shared rows first); returns the number of rows written.

        whole_statements_only: leave the states and traces short of a whole statement for
        the next call (the writer's batch lives until the commit, which writes them all).
        """
        self._pick(conn)
        self._rows.write_shared(conn)
        states = len(self.states[0])
        traces = len(self.traces)
        if whole_statements_only:
            states -= states % ROWS_PER_STATEMENT
            traces -= traces % ROWS_PER_STATEMENT
        if states:
            INSERT_STATES.run_columns(conn, [column[:states] for column in self.states])
            self.states = [column[states:] for column in self.states]
        if traces:
            self._traces.insert(conn, self.traces[:traces])
            del self.traces[:traces]
        if self.events:
            INSERT_EVENTS.run(conn, self.events)
        if self.runs:
            insert_runs(conn, self.runs)
        written = states + traces + len(self.events) + len(self.runs)
        self.events, self.runs = [], []
        return written


def write_restores(
    conn: sqlite3.Connection, restores: dict[str, State], mirror: dict[str, tuple[Any, ...]]
) -> None:
    """Save the latest state of each restorable entity, and forget them (writer thread)."""
    if not restores:
        return
    rows = {entity_id: restore_row(state, 0.0) for entity_id, state in restores.items()}
    restores.clear()
    UPSERT_RESTORE_STATES.run(conn, list(rows.values()))
    mirror.update(rows)
