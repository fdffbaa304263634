"""Compiling statistics from recorded states: every 5 minutes a short-term row per sensor with a
`state_class`, every hour a long-term row built from the twelve 5-minute rows. A period is
compiled once (statistics_runs remembers which), so after downtime the missing ones are
compiled on start; periods when the hub was not running get no row."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .sums import Reading, SumState, accumulate
from .units import factor

_LOGGER = logging.getLogger("kozani_hub.recorder")

SHORT = 300.0
HOUR = 3600.0
MEASUREMENT = "measurement"
SUM_CLASSES = frozenset({"total", "total_increasing"})


@dataclass(frozen=True, slots=True)
class SensorInfo:
    """A sensor that has statistics, as the hub sees it now."""

    entity_id: str
    state_class: str
    unit: str | None
    name: str | None = None
    present: bool = True  # False: known from earlier runs only


@dataclass(frozen=True, slots=True)
class Point:
    """One recorded state: from `ts` on, the sensor read `value` (None: not a number)."""

    ts: float
    value: float | None
    last_reset: float | None


def floor_period(ts: float, length: float = SHORT) -> float:
    return math.floor(ts / length) * length


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _reset_ts(raw: Any) -> float | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw).timestamp()
    except ValueError:
        return None


class Compiler:
    """Compiles periods on the writer's connection; one instance per compile job."""

    def __init__(self, conn: sqlite3.Connection, sensors: Sequence[SensorInfo]) -> None:
        self.conn = conn
        self.sensors = sensors
        self._attrs: dict[int, dict[str, Any]] = {}
        self._warned: set[tuple[str, str | None]] = set()
        self._current_start = -math.inf
        self._uptime = self._load_uptime()

    def _load_uptime(self) -> list[tuple[float, float]]:
        rows = self.conn.execute(
            "SELECT start_ts, COALESCE(end_ts, last_alive_ts), run_id FROM recorder_runs "
            "ORDER BY run_id"
        ).fetchall()
        spans = [(float(a), float(b)) for a, b, _ in rows]
        self._current_start = spans[-1][0] if spans else -math.inf
        if spans:  # the current run is alive by definition
            spans[-1] = (spans[-1][0], math.inf)
        return spans

    def hub_was_up(self, start: float, end: float) -> bool:
        return any(a < end and b > start for a, b in self._uptime)

    # --- one 5-minute period ----------------------------------------------------------

    def compile_short(self, start: float) -> None:
        end = start + SHORT
        if not self.hub_was_up(start, end):
            return
        for sensor in self.sensors:
            if sensor.present or start < self._current_start:
                self._compile_sensor(sensor, start, end)

    def _compile_sensor(self, sensor: SensorInfo, start: float, end: float) -> None:
        meta = self._statistics_meta(sensor)
        if meta is None:
            return
        stat_id, unit = meta
        points = self._points(sensor, start, end, unit)
        if not points:
            return
        if sensor.state_class == MEASUREMENT:
            row = _measurement(points, start, end)
            if row is not None:
                self._store("statistics_short_term", stat_id, start, *row, None, None, None)
            return
        previous = self._previous_sum(stat_id, start)
        readings = [Reading(p.value, p.last_reset) for p in points if p.value is not None]
        result = accumulate(
            previous,
            readings,
            total_increasing=sensor.state_class == "total_increasing",
            entity_id=sensor.entity_id,
        )
        if result is not None:
            self._store(
                "statistics_short_term",
                stat_id,
                start,
                None,
                None,
                None,
                result.state,
                result.sum,
                result.last_reset,
            )

    def _statistics_meta(self, sensor: SensorInfo) -> tuple[int, str | None] | None:
        row = self.conn.execute(
            "SELECT metadata_id, unit, state_class FROM statistics_meta WHERE statistic_id = ?",
            (sensor.entity_id,),
        ).fetchone()
        has_mean = int(sensor.state_class == MEASUREMENT)
        has_sum = int(sensor.state_class in SUM_CLASSES)
        if row is None:
            cursor = self.conn.execute(
                "INSERT INTO statistics_meta (statistic_id, source, unit, has_mean, has_sum, "
                "state_class, name) VALUES (?, 'recorder', ?, ?, ?, ?, ?)",
                (sensor.entity_id, sensor.unit, has_mean, has_sum, sensor.state_class, sensor.name),
            )
            return int(cursor.lastrowid or 0), sensor.unit
        if row[2] != sensor.state_class:
            self.conn.execute(
                "UPDATE statistics_meta SET has_mean = ?, has_sum = ?, state_class = ? "
                "WHERE metadata_id = ?",
                (has_mean, has_sum, sensor.state_class, row[0]),
            )
        return int(row[0]), row[1]

    def _points(
        self, sensor: SensorInfo, start: float, end: float, unit: str | None
    ) -> list[Point]:
        meta = self.conn.execute(
            "SELECT metadata_id FROM states_meta WHERE entity_id = ?", (sensor.entity_id,)
        ).fetchone()
        if meta is None:
            return []
        columns = "SELECT state, attributes_id, last_updated_ts FROM states WHERE metadata_id = ?"
        before = self.conn.execute(
            f"{columns} AND last_updated_ts < ? ORDER BY last_updated_ts DESC, state_id DESC "
            "LIMIT 1",
            (meta[0], start),
        ).fetchall()
        during = self.conn.execute(
            f"{columns} AND last_updated_ts >= ? AND last_updated_ts < ? "
            "ORDER BY last_updated_ts, state_id",
            (meta[0], start, end),
        ).fetchall()
        points = []
        for state, attributes_id, ts in before + during:
            attrs = self._attributes(attributes_id)
            value = _number(state)
            if value is not None:
                value = self._convert(
                    sensor.entity_id, value, attrs.get("unit_of_measurement"), unit
                )
            points.append(Point(max(float(ts), start), value, _reset_ts(attrs.get("last_reset"))))
        return points

    def _convert(
        self, entity_id: str, value: float, unit_from: str | None, unit_to: str | None
    ) -> float | None:
        ratio = factor(unit_from, unit_to)
        if ratio is None:
            if (entity_id, unit_from) not in self._warned:
                self._warned.add((entity_id, unit_from))
                _LOGGER.warning(
                    "%s reports in %s, but its statistics are kept in %s; readings in %s are "
                    "left out of its statistics",
                    entity_id,
                    unit_from,
                    unit_to,
                    unit_from,
                )
            return None
        return value * ratio

    def _attributes(self, attributes_id: int | None) -> dict[str, Any]:
        if attributes_id is None:
            return {}
        found = self._attrs.get(attributes_id)
        if found is None:
            row = self.conn.execute(
                "SELECT shared_attrs FROM state_attributes WHERE attributes_id = ?",
                (attributes_id,),
            ).fetchone()
            found = json.loads(row[0]) if row else {}
            self._attrs[attributes_id] = found
        return found

    def _previous_sum(self, stat_id: int, start: float) -> SumState | None:
        row = self.conn.execute(
            "SELECT state, sum, last_reset_ts FROM statistics_short_term "
            "WHERE metadata_id = ? AND start_ts < ? ORDER BY start_ts DESC LIMIT 1",
            (stat_id, start),
        ).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT state, sum, last_reset_ts FROM statistics "
                "WHERE metadata_id = ? AND start_ts < ? ORDER BY start_ts DESC LIMIT 1",
                (stat_id, start),
            ).fetchone()
        if row is None or row[0] is None or row[1] is None:
            return None
        return SumState(float(row[0]), float(row[1]), row[2])

    def _store(self, table: str, stat_id: int, start: float, *values: float | None) -> None:
        self.conn.execute(
            f"INSERT OR REPLACE INTO {table} (metadata_id, start_ts, mean, min, max, state, sum, "
            "last_reset_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (stat_id, start, *values),
        )

    # --- one hour, from its 5-minute rows ----------------------------------------------

    def compile_hour(self, start: float) -> None:
        end = start + HOUR
        conn = self.conn
        means = conn.execute(
            "SELECT s.metadata_id, AVG(s.mean), MIN(s.min), MAX(s.max) FROM statistics_short_term s "
            "JOIN statistics_meta m ON m.metadata_id = s.metadata_id "
            "WHERE m.has_mean = 1 AND s.start_ts >= ? AND s.start_ts < ? AND s.mean IS NOT NULL "
            "GROUP BY s.metadata_id",
            (start, end),
        ).fetchall()
        for stat_id, mean, low, high in means:
            self._store("statistics", stat_id, start, mean, low, high, None, None, None)
        sums = conn.execute(
            "SELECT s.metadata_id, s.state, s.sum, s.last_reset_ts FROM statistics_short_term s "
            "JOIN statistics_meta m ON m.metadata_id = s.metadata_id "
            "WHERE m.has_sum = 1 AND s.start_ts = (SELECT MAX(start_ts) FROM statistics_short_term "
            "WHERE metadata_id = s.metadata_id AND start_ts >= ? AND start_ts < ?)",
            (start, end),
        ).fetchall()
        for stat_id, state, total, last_reset in sums:
            self._store("statistics", stat_id, start, None, None, None, state, total, last_reset)


def _measurement(
    points: list[Point], start: float, end: float
) -> tuple[float, float, float] | None:
    """Time-weighted mean, min and max of the numeric readings in force during [start, end)."""
    weighted = 0.0
    duration = 0.0
    values: list[float] = []
    for i, point in enumerate(points):
        if point.value is None:
            continue
        until = points[i + 1].ts if i + 1 < len(points) else end
        values.append(point.value)
        span = max(0.0, until - point.ts)
        weighted += point.value * span
        duration += span
    if not values:
        return None
    mean = weighted / duration if duration > 0 else sum(values) / len(values)
    return mean, min(values), max(values)


def _known_elsewhere(conn: sqlite3.Connection, sensors: Sequence[SensorInfo]) -> list[SensorInfo]:
    """Sensors with statistics that the hub does not show now (a meter whose integration has
    not come up yet): their last periods before a restart are compiled all the same."""
    present = {s.entity_id for s in sensors}
    return [
        SensorInfo(statistic_id, state_class, unit, name, present=False)
        for statistic_id, state_class, unit, name in conn.execute(
            "SELECT statistic_id, state_class, unit, name FROM statistics_meta "
            "WHERE state_class IS NOT NULL"
        )
        if statistic_id not in present
    ]


def last_compiled(conn: sqlite3.Connection) -> float | None:
    row = conn.execute("SELECT MAX(start_ts) FROM statistics_runs").fetchone()
    return None if row[0] is None else float(row[0])


def compile_missing(
    conn: sqlite3.Connection, sensors: Sequence[SensorInfo], until: float
) -> Iterator[None]:
    """Compile every 5-minute period that ended by `until` and is not compiled yet, and each
    hour they complete; one period per step, so writes go on in between."""
    done = last_compiled(conn)
    if done is None:
        first = conn.execute("SELECT MIN(start_ts) FROM recorder_runs").fetchone()[0]
        if first is None:
            return
        period = floor_period(float(first))
    else:
        period = done + SHORT
    compiler = Compiler(conn, [*sensors, *_known_elsewhere(conn, sensors)])
    while period + SHORT <= until:
        compiler.compile_short(period)
        end = period + SHORT
        if end % HOUR == 0:
            compiler.compile_hour(end - HOUR)
        conn.execute("INSERT OR REPLACE INTO statistics_runs (start_ts) VALUES (?)", (period,))
        period = end
        yield
