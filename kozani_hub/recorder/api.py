"""The query API: history, statistics and rule runs (the HTTP API exposes these)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from . import history as _history
from .runs import RuleRun, query_runs
from .statistics.query import (
    Period,
    StatisticMeta,
    StatisticRow,
    list_statistics,
    statistics_during,
)

_T = TypeVar("_T")
Read = Callable[[Callable[[sqlite3.Connection], Any]], Awaitable[Any]]


class History:
    """States and events over a period."""

    def __init__(self, read: Read) -> None:
        self._read = read

    async def states(
        self,
        entity_ids: Sequence[str],
        start: datetime,
        end: datetime | None = None,
        *,
        significant_only: bool = False,
        include_start: bool = True,
        with_attributes: bool = True,
    ) -> dict[str, list[State]]:
        """Each entity's states in [start, end) (end None: up to now), oldest first, beginning with the
        state in force at `start`."""
        stop = end
        result: dict[str, list[State]] = await self._read(
            lambda conn: _history.states_during(
                conn,
                list(entity_ids),
                start,
                stop,
                significant_only=significant_only,
                include_start=include_start,
                with_attributes=with_attributes,
            )
        )
        return result

    async def significant_states(
        self, entity_ids: Sequence[str], start: datetime, end: datetime | None = None
    ) -> dict[str, list[State]]:
        """Only the changes of state itself (attribute-only updates left out)."""
        return await self.states(entity_ids, start, end, significant_only=True)

    async def events(
        self,
        start: datetime,
        end: datetime | None = None,
        event_types: Sequence[str] | None = None,
    ) -> list[Event]:
        """Recorded events (other than state changes) fired in [start, end)."""
        stop = end
        events: list[Event] = await self._read(
            lambda conn: _history.events_during(conn, start, stop, event_types)
        )
        return events

    async def rule_runs(
        self, start: datetime, end: datetime | None = None, rule_id: str | None = None
    ) -> list[RuleRun]:
        """Rule run summaries started in [start, end), of one rule or of all."""
        stop = end
        runs: list[RuleRun] = await self._read(lambda conn: query_runs(conn, start, stop, rule_id))
        return runs


class Statistics:
    """Long-term statistics of sensors with a state_class."""

    def __init__(self, read: Read, tz: tzinfo) -> None:
        self._read = read
        self._tz = tz

    async def during(
        self,
        statistic_ids: Sequence[str],
        start: datetime,
        end: datetime | None = None,
        period: Period = "hour",
    ) -> dict[str, list[StatisticRow]]:
        """Rows per period ("5minute", "hour", or "day"/"week"/"month" in local time)."""
        stop = end
        rows: dict[str, list[StatisticRow]] = await self._read(
            lambda conn: statistics_during(
                conn, list(statistic_ids), start, stop, period=period, tz=self._tz
            )
        )
        return rows

    async def list(self) -> list[StatisticMeta]:
        """Every statistic kept, with its unit and kind."""
        metas: list[StatisticMeta] = await self._read(list_statistics)
        return metas
