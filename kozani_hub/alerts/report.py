"""Alarm-rate figures from the alert history, against the EEMUA 191 benchmarks: a long-term
average of about one alarm per 10 minutes is very likely acceptable; more than 10 in 10 minutes
is a flood, which should take up under 1% of the time."""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .fields import Category
from .journal import TABLE

TEN_MINUTES = timedelta(minutes=10)
TARGET_PER_10_MIN = 1.0
FLOOD_PER_10_MIN = 10
FLOOD_SHARE_TARGET = 0.01
# EEMUA 191's reading of a long-term average rate (alarms per 10 minutes).
RATE_VERDICTS = ((1.0, "very likely acceptable"), (2.0, "manageable"),
                 (5.0, "likely over-demanding"), (float("inf"), "very likely unacceptable"))
TOP = 10


@dataclass(frozen=True, slots=True)
class Transition:
    at: datetime
    alert_id: str
    category: str
    action: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    category: str
    alarms: int
    per_10_min: float
    per_hour: float
    per_day: float
    peak_10_min: int
    flood_share: float
    median_ack: timedelta | None

    @property
    def verdict(self) -> str:
        return next(text for limit, text in RATE_VERDICTS if self.per_10_min <= limit)

    @property
    def within_targets(self) -> bool:
        return self.per_10_min <= TARGET_PER_10_MIN and self.peak_10_min <= FLOOD_PER_10_MIN \
            and self.flood_share < FLOOD_SHARE_TARGET


@dataclass(frozen=True, slots=True)
class Report:
    start: datetime
    end: datetime
    categories: tuple[CategoryFigures, ...]
    total: CategoryFigures
    frequent: tuple[tuple[str, int], ...]
    chattering: tuple[tuple[str, int], ...]
    standing: tuple[tuple[str, str, datetime], ...]
    deliveries: dict[str, int] = field(default_factory=dict)


def is_alarm(t: Transition) -> bool:
    """An annunciated alarm: the alert shown as active (unacknowledged) anew."""
    return t.new == "active" and t.old != "active"


def read_history(path: Path, start: datetime, end: datetime
                 ) -> tuple[list[Transition], dict[str, int], list[Transition]]:
    """Transitions in [start, end), delivery counts, and every transition before `end` (for
    what was standing at the end). Raises FileNotFoundError or sqlite3.Error."""
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if TABLE not in tables:
            return [], {}, []
        rows = conn.execute(
            f"SELECT ts, alert_id, category, action, old_state, new_state FROM {TABLE} "
            "WHERE kind = 'transition' AND ts < ? ORDER BY ts, log_id", (end.timestamp(),))
        before = [Transition(datetime.fromtimestamp(r[0], UTC), r[1], r[2] or "", r[3] or "",
                             r[4] or "", r[5] or "") for r in rows]
        counts = dict(conn.execute(
            f"SELECT kind, COUNT(*) FROM {TABLE} WHERE kind IN ('queued', 'attempt', "
            "'delivered', 'retry', 'failed') AND ts >= ? AND ts < ? GROUP BY kind",
            (start.timestamp(), end.timestamp())).fetchall())
    finally:
        conn.close()
    inside = [t for t in before if t.at >= start]
    return inside, {str(k): int(v) for k, v in counts.items()}, before


def peak(times: Sequence[datetime], window: timedelta = TEN_MINUTES) -> int:
    """The most alarms within any `window`."""
    best, first = 0, 0
    for last, when in enumerate(times):
        while times[first] <= when - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def flood_share(times: Sequence[datetime], start: datetime, end: datetime) -> float:
    """The share of the 10-minute periods of [start, end) with more than 10 alarms."""
    periods = max(1, int((end - start) / TEN_MINUTES))
    counts = Counter(int((t - start) / TEN_MINUTES) for t in times)
    return sum(1 for c in counts.values() if c > FLOOD_PER_10_MIN) / periods


def _ack_times(transitions: Sequence[Transition]) -> list[timedelta]:
    raised: dict[str, datetime] = {}
    out = []
    for t in transitions:
        if is_alarm(t):
            raised.setdefault(t.alert_id, t.at)
        elif t.action in ("acknowledge", "reset") and t.alert_id in raised:
            out.append(t.at - raised.pop(t.alert_id))
    return out


def figures(name: str, transitions: Sequence[Transition], start: datetime,
            end: datetime) -> CategoryFigures:
    times = sorted(t.at for t in transitions if is_alarm(t))
    span = max(end - start, TEN_MINUTES)
    acks = _ack_times(transitions)
    return CategoryFigures(
        name, len(times), len(times) / (span / TEN_MINUTES),
        len(times) / (span / timedelta(hours=1)), len(times) / (span / timedelta(days=1)),
        peak(times), flood_share(times, start, end),
        timedelta(seconds=statistics.median(a.total_seconds() for a in acks)) if acks else None,
    )


def build(transitions: Sequence[Transition], before_end: Sequence[Transition],
          deliveries: dict[str, int], start: datetime, end: datetime, *,
          chatter_count: int = 3, chatter_window: timedelta = timedelta(minutes=1)) -> Report:
    """The report of [start, end) from its transitions."""
    by_category: dict[str, list[Transition]] = defaultdict(list)
    for t in transitions:
        by_category[t.category].append(t)
    names = [str(c) for c in Category] + sorted(set(by_category) - {str(c) for c in Category})
    alarms = [t for t in transitions if is_alarm(t)]
    frequent = Counter(t.alert_id for t in alarms).most_common(TOP)
    return Report(
        start, end,
        tuple(figures(n, by_category.get(n, []), start, end) for n in names),
        figures("all", transitions, start, end),
        tuple(frequent),
        _chattering(alarms, chatter_count, chatter_window),
        _standing(before_end),
        deliveries,
    )


def _chattering(alarms: Sequence[Transition], count: int, window: timedelta
                ) -> tuple[tuple[str, int], ...]:
    times: dict[str, list[datetime]] = defaultdict(list)
    for t in alarms:
        times[t.alert_id].append(t.at)
    found = [(alert_id, peak(sorted(ts), window)) for alert_id, ts in times.items()]
    return tuple(sorted(((a, n) for a, n in found if n >= count), key=lambda x: -x[1]))


def _standing(before_end: Sequence[Transition]) -> tuple[tuple[str, str, datetime], ...]:
    """Alerts not normal at the end: their state and since when they have been in it."""
    last: dict[str, Transition] = {}
    since: dict[str, datetime] = {}
    for t in before_end:
        previous = last.get(t.alert_id)
        if previous is None or previous.new != t.new:
            since[t.alert_id] = t.at
        last[t.alert_id] = t
    return tuple(sorted(((a, t.new, since[a]) for a, t in last.items() if t.new != "normal"),
                        key=lambda x: x[2]))


def as_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-able data."""
    def cat(f: CategoryFigures) -> dict[str, Any]:
        return {"category": f.category, "alarms": f.alarms, "per_10_min": round(f.per_10_min, 3),
                "per_hour": round(f.per_hour, 2), "per_day": round(f.per_day, 1),
                "peak_10_min": f.peak_10_min, "flood_share": round(f.flood_share, 4),
                "median_ack_seconds": f.median_ack.total_seconds() if f.median_ack else None,
                "verdict": f.verdict, "within_targets": f.within_targets}

    return {
        "from": report.start.isoformat(), "to": report.end.isoformat(),
        "targets": {"per_10_min": TARGET_PER_10_MIN, "flood_per_10_min": FLOOD_PER_10_MIN,
                    "flood_share": FLOOD_SHARE_TARGET},
        "categories": [cat(f) for f in report.categories], "total": cat(report.total),
        "most_frequent": [{"alert_id": a, "alarms": n} for a, n in report.frequent],
        "chattering": [{"alert_id": a, "activations": n} for a, n in report.chattering],
        "standing": [{"alert_id": a, "state": s, "since": t.isoformat()}
                     for a, s, t in report.standing],
        "deliveries": report.deliveries,
    }
