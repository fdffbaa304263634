"""What the energy review reads from the recorder's database, read-only: the runs of rules
and their contexts, the states of the controlled loads and their schedules, and the energy
meters' hourly statistics."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from kozani_hub.core.states import State
from kozani_hub.recorder.history import states_during
from kozani_hub.recorder.statistics.query import StatisticRow, statistics_during

#: How far back a run may lie whose command still holds a load at the start of the period.
LOOKBACK = timedelta(days=31)
EVENT_TRIGGERED = "automation_triggered"
_NO_RUN = ("condition failed", "not run")


@dataclass(slots=True)
class Runs:
    """Runs of rules: when each started (in the period) and which rule each context is."""

    started: dict[str, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    rule_of: dict[str, str] = field(default_factory=dict)

    def add(self, rule_id: str, when: datetime, context_id: str | None,
            start: datetime, end: datetime) -> None:
        if context_id:
            self.rule_of[context_id] = rule_id
        if start <= when < end:
            self.started[rule_id].append(when)


class Database:
    """A read-only connection to a recorder database."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"no recorder database at {path}; the hub writes it while "
                                    "it runs")
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _tables(self) -> set[str]:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in rows}

    def runs(self, rule_ids: Iterable[str], start: datetime, end: datetime) -> Runs:
        """The runs of the rules: from the rule_runs table when it holds any, else from the
        automation_triggered events; contexts from LOOKBACK before `start` on."""
        wanted = set(rule_ids)
        runs = Runs()
        since = (start - LOOKBACK).timestamp()
        tables = self._tables()
        if "rule_runs" in tables and self._conn.execute(
            "SELECT 1 FROM rule_runs WHERE started_ts >= ? AND started_ts < ? LIMIT 1",
            (since, end.timestamp()),
        ).fetchone():
            for rule_id, ts, outcome, context_id in self._conn.execute(
                "SELECT rule_id, started_ts, outcome, context_id FROM rule_runs "
                "WHERE started_ts >= ? AND started_ts < ? ORDER BY started_ts",
                (since, end.timestamp()),
            ):
                if rule_id in wanted and outcome not in _NO_RUN:
                    runs.add(rule_id, _utc(ts), context_id, start, end)
            return runs
        if "events" not in tables:
            return runs
        for data, ts, context_id in self._conn.execute(
            "SELECT d.shared_data, e.time_fired_ts, e.context_id FROM events e "
            "JOIN event_types t ON t.event_type_id = e.event_type_id "
            "LEFT JOIN event_data d ON d.data_id = e.data_id "
            "WHERE t.event_type = ? AND e.time_fired_ts >= ? AND e.time_fired_ts < ? "
            "ORDER BY e.time_fired_ts, e.event_id",
            (EVENT_TRIGGERED, since, end.timestamp()),
        ):
            rule_id = json.loads(data).get("id") if data else None
            if rule_id in wanted:
                runs.add(str(rule_id), _utc(ts), context_id, start, end)
        return runs

    def states(self, entity_ids: Sequence[str], start: datetime, end: datetime
               ) -> dict[str, list[State]]:
        """Each entity's states in [start, end), beginning with the one in force at start."""
        if "states" not in self._tables():
            return {}
        return states_during(self._conn, entity_ids, start, end)

    def energy_meters(self, building: str) -> tuple[str, ...]:
        """The energy statistics of a building: sensor.<building>_energy, else every
        sensor.<building>_..._energy (a street's lighting circuits)."""
        if "statistics_meta" not in self._tables():
            return ()
        ids = [r[0] for r in self._conn.execute(
            "SELECT statistic_id FROM statistics_meta WHERE has_sum = 1 ORDER BY statistic_id")]
        main = f"sensor.{building}_energy"
        if main in ids:
            return (main,)
        pattern = re.compile(rf"^sensor\.{re.escape(building)}_[a-z0-9_]*energy$")
        return tuple(i for i in ids if pattern.match(i))

    def hourly(self, statistic_ids: Sequence[str], start: datetime, end: datetime, tz: tzinfo
               ) -> dict[str, list[StatisticRow]]:
        if not statistic_ids or "statistics" not in self._tables():
            return {}
        return statistics_during(self._conn, statistic_ids, start, end, period="hour", tz=tz)

    def building_name(self, meters: Sequence[str], end: datetime) -> str | None:
        """The `building` attribute of a meter's last state before end, else its name less
        " energy" ("Dimokratias lighting")."""
        for states in self.states(list(meters), end, end).values():
            attributes = states[-1].attributes
            if attributes.get("building"):
                return str(attributes["building"])
            name = str(attributes.get("friendly_name") or "").removesuffix(" energy")
            if name:
                return name
        return None


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
