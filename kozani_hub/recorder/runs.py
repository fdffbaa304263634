"""Rule runs: one summary row per run of a rule (its trace in brief), for "what ran, when"."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any

from .codec import dumps_lenient
from .rows import MultiInsert

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RuleRun:
    """The summary of one run of a rule, as the rules engine reports it when the run ends.

    outcome: what happened, e.g. "finished", "condition_failed", "error", "aborted",
    "restarted"; summary: any further details of the trace (JSON-friendly).
    """

    run_id: str
    rule_id: str
    started: datetime
    outcome: str
    finished: datetime | None = None
    trigger: str | None = None
    error: str | None = None
    context_id: str | None = None
    summary: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


RunRow = tuple[str, str, float, float | None, str, str | None, str | None, str | None, str]


def run_row(run: RuleRun) -> RunRow:
    return (
        run.run_id,
        run.rule_id,
        run.started.timestamp(),
        run.finished.timestamp() if run.finished else None,
        run.outcome,
        run.trigger,
        run.error,
        run.context_id,
        dumps_lenient(dict(run.summary)),
    )


_INSERT_RUNS = MultiInsert(
    "INSERT INTO rule_runs (run_id, rule_id, started_ts, finished_ts, outcome, trigger, error, "
    "context_id, summary)",
    9,
)


def insert_runs(conn: sqlite3.Connection, rows: Sequence[RunRow]) -> None:
    _INSERT_RUNS.run(conn, rows)


SUMMARY_CACHE_SIZE = 4096
_CONTEXT_ID = attrgetter("context_id")
_RULE_ID = attrgetter("rule_id")
_STARTED = attrgetter("started")
_FINISHED = attrgetter("finished")
_OUTCOME = attrgetter("outcome")
_ERROR = attrgetter("error")
_TRIGGER = attrgetter("trigger")
_PATH_AND_ERROR = itemgetter(0, 3)
_TIMESTAMP = datetime.timestamp


class TraceRows:
    """rule_runs rows of finished traces of the rules engine (writer thread).

    Only a trace's raw facts are taken (the engine's one-line summary resolves paths and
    formats results, which costs a hundred times more): the trigger, what each condition
    said, which steps ran and which failed (the rule's file and line are the engine's to
    say). Runs of one rule mostly go the same way, so the JSON of each way is kept and
    reused; the other fields are taken a field at a time for all traces of a batch.
    """

    def __init__(self) -> None:
        self._summaries: dict[tuple[Any, ...], str] = {}

    def insert(self, conn: sqlite3.Connection, traces: Sequence[Any]) -> None:
        if traces:
            _INSERT_RUNS.run_columns(conn, self.columns(traces))

    def columns(self, traces: Sequence[Any]) -> list[list[Any]]:
        run_ids = list(map(str, map(_CONTEXT_ID, traces)))
        finished = list(map(_FINISHED, traces))
        return [
            run_ids,
            list(map(str, map(_RULE_ID, traces))),
            list(map(_TIMESTAMP, map(_STARTED, traces))),
            [None if when is None else when.timestamp() for when in finished],
            # A StrEnum's str() is its value.
            list(map(str, map(_OUTCOME, traces))),
            list(map(_description, map(_TRIGGER, traces))),
            list(map(_ERROR, traces)),
            run_ids,
            list(map(self._summary, traces)),
        ]

    def _summary(self, trace: Any) -> str:
        steps = trace.steps
        key = (
            tuple(trace.conditions),
            tuple(map(_PATH_AND_ERROR, steps)),
            trace.reason,
            trace.error_path,
            trace.omitted,
        )
        try:
            found = self._summaries.get(key)
        except TypeError:  # a condition's explanation that cannot be a key
            return dumps_lenient(_summary_of(trace))
        if found is None:
            found = dumps_lenient(_summary_of(trace))
            if len(self._summaries) >= SUMMARY_CACHE_SIZE:
                self._summaries.clear()
            self._summaries[key] = found
        return found


def _description(trigger: Any) -> str | None:
    if trigger.__class__ is dict or isinstance(trigger, Mapping):
        description = trigger.get("description")
        return None if description is None else str(description)
    return None


def _summary_of(trace: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "conditions": [[path, kind, result, why] for path, kind, result, why in trace.conditions],
        "steps": [[path, error] for path, _, _, error in trace.steps],
    }
    if trace.reason:
        summary["reason"] = trace.reason
    if trace.error_path:
        summary["error_path"] = trace.error_path
    if trace.omitted:
        summary["omitted_steps"] = trace.omitted
    return summary


def _when(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def query_runs(
    conn: sqlite3.Connection,
    start: datetime,
    end: datetime | None,
    rule_id: str | None = None,
    limit: int = 1000,
) -> list[RuleRun]:
    """Runs started in [start, end), oldest first, of one rule or of all."""
    sql = (
        "SELECT run_id, rule_id, started_ts, finished_ts, outcome, trigger, error, context_id, "
        "summary FROM rule_runs WHERE started_ts >= ? AND started_ts < ?"
    )
    args: list[Any] = [start.timestamp(), math.inf if end is None else end.timestamp()]
    if rule_id is not None:
        sql += " AND rule_id = ?"
        args.append(rule_id)
    sql += " ORDER BY started_ts, id LIMIT ?"
    args.append(limit)
    out: list[RuleRun] = []
    for row in conn.execute(sql, args):
        out.append(
            RuleRun(
                run_id=row[0],
                rule_id=row[1],
                started=datetime.fromtimestamp(row[2], UTC),
                finished=_when(row[3]),
                outcome=row[4],
                trigger=row[5],
                error=row[6],
                context_id=row[7],
                summary=MappingProxyType(json.loads(row[8]) if row[8] else {}),
            )
        )
    return out
