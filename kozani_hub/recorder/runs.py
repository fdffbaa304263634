"""Rule runs: one summary row per run of a rule (its trace in brief), for "what ran, when"."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
