"""Reading statistics back: 5-minute and hourly rows as stored, and days, weeks and months
built from the hourly rows in the hub's time zone (a building manager's "March" is March in
Kozani, not in UTC)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

Period = Literal["5minute", "hour", "day", "week", "month"]
PERIODS: tuple[str, ...] = ("5minute", "hour", "day", "week", "month")


@dataclass(frozen=True, slots=True)
class StatisticMeta:
    statistic_id: str
    unit: str | None
    has_mean: bool
    has_sum: bool
    name: str | None


@dataclass(frozen=True, slots=True)
class StatisticRow:
    """One period. Sensors with a mean fill mean/min/max; meters fill state, sum and change
    (what was used during the period: the sum at its end minus the sum at the previous end)."""

    start: datetime
    end: datetime
    mean: float | None = None
    min: float | None = None
    max: float | None = None
    state: float | None = None
    sum: float | None = None
    last_reset: datetime | None = None
    change: float | None = None


_Raw = tuple[
    float, float | None, float | None, float | None, float | None, float | None, float | None
]


def list_statistics(conn: sqlite3.Connection) -> list[StatisticMeta]:
    return [
        StatisticMeta(r[0], r[1], bool(r[2]), bool(r[3]), r[4])
        for r in conn.execute(
            "SELECT statistic_id, unit, has_mean, has_sum, name FROM statistics_meta "
            "ORDER BY statistic_id"
        )
    ]


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _rows(
    conn: sqlite3.Connection, table: str, stat_id: int, start: float, end: float
) -> list[_Raw]:
    return conn.execute(
        f"SELECT start_ts, mean, min, max, state, sum, last_reset_ts FROM {table} "
        "WHERE metadata_id = ? AND start_ts >= ? AND start_ts < ? ORDER BY start_ts",
        (stat_id, start, end),
    ).fetchall()


def _sum_before(conn: sqlite3.Connection, table: str, stat_id: int, start: float) -> float:
    row = conn.execute(
        f"SELECT sum FROM {table} WHERE metadata_id = ? AND start_ts < ? AND sum IS NOT NULL "
        "ORDER BY start_ts DESC LIMIT 1",
        (stat_id, start),
    ).fetchone()
    return 0.0 if row is None else float(row[0])


def statistics_during(
    conn: sqlite3.Connection,
    statistic_ids: Sequence[str],
    start: datetime,
    end: datetime | None,
    *,
    period: Period,
    tz: tzinfo,
) -> dict[str, list[StatisticRow]]:
    """Rows of each statistic with a start in [start, end); statistics without rows are left out."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    table = "statistics_short_term" if period == "5minute" else "statistics"
    length = 300.0 if period == "5minute" else 3600.0
    out: dict[str, list[StatisticRow]] = {}
    for statistic_id in dict.fromkeys(statistic_ids):
        meta = conn.execute(
            "SELECT metadata_id, has_sum FROM statistics_meta WHERE statistic_id = ?",
            (statistic_id,),
        ).fetchone()
        if meta is None:
            continue
        finish = math.inf if end is None else end.timestamp()
        if period in ("5minute", "hour"):
            begin = start.timestamp()
        else:  # whole local days: fetch from the start of the first bucket
            begin = _bucket_start(start, period, tz).timestamp()
        raw = _rows(conn, table, meta[0], begin, finish)
        if not raw:
            continue
        previous = _sum_before(conn, table, meta[0], begin) if meta[1] else None
        if period in ("5minute", "hour"):
            rows = _plain(raw, length, previous)
        else:
            rows = _grouped(raw, period, tz, previous)
        out[statistic_id] = rows
    return out


def _plain(raw: list[_Raw], length: float, previous: float | None) -> list[StatisticRow]:
    rows = []
    for ts, mean, low, high, state, total, reset in raw:
        change = None
        if previous is not None and total is not None:
            change, previous = total - previous, total
        rows.append(
            StatisticRow(
                _utc(ts),
                _utc(ts + length),
                mean,
                low,
                high,
                state,
                total,
                _utc(reset) if reset is not None else None,
                change,
            )
        )
    return rows


def _bucket_start(when: datetime, period: Period, tz: tzinfo) -> datetime:
    local = when.astimezone(tz)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        day -= timedelta(days=day.weekday())
    elif period == "month":
        day = day.replace(day=1)
    # Rebuild through the zone, so a bucket that starts in summer time has the right offset.
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _next_bucket(begin: datetime, period: Period, tz: tzinfo) -> datetime:
    if period == "month":
        year, month = (begin.year + 1, 1) if begin.month == 12 else (begin.year, begin.month + 1)
        return datetime(year, month, 1, tzinfo=tz)
    days = 7 if period == "week" else 1
    following = begin.replace(tzinfo=None) + timedelta(days=days)
    return datetime(following.year, following.month, following.day, tzinfo=tz)


def _grouped(
    raw: list[_Raw], period: Period, tz: tzinfo, previous: float | None
) -> list[StatisticRow]:
    buckets: dict[datetime, list[_Raw]] = {}
    key: Callable[[float], datetime] = lambda ts: _bucket_start(_utc(ts), period, tz)  # noqa: E731
    for row in raw:
        buckets.setdefault(key(row[0]), []).append(row)
    out = []
    for begin, rows in buckets.items():
        means = [r[1] for r in rows if r[1] is not None]
        lows = [r[2] for r in rows if r[2] is not None]
        highs = [r[3] for r in rows if r[3] is not None]
        last = rows[-1]
        change = None
        if previous is not None and last[5] is not None:
            change, previous = last[5] - previous, last[5]
        out.append(
            StatisticRow(
                begin.astimezone(UTC),
                _next_bucket(begin, period, tz).astimezone(UTC),
                sum(means) / len(means) if means else None,
                min(lows) if lows else None,
                max(highs) if highs else None,
                last[4],
                last[5],
                _utc(last[6]) if last[6] is not None else None,
                change,
            )
        )
    return out
