"""What the benchmark measures with: resident memory, percentiles, and its report."""

from __future__ import annotations

import json
import math
import resource
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")


def rss_mib() -> float:
    """The process's resident memory now, in MiB (the peak where /proc is not available)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, nearest rank; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class BenchResult:
    """The figures `kozani-hub bench` reports; `--json` prints exactly these keys."""

    rules: int
    changes: int
    actions: int
    load_s: float
    changes_per_s: float
    actions_per_s: float
    burst_p50_ms: float
    burst_p99_ms: float
    closed_p50_ms: float
    closed_p99_ms: float
    rss_load_mib: float
    rss_end_mib: float
    rss_before_load_mib: float = 0.0
    expected_actions: int = 0
    recorder: RecorderFigures | None = None

    def as_json(self) -> str:
        data = asdict(self)
        del data["rss_before_load_mib"], data["expected_actions"]
        if self.recorder is None:
            del data["recorder"]
        return json.dumps(_rounded(data))

    @property
    def kib_per_rule(self) -> float:
        return (self.rss_load_mib - self.rss_before_load_mib) * 1024 / max(1, self.rules)

    def text(self) -> str:
        delivered = (
            "all delivered"
            if self.actions == self.expected_actions
            else f"{self.expected_actions - self.actions} NOT DELIVERED"
        )
        return "\n".join(
            [
                f"Kozani Hub rules benchmark: {self.rules:,} rules, {self.changes:,} state changes",
                f"  rule load            {self.load_s:.3f} s, {self.kib_per_rule:.2f} KiB per rule "
                f"(RSS {self.rss_before_load_mib:.1f} -> {self.rss_load_mib:.1f} MiB)",
                f"  throughput           {self.changes_per_s:,.0f} changes/s, "
                f"{self.actions_per_s:,.0f} actions/s ({self.actions:,} actions, {delivered})",
                f"  burst latency        p50 {self.burst_p50_ms:.3f} ms, p99 {self.burst_p99_ms:.3f} ms",
                f"  closed-loop latency  p50 {self.closed_p50_ms:.3f} ms, "
                f"p99 {self.closed_p99_ms:.3f} ms",
                f"  RSS at the end       {self.rss_end_mib:.1f} MiB",
                *([self.recorder.text()] if self.recorder is not None else []),
            ]
        )


@dataclass(frozen=True, slots=True)
class RecorderFigures:
    """What the recorder did during the burst: rows written (states and rule runs), how long
    its queue grew, what it had to drop, and how long after the last action everything
    was committed."""

    rows: int
    queue_peak: int
    queue_max: int
    dropped: int
    catch_up_s: float

    def text(self) -> str:
        return (
            f"  recorder             {self.rows:,} rows written in the burst, queue peak "
            f"{self.queue_peak:,} of {self.queue_max:,}, {self.dropped:,} dropped, all "
            f"committed {self.catch_up_s:.3f} s after the last action"
        )


@dataclass(frozen=True, slots=True)
class RecorderComparison:
    """`bench --recorder`: the same workload without and with the recorder, in alternate
    rounds (so a machine that speeds up or slows down meanwhile affects both alike)."""

    rules: int
    changes: int
    without: tuple[float, ...]
    with_recorder: tuple[float, ...]
    recorder: RecorderFigures
    target_pct: float = 30.0

    @property
    def median_without(self) -> float:
        return statistics.median(self.without)

    @property
    def median_with(self) -> float:
        return statistics.median(self.with_recorder)

    @property
    def below_pct(self) -> float:
        return 100.0 * (1.0 - self.median_with / self.median_without) if self.without else 0.0

    def as_json(self) -> str:
        return json.dumps(
            _rounded(
                {
                    "rules": self.rules,
                    "changes": self.changes,
                    "rounds": len(self.without),
                    "changes_per_s_without": list(self.without),
                    "changes_per_s_with": list(self.with_recorder),
                    "median_without": self.median_without,
                    "median_with": self.median_with,
                    "below_pct": self.below_pct,
                    "target_pct": self.target_pct,
                    "recorder": asdict(self.recorder),
                }
            )
        )

    def text(self) -> str:
        def rates(values: Sequence[float]) -> str:
            return ", ".join(f"{v:,.0f}" for v in values)

        verdict = "within" if self.below_pct <= self.target_pct else "MISSES"
        return "\n".join(
            [
                f"Kozani Hub recorder benchmark: {self.rules:,} rules, {self.changes:,} state "
                f"changes, {len(self.without)} round{'s' if len(self.without) != 1 else ''} "
                "each way",
                f"  without the recorder {self.median_without:,.0f} changes/s "
                f"(median of {rates(self.without)})",
                f"  with the recorder    {self.median_with:,.0f} changes/s "
                f"(median of {rates(self.with_recorder)})",
                f"  difference           {self.below_pct:.1f} % below ({verdict} the target of "
                f"at most {self.target_pct:.0f} %)",
                self.recorder.text(),
            ]
        )


def _rounded(value: Any) -> Any:
    """`value` with its floats rounded to 4 places, for the JSON report."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value
